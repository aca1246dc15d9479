"""The per-user cache: parsed items, finished results, audit verdicts, history.

Caches live where the repository cannot supply them: one folder per ledger
(named by a hash of its resolved path) under the user's cache home,
`$DUCHA_CACHE_DIR`, else `$XDG_CACHE_HOME/ducha`, else `~/.cache/ducha`.
A `.ducha-cache/` folder inside a ledger (where older versions kept their
caches) is never read.

Nothing in a cache is code: files are JSON written by `generator.codec`,
which rebuilds only known dataclasses. Every file is signed with a random
key kept in the cache home (`secret.key`, readable by the user only), so a
file that ducha did not write itself (copied in, restored from a shared CI
cache, crafted with the right input key) is a miss like a corrupt one.

- `ItemCache`: each item file's parse (item and findings), keyed by path
  and checked by (mtime, size), then by content hash when only the times
  changed (a fresh checkout). Only changed files are parsed again.
- `ResultCache`: the finished output of `check`/`validate` keyed by a
  fingerprint of every input (code, `ledger.yaml`, each item file's stat,
  the date, the command). A run with nothing changed prints it directly.
- `load_signed`/`store_signed`: the same envelope for other caches (the
  audit's verdicts); `sign`/`verify` for rows (the history's SQLite).

All are pure speed-ups: a missing, stale, corrupt or foreign cache is
ignored, and a read-only or missing cache home still works, only slower.
Writes go to a temp file renamed into place, so concurrent runs never see
half a file.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import hmac
import json
import os
import re
import stat
import sys
from pathlib import Path

# Where older versions kept their caches, inside the ledger. Never read
# again; kept only so that the audit can name it.
CACHE_DIR = ".ducha-cache"
KEEP_RESULTS = 4
SECRET_FILE = "secret.key"
_MAGIC = b"ducha-cache 2\n"


def code_key() -> str:
    """A hash of the generator's own source and the libraries that shape results."""
    import yaml

    h = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    try:
        from importlib.metadata import version

        holidays_version = version("holidays")
    except Exception:  # pragma: no cover - metadata missing in odd installs
        holidays_version = "?"
    h.update(f"{sys.version_info[:2]}|{yaml.__version__}|{holidays_version}".encode())
    return h.hexdigest()


# --- where ---------------------------------------------------------------------


def cache_home() -> Path | None:
    """The user's cache home for ducha (may not exist yet); None when there is no home."""
    chosen = os.environ.get("DUCHA_CACHE_DIR")
    if chosen:
        return Path(chosen).expanduser().absolute()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "ducha"
    try:
        return Path.home() / ".cache" / "ducha"
    except (RuntimeError, KeyError):  # no HOME and no passwd entry
        return None


def cache_folder(ledger_root: str | os.PathLike, home: Path | None = None) -> Path | None:
    """The cache folder of the ledger at `ledger_root` (not created here); None without a home.

    Every cache of a ledger (items, results, audit, history, the `serve`
    working folder) lives in it.
    """
    home = home or cache_home()  # `home`: given by a process that verifies for another (the roll-up's workers)
    if home is None:
        return None
    root = Path(ledger_root).resolve()
    name = re.sub(r"[^A-Za-z0-9_-]", "_", root.name)[:32] or "ledger"
    return home / f"{name}-{hashlib.sha256(os.fsencode(root)).hexdigest()[:20]}"


def _work_tree(root: Path) -> Path:
    """The Git work tree holding `root` (the first ancestor with `.git`), else `root`."""
    for folder in (root, *root.parents):
        if os.path.lexists(folder / ".git"):
            return folder
    return root


def _own_private_dir(path: Path) -> bool:
    """`path` is a real folder (not a link) of this user that nobody else may write."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode):
        return False
    if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
        return False
    return True


def open_folder(ledger_root: str | os.PathLike, home: Path | None = None) -> Path | None:
    """The ledger's cache folder, created if needed; None when it cannot be used.

    Refused: no home, a folder that cannot be created, one that is a link,
    belongs to someone else or is writable by others, and any cache folder
    inside the ledger's own Git work tree (where a commit could supply it).
    """
    folder = cache_folder(ledger_root, home)
    if folder is None:
        return None
    try:
        tree = _work_tree(Path(ledger_root).resolve())
        real = folder.resolve()
        if real == tree or tree in real.parents:
            return None
        folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _own_private_dir(folder.parent):
            return None
        folder.mkdir(mode=0o700, exist_ok=True)
    except (OSError, RuntimeError):
        return None
    if not _own_private_dir(folder):
        return None
    note = folder / "ledger.txt"
    if not note.exists():  # for people clearing caches by hand
        try:
            _atomic_write(note, f"{Path(ledger_root).resolve()}\n".encode("utf-8"))
        except OSError:
            pass
    return folder


# --- signing ---------------------------------------------------------------------

_SECRETS: dict[Path, bytes] = {}


def _read_secret(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size != 32:
            return None
        if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o077):
            return None
        data = os.read(fd, 33)
        return data if len(data) == 32 else None
    finally:
        os.close(fd)


def secret(home: Path | None = None) -> bytes | None:
    """This user's signing key for cache files, created on first use; None when unavailable."""
    home = home or cache_home()
    if home is None:
        return None
    path = home / SECRET_FILE
    if path in _SECRETS:
        return _SECRETS[path]
    key = _read_secret(path)
    if key is None and not os.path.lexists(path):
        # Create it whole and exclusively: two first runs agree on one key.
        tmp = home / f".{SECRET_FILE}.{os.getpid()}.{os.urandom(4).hex()}"
        try:
            home.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, os.urandom(32))
            finally:
                os.close(fd)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            except OSError:  # a file system without hard links
                if not os.path.lexists(path):
                    os.replace(tmp, path)
        except OSError:
            return None
        finally:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        key = _read_secret(path)
    if key is not None:
        _SECRETS[path] = key
    return key


