"""The git-ignored `.ducha-cache/` folder: parsed items and finished results.

- `ItemCache`: each item file's parse (item and findings, pickled), keyed by
  path and checked by (mtime, size), then by content hash when only the
  times changed (a fresh checkout). Only changed files are parsed again.
- `ResultCache`: the finished output of `check`/`validate` keyed by a
  fingerprint of every input (code, `ledger.yaml`, each item file's stat,
  the date, the command). A run with nothing changed prints it directly.

Both are pure speed-ups: a missing, stale or corrupt cache is ignored, and
a read-only checkout still works, only slower.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
from pathlib import Path

CACHE_DIR = ".ducha-cache"
KEEP_RESULTS = 4


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


def ensure_ignored(folder: Path) -> None:
    """Create `folder` with a .gitignore that keeps Git out of it."""
    folder.mkdir(parents=True, exist_ok=True)
    gitignore = folder / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("*\n", encoding="utf-8")


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


_CORRUPT = (OSError, pickle.PickleError, EOFError, AttributeError, KeyError, TypeError, ValueError, IndexError)


def load_pickle(path: Path, key: str):
    """What `store_pickle` saved at `path` under `key`, or None (missing, stale, corrupt)."""
    try:
        stored = pickle.loads(path.read_bytes())
        return stored["data"] if stored["key"] == key else None
    except _CORRUPT:
        return None


def store_pickle(path: Path, key: str, data) -> None:
    """Save `data` under `key`, atomically, in a git-ignored folder; a failure only costs speed."""
    try:
        ensure_ignored(path.parent)
        _atomic_write(path, pickle.dumps({"key": key, "data": data}, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass


class ItemCache:
    """Parsed item files: rel path → (mtime_ns, size, sha1, pickled (item, findings))."""

    def __init__(self, root: Path, key: str, enabled: bool = True) -> None:
        self.folder = root / CACHE_DIR
        self.path = self.folder / "items.pickle"
        self.key = key
        self.enabled = enabled
        self.entries: dict[str, tuple[int, int, bytes, bytes]] = (load_pickle(self.path, key) or {}) if enabled else {}
        self.dirty = False

    def put(self, rel: str, mtime_ns: int, size: int, digest: bytes, blob: bytes) -> None:
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
            store_pickle(self.path, self.key, self.entries)
            self.dirty = False


class ResultCache:
    """Finished command results as JSON files named by their input fingerprint."""

    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.folder = root / CACHE_DIR / "results"
        self.enabled = enabled

    def get(self, fingerprint: str) -> dict | None:
        if not self.enabled:
            return None
        try:
            return json.loads((self.folder / f"{fingerprint}.json").read_bytes())
        except (OSError, ValueError):
            return None

    def put(self, fingerprint: str, data: dict) -> None:
        if not self.enabled:
            return
        try:
            ensure_ignored(self.folder.parent)
            self.folder.mkdir(exist_ok=True)
            _atomic_write(self.folder / f"{fingerprint}.json",
                          json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            old = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
            for stale in old[KEEP_RESULTS:]:
                stale.unlink(missing_ok=True)
        except OSError:
            pass