def sign(key: bytes, *parts: bytes) -> bytes:
    """An HMAC-SHA256 of `parts` (length-prefixed, so parts cannot shift)."""
    if sum(map(len, parts)) < 65536:  # a row: one C call
        return hmac.digest(key, b"".join(len(p).to_bytes(8, "big") + p for p in parts), "sha256")
    mac = hmac.new(key, digestmod="sha256")  # a file: no copy of the payload
    for part in parts:
        mac.update(len(part).to_bytes(8, "big"))
        mac.update(part)
    return mac.digest()


def verify(key: bytes, mac: bytes, *parts: bytes) -> bool:
    return isinstance(mac, bytes) and hmac.compare_digest(mac, sign(key, *parts))


# --- files ---------------------------------------------------------------------------


def ensure_ignored(folder: Path) -> None:
    """Create `folder` with a .gitignore that keeps Git out of it."""
    folder.mkdir(parents=True, exist_ok=True)
    gitignore = folder / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("*\n", encoding="utf-8")


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class Store:
    """One ledger's cache folder with the user's key; `None`-safe: disabled does nothing."""

    def __init__(self, ledger_root: str | os.PathLike, enabled: bool = True, home: Path | None = None) -> None:
        self.folder = open_folder(ledger_root, home) if enabled else None
        self.key = secret(home) if self.folder is not None else None
        if self.key is None:
            self.folder = None

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def load(self, name: str, kind: str, key: str) -> bytes | None:
        """The payload `store` saved as `name` for (`kind`, `key`), or None (missing, stale, not ours)."""
        if self.folder is None:
            return None
        try:
            with open(self.folder / name, "rb") as fh:
                data = fh.read()
        except OSError:
            return None
        if not data.startswith(_MAGIC):
            return None
        # Two line breaks found in place: a large payload (the roll-up's rows) is copied once, not three times.
        first = data.find(b"\n", len(_MAGIC))
        second = data.find(b"\n", first + 1) if first >= 0 else -1
        if second < 0:
            return None
        mac_hex, stored_key, payload = data[len(_MAGIC):first], data[first + 1:second], data[second + 1:]
        del data
        if stored_key != key.encode():
            return None
        try:
            mac = bytes.fromhex(mac_hex.decode("ascii"))
        except ValueError:
            return None
        if not verify(self.key, mac, kind.encode(), stored_key, payload):
            return None
        return payload

    def store(self, name: str, kind: str, key: str, payload: bytes) -> None:
        """Save `payload` as `name`, signed, atomically; a failure only costs speed."""
        if self.folder is None:
            return
        mac = sign(self.key, kind.encode(), key.encode(), payload).hex().encode()
        try:
            _atomic_write(self.folder / name, b"".join((_MAGIC, mac, b"\n", key.encode(), b"\n", payload)))
        except OSError:
            pass


# --- the item and result caches -------------------------------------------------------


class ItemCache:
    """Parsed item files: rel path → (mtime_ns, size, sha1 hex, encoded (item, findings)).

    The file holds one line per item file, `[rel, mtime, size, sha1]` and the
    codec's bytes separated by a tab; lines are decoded only when used.
    """

    NAME = "items.json"

    def __init__(self, root: Path, key: str, enabled: bool = True, name: str = NAME, home: Path | None = None) -> None:
        self.store = Store(root, enabled, home)
        self.key = key
        self.name = name  # the roll-up keeps one per city in the province's folder
        self.enabled = self.store.enabled
        self.entries: dict[str, tuple[int, int, str, bytes]] = self._load() if self.enabled else {}
        self.dirty = False

    def _load(self) -> dict[str, tuple[int, int, str, bytes]]:
        payload = self.store.load(self.name, "items", self.key)
        entries: dict[str, tuple[int, int, str, bytes]] = {}
        if not payload:
            return entries
        try:
            for line in payload.split(b"\n"):
                meta, _, blob = line.partition(b"\t")
                rel, mtime, size, digest = json.loads(meta)
                if not (type(rel) is str and type(mtime) is int and type(size) is int and type(digest) is str):
                    return {}
                entries[rel] = (mtime, size, digest, blob)
        except (ValueError, TypeError):
            return {}
        return entries

    def put(self, rel: str, mtime_ns: int, size: int, digest: str, blob: bytes) -> None:
        if self.enabled:
            self.entries[rel] = (mtime_ns, size, digest, blob)
            self.dirty = True

    def save(self, keep: set[str] | None = None) -> None:
        """Write the cache, dropping entries for files no longer in `keep`."""
        if not self.enabled:
            return
        if keep is not None and len(self.entries) != len(keep & self.entries.keys()):
            self.entries = {k: v for k, v in self.entries.items() if k in keep}
            self.dirty = True
        if self.dirty:
            dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
            lines = [dumps([rel, m, s, d]).encode("utf-8") + b"\t" + blob
                     for rel, (m, s, d, blob) in self.entries.items()]
            self.store.store(self.name, "items", self.key, b"\n".join(lines))
            self.dirty = False


class ResultCache:
    """Finished command results as JSON files named by their input fingerprint."""

    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.store = Store(root, enabled)
        self.enabled = self.store.enabled

    def get(self, fingerprint: str) -> dict | None:
        payload = self.store.load(f"result-{fingerprint}.json", "result", fingerprint)
        if payload is None:
            return None
        try:
            data = json.loads(payload)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def put(self, fingerprint: str, data: dict) -> None:
        if not self.enabled:
            return
        self.store.store(f"result-{fingerprint}.json", "result", fingerprint,
                         json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        try:
            old = sorted(self.store.folder.glob("result-*.json"), key=_mtime, reverse=True)
            for stale in old[KEEP_RESULTS:]:
                stale.unlink(missing_ok=True)
        except OSError:
            pass


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


# --- digests of computed values -----------------------------------------------------


class Digester:
    """A digest of a value made of dataclasses, lists, dicts, strings, numbers and dates.

    Every field of every dataclass counts; objects near the top (an item, its
    signals, a desk row: less deep than `memo_depth`) are digested once each,
    so a signal naming 7,000 items or the view a desk row points to costs
    once; deeper parts are written out in their holder's digest. Anything
    else counts by its type and `repr`. A value that cannot be written down
    faithfully (a cycle, a dict keyed by tuples) gets a random digest: a
    wasted render or computation, never a stale one. Use one Digester only
    while the objects it saw are alive (it remembers them by id).
    `omit`: {dataclass: field names} left out wherever one of that type appears."""

    def __init__(self, memo_depth: int = 2, omit: dict[type, frozenset[str]] | None = None) -> None:
        # Objects less deep than this (an item, its signals, a desk row) are digested once each.
        self.memo_depth = memo_depth
        self.omit = omit or {}
        self.memo: dict[int, str] = {}
        self.active: set[int] = set()

    def __call__(self, value) -> str:
        try:
            text = json.dumps(value, default=self._default, ensure_ascii=False, check_circular=False)
        except (TypeError, ValueError, RecursionError):
            return os.urandom(16).hex()
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def _default(self, o):
        kind = _kind(type(o))
        if kind[0] == "date":
            return [kind[1], o.isoformat()]
        if kind[0] == "dataclass":
            k = id(o)
            found = self.memo.get(k)
            if found is not None:
                return found
            fields = getattr(o, "__dict__", None)
            if fields is None:
                fields = {f.name: getattr(o, f.name) for f in dataclasses.fields(o)}
            omitted = self.omit.get(type(o))
            if omitted:
                fields = {name: value for name, value in fields.items() if name not in omitted}
            written = [kind[1], kind[2], fields]
            if len(self.active) >= self.memo_depth:  # small parts (an event, a piece of evidence): written out
                return written
            if k in self.active:
                raise ValueError("cycle")
            self.active.add(k)
            try:
                found = self.memo[k] = "@" + self(written)
            finally:
                self.active.discard(k)
            return found
        if kind[0] == "set":
            return ["@set", sorted(self(x) for x in o)]
        if kind[0] == "tuple":  # never reached (JSON writes tuples as lists): kept for clarity
            return list(o)
        return [kind[1], repr(o)]


@functools.cache
def _kind(t: type) -> tuple[str, ...]:
    """How `Digester` writes a value of type `t`, worked out once per type (a digest sees the same few types
    hundreds of thousands of times)."""
    if issubclass(t, (dt.date, dt.time)):
        return ("date", "@" + t.__name__)
    if dataclasses.is_dataclass(t):  # an instance's type: a dataclass itself (a class) is written by repr
        return ("dataclass", t.__module__, t.__qualname__)
    if issubclass(t, (set, frozenset)):
        return ("set",)
    if issubclass(t, tuple):
        return ("tuple",)
    return ("other", "@" + t.__qualname__)
