"""The ledger's Git history, turned into item-level changes.

One `git log --raw` stream lists every commit that touched `items/` or
`ledger.yaml` with the blobs before and after; one `git cat-file --batch`
process (fed from its own thread, so neither pipe can fill up and stall
the other) reads those blobs. Each commit becomes a `CommitRecord` of
`Change`s: item created or deleted, event added, edited or removed, field
changed (old → new), ledger.yaml changed. Records are facts about a commit
and its parent, so they are cached by commit in the user's cache
(`generator.cache`, SQLite rows of JSON); a later run reads only the
commits it has not seen.
"""
from __future__ import annotations

import datetime as dt
import hmac
import os
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from . import loader
from . import cache
from .cache import code_key
from .codec import Codec, CodecError
from .loader import YMap, YScalar, YSeq

ZERO = "0" * 40
LEDGER_FILE = "ledger.yaml"


class HistoryError(Exception):
    """The ledger is not in a Git repository, or Git failed."""


@dataclass
class Change:
    """One item-level change made by a commit (against its first parent)."""

    kind: str  # item_created, item_deleted, event_added, event_edited, event_removed, field_changed, ledger_changed
    path: str  # relative to the ledger folder
    item: str | None = None
    key: str | None = None  # the field, for field_changed
    old: object = None
    new: object = None
    index: int | None = None  # the event's position, for event changes
    line: int | None = None  # where the change sits in the new file (or the old one)


@dataclass
class CommitRecord:
    sha: str
    parents: tuple[str, ...]
    author_email: str
    author_name: str
    author_date: dt.datetime
    committer_date: dt.datetime
    subject: str
    changes: list[Change] = field(default_factory=list)
    signature: str | None = None  # %G? when asked for
    signer: str | None = None  # %GS
    # Lead and co-units of each item file the commit touched, as they were
    # before it (or as created): who may report on it.
    item_units: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def short(self) -> str:
        return self.sha[:10]

    @property
    def who(self) -> str:
        return f"{self.author_name} <{self.author_email}>"


def git(repo: Path, *args: str, input: bytes | None = None, check: bool = True) -> bytes:
    proc = subprocess.run(["git", "-C", str(repo), *args], input=input, capture_output=True)
    if check and proc.returncode != 0:
        raise HistoryError(proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return proc.stdout


def repo_root(ledger: Path) -> tuple[Path, str]:
    """The repository's top folder and the ledger's path inside it ('' at the top)."""
    try:
        top = git(ledger, "rev-parse", "--show-toplevel").decode().strip()
    except (HistoryError, FileNotFoundError) as e:
        raise HistoryError(f"{ledger} 不在 Git 仓库中：{e}") from None
    prefix = os.path.relpath(ledger.resolve(), Path(top).resolve()).replace(os.sep, "/")
    return Path(top), "" if prefix == "." else prefix + "/"


# --- reading blobs ---------------------------------------------------------------


def read_blobs(repo: Path, names: list[str]) -> dict[str, bytes | None]:
    """Contents of `names` (blob shas or rev:path) with one `git cat-file --batch`."""
    if not names:
        return {}
    proc = subprocess.Popen(["git", "-C", str(repo), "cat-file", "--batch"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def feed():
        try:
            for name in names:
                proc.stdin.write(name.encode() + b"\n")
        finally:
            proc.stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out: dict[str, bytes | None] = {}
    stream = proc.stdout
    for name in names:
        header = stream.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            out[name] = None
            continue
        size = int(header[2])
        out[name] = stream.read(size)
        stream.read(1)  # the newline after each object
    writer.join()
    proc.wait()
    return out


# --- turning an item file into comparable parts ------------------------------------


def _plain(node):
    if isinstance(node, YMap):
        return {k: _plain(v) for k, (_, v) in node.entries.items()}
    if isinstance(node, YSeq):
        return [_plain(v) for v in node.items]
    if isinstance(node, YScalar):
        return node.text
    return None


@dataclass
class Snapshot:
    """An item file's content as plain text values, with lines."""

    fields: dict  # top-level key -> plain value (events excluded)
    events: list[dict]
    event_lines: list[int]
    lines: dict  # top-level key -> line
    readable: bool = True


def snapshot(data: bytes | None) -> Snapshot | None:
    if data is None:
        return None
    tree, _ = loader.load_bytes(data, "x")
    if not isinstance(tree, YMap):
        return Snapshot({}, [], [], {}, readable=False)
    fields, lines = {}, {}
    events, event_lines = [], []
    for key, (knode, vnode) in tree.entries.items():
        lines[key] = knode.line
        if key == "events" and isinstance(vnode, YSeq):
            for e in vnode.items:
                events.append(_plain(e) if isinstance(e, YMap) else {"_": _plain(e)})
                event_lines.append(e.line)
        else:
            fields[key] = _plain(vnode)
    return Snapshot(fields, events, event_lines, lines)


def units_of(snap: Snapshot | None) -> tuple[str, ...]:
    if snap is None:
        return ()
    lead = snap.fields.get("lead_unit")
    co = snap.fields.get("co_units")
    units = [lead] if isinstance(lead, str) else []
    if isinstance(co, list):
        units += [u for u in co if isinstance(u, str)]
    return tuple(units)


def diff_item(path: str, item: str, old: Snapshot | None, new: Snapshot | None) -> list[Change]:
    """Item-level changes from `old` to `new` (either may be None: created / deleted)."""
    if old is None and new is None:
        return []
    if old is None:
        changes = [Change("item_created", path, item, line=1)]
        changes += [Change("event_added", path, item, index=i, new=e, line=new.event_lines[i])
                    for i, e in enumerate(new.events)]
        return changes
    if new is None:
        return [Change("item_deleted", path, item, line=1)] + [
            Change("event_removed", path, item, index=i, old=e, line=None) for i, e in enumerate(old.events)]
    changes = []
    for key in sorted(set(old.fields) | set(new.fields)):
        if old.fields.get(key) != new.fields.get(key):
            changes.append(Change("field_changed", path, item, key=key, old=old.fields.get(key),
                                  new=new.fields.get(key), line=new.lines.get(key, old.lines.get(key))))
    changes += event_changes(path, item, old, new)
    return changes


def event_changes(path: str, item: str, before: Snapshot, after: Snapshot) -> list[Change]:
    """Events are append-only: compare position by position."""
    changes = []
    for i, event in enumerate(before.events):
        if i >= len(after.events):
            changes.append(Change("event_removed", path, item, index=i, old=event,
                                  line=after.lines.get("events", 1)))
        elif after.events[i] != event:
            changes.append(Change("event_edited", path, item, index=i, old=event, new=after.events[i],
                                  line=after.event_lines[i]))
    for i in range(len(before.events), len(after.events)):
        changes.append(Change("event_added", path, item, index=i, new=after.events[i], line=after.event_lines[i]))
    return changes


# --- the log -------------------------------------------------------------------------

_FORMAT = "%x1e%H%x00%P%x00%ae%x00%an%x00%aI%x00%cI%x00%s"
_SIGNED_FORMAT = _FORMAT + "%x00%G?%x00%GS"


@dataclass
class _RawCommit:
    record: CommitRecord
    files: list[tuple[str, str, str]]  # (path in repo, old blob, new blob)


def _parse_log(out: bytes, signed: bool) -> list[_RawCommit]:
    commits = []
    for chunk in out.split(b"\x1e")[1:]:
        head, sep, raw = chunk.partition(b"\n")
        fields = head.rstrip(b"\x00").split(b"\x00")
        sha, parents, email, name, adate, cdate, subject = (f.decode("utf-8", "replace") for f in fields[:7])
        signature = signer = None
        if signed and len(fields) >= 9:
            signature, signer = fields[7].decode(), fields[8].decode("utf-8", "replace")
        record = CommitRecord(sha, tuple(parents.split()), email.lower(), name,
                              dt.datetime.fromisoformat(adate), dt.datetime.fromisoformat(cdate), subject,
                              signature=signature, signer=signer)
        files = []
        tokens = raw.split(b"\x00")
        for meta, path in zip(tokens[0::2], tokens[1::2]):
            parts = meta.decode().lstrip("\n:").split()
            if len(parts) < 5:
                continue
            files.append((path.decode("utf-8", "replace"), parts[2], parts[3]))
        commits.append(_RawCommit(record, files))
    return commits


def _ledger_path(repo_path: str, prefix: str) -> str | None:
    if not repo_path.startswith(prefix):
        return None
    rel = repo_path[len(prefix):]
    if rel == LEDGER_FILE or (rel.startswith("items/") and rel.endswith(".yaml")):
        return rel
    return None


class HistoryStore:
    """CommitRecords by sha in SQLite (`history.sqlite` in the user's cache folder).

    A commit that did not touch the ledger is stored with no changes, so it
    is never read again. Records are fetched by sha, so an incremental run
    loads only the commits it needs. Each row is the record as JSON (see
    `generator.codec`) signed with the user's cache key: `known` lists only
    rows that verify, so a row ducha did not write is read from Git again.
    `enabled=False` (or no usable cache folder) keeps them in memory.
    """

    CODEC = Codec(CommitRecord, Change)

    def __init__(self, ledger: Path, enabled: bool = True) -> None:
        import sqlite3

        self._memory: dict[str, tuple[bool, CommitRecord]] = {}
        self._rows: dict[str, bytes] = {}  # verified rows read by `known`
        self.db = None
        store = cache.Store(ledger, enabled)
        if not store.enabled:
            return
        self.key = store.key
        path = store.folder / "history.sqlite"
        for attempt in (1, 2):
            db = None
            try:
                db = self.db = sqlite3.connect(path, timeout=30)
                self._open(code_key())
                return
            except sqlite3.DatabaseError as e:
                if db is not None:
                    db.close()
                self.db = None
                if isinstance(e, sqlite3.OperationalError) or attempt == 2:
                    return  # locked or read-only: do without
                path.unlink(missing_ok=True)  # a corrupt file: start again

    def _open(self, code: str) -> None:
        db = self.db
        mark = cache.sign(self.key, b"history", code.encode()).hex()
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS records (sha TEXT PRIMARY KEY, signed INTEGER, data BLOB, mac BLOB)")
        row = db.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
        if row is None or row[0] != mark:
            db.execute("DELETE FROM records")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('code', ?)", (mark,))
            db.commit()

    def _mac(self, sha: str, signed: int, data: bytes) -> bytes:
        # One C call per row (`known` checks every row on each run). The
        # parts are a 40-hex sha, a digit and JSON: "\0" cannot occur in the first two.
        return hmac.digest(self.key, b"%b\0%d\0%b" % (sha.encode(), signed, data), "sha256")

    def known(self, signed: bool) -> set[str]:
        import sqlite3

        out = {sha for sha, (s, _) in self._memory.items() if s or not signed}
        if self.db is None:
            return out
        query = "SELECT sha, signed, data, mac FROM records" + (" WHERE signed = 1" if signed else "")
        try:
            for sha, was_signed, data, mac in self.db.execute(query):
                if type(sha) is str and type(was_signed) is int and type(data) is bytes and type(mac) is bytes \
                        and "\0" not in sha and hmac.compare_digest(mac, self._mac(sha, was_signed, data)):
                    self._rows[sha] = data
                    out.add(sha)
        except sqlite3.Error:
            pass
        return out

    def get(self, shas: list[str]) -> dict[str, CommitRecord]:
        """The records of `shas` that `known` listed or `put` stored."""
        out = {}
        for sha in shas:
            if sha in self._memory:
                out[sha] = self._memory[sha][1]
            elif sha in self._rows:
                try:
                    record = self.CODEC.loads(self._rows[sha])
                except CodecError:
                    record = None
                if type(record) is not CommitRecord or record.sha != sha:
                    # Signed by this user's key, so written by this code: cannot
                    # happen. Refuse rather than skip the commit silently.
                    raise HistoryError(f"缓存中提交 {sha[:10]} 的记录无法读取。请删除缓存文件 "
                                       f"{self.db_path()} 后重试，或加 --no-cache。")
                out[sha] = record
        return out

    def db_path(self) -> str:
        return self.db.execute("PRAGMA database_list").fetchone()[2] if self.db is not None else ":memory:"

    def put(self, records: list[CommitRecord], signed: bool) -> None:
        import sqlite3

        rows = []
        for r in records:
            self._memory[r.sha] = (signed, r)
            if self.db is not None:
                try:
                    data = self.CODEC.dumps(r)
                except (TypeError, ValueError):  # a value the codec cannot hold: kept in memory only
                    continue
                rows.append((r.sha, int(signed), data, self._mac(r.sha, int(signed), data)))
        if rows:
            try:
                self.db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?)", rows)
                self.db.commit()
            except sqlite3.Error:  # read-only or locked: only costs speed next time
                pass


def list_commits(ledger: Path, rev_range: str | None = None) -> list[str]:
    """The non-merge commits of `rev_range` (default HEAD), oldest first.

    Merges are left out: each change they bring in is checked in the commit
    that made it. Not path-limited: on a large history a path-limited walk
    costs seconds, and commits that miss the ledger are recorded as empty.
    """
    repo, _ = repo_root(Path(ledger).resolve())
    spec = rev_range or "HEAD"
    try:
        listed = git(repo, "rev-list", "--reverse", "--topo-order", "--no-merges", *spec.split(), "--")
    except HistoryError as e:
        raise HistoryError(f"找不到提交范围 {spec}：{e}") from None
    return listed.decode().split()


def ensure_records(ledger: Path, shas: list[str], store: HistoryStore, *, signed: bool = False,
                   allowed_signers: Path | None = None) -> None:
    """Read into `store` every commit of `shas` it does not hold yet."""
    known = store.known(signed)
    missing = [sha for sha in shas if sha not in known]
    if not missing:
        return
    repo, prefix = repo_root(Path(ledger).resolve())
    records = {r.sha: r for r in _read_commits(repo, prefix, missing, signed, allowed_signers)}
    empty = [CommitRecord(sha, (), "", "", _EPOCH, _EPOCH, "") for sha in missing if sha not in records]
    store.put([*records.values(), *empty], signed)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def read_history(ledger: Path, rev_range: str | None = None, *, signed: bool = False,
                 allowed_signers: Path | None = None, use_cache: bool = True) -> list[CommitRecord]:
    """Every non-merge commit in `rev_range` (default: all of HEAD) that touched the ledger, oldest first."""
    ledger = Path(ledger).resolve()
    shas = list_commits(ledger, rev_range)
    store = HistoryStore(ledger, enabled=use_cache)
    ensure_records(ledger, shas, store, signed=signed, allowed_signers=allowed_signers)
    records = store.get(shas)
    return [records[sha] for sha in shas if sha in records and records[sha].changes]


def _read_commits(repo: Path, prefix: str, shas: list[str], signed: bool,
                  allowed_signers: Path | None) -> list[CommitRecord]:
    # One log over exactly these commits: --no-walk with the shas on stdin.
    options = ["-c", f"gpg.ssh.allowedSignersFile={allowed_signers}"] if allowed_signers else []
    out = git(repo, *options, "log", "--no-walk=unsorted", "--stdin", "--raw", "--no-renames", "--no-abbrev", "-z",
              "--first-parent", f"--format={_SIGNED_FORMAT if signed else _FORMAT}", "--",
              f"{prefix}items", f"{prefix}{LEDGER_FILE}", input="\n".join(shas).encode() + b"\n")
    raws = _parse_log(out, signed)
    blobs = sorted({b for c in raws for _, old, new in c.files for b in (old, new) if b != ZERO})
    contents = read_blobs(repo, blobs)
    snapshots: dict[str, Snapshot | None] = {}

    def snap(blob: str) -> Snapshot | None:
        if blob == ZERO:
            return None
        if blob not in snapshots:
            snapshots[blob] = snapshot(contents.get(blob))
        return snapshots[blob]

    records = []
    for raw in raws:
        record = raw.record
        for repo_path, old, new in raw.files:
            rel = _ledger_path(repo_path, prefix)
            if rel is None:
                continue
            if rel == LEDGER_FILE:
                record.changes.append(Change("ledger_changed", rel, line=1))
                continue
            item = rel.rsplit("/", 1)[-1][:-5]
            before, after = snap(old), snap(new)
            record.changes.extend(diff_item(rel, item, before, after))
            record.item_units[rel] = units_of(before if before is not None and before.readable else after)
        records.append(record)
    return records


def file_at(ledger: Path, commit: str, rel: str) -> Snapshot | None:
    """An item file as it was at `commit` (None where it did not exist)."""
    repo, prefix = repo_root(ledger)
    data = read_blobs(repo, [f"{commit}:{prefix}{rel}"]).get(f"{commit}:{prefix}{rel}")
    return snapshot(data)


def first_parent_chain(ledger: Path, head: str) -> set[str]:
    repo, _ = repo_root(ledger)
    return set(git(repo, "rev-list", "--first-parent", head).decode().split())


def resolve(ledger: Path, rev: str) -> str | None:
    repo, _ = repo_root(ledger)
    out = git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False).decode().strip()
    return out or None


def is_ancestor(ledger: Path, commit: str, head: str = "HEAD") -> bool:
    repo, _ = repo_root(ledger)
    proc = subprocess.run(["git", "-C", str(repo), "merge-base", "--is-ancestor", commit, head], capture_output=True)
    return proc.returncode == 0


# --- for people ------------------------------------------------------------------------

_KIND_NAMES = {
    "item_created": "新建事项", "item_deleted": "删除事项", "event_added": "添加记录",
    "event_edited": "修改记录", "event_removed": "删除记录", "field_changed": "修改字段",
    "ledger_changed": "修改 ledger.yaml",
}


def _short(value) -> str:
    text = value if isinstance(value, str) else "（无）" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _event_text(event) -> str:
    event = event or {}
    parts = [str(event.get("date", "")), str(event.get("type", ""))]
    if event.get("text"):
        parts.append(_short(event["text"]))
    return " ".join(p for p in parts if p)


def describe(change: Change) -> str:
    """One change in plain Chinese."""
    name = _KIND_NAMES[change.kind]
    if change.kind == "field_changed":
        return f"{name} {change.key}：{_short(change.old)} → {_short(change.new)}"
    if change.kind == "event_added":
        return f"{name}：{_event_text(change.new)}"
    if change.kind == "event_edited":
        return f"{name}（第 {change.index + 1} 条）：{_event_text(change.old)} → {_event_text(change.new)}"
    if change.kind == "event_removed":
        return f"{name}（第 {change.index + 1} 条）：{_event_text(change.old)}"
    return name


def item_history(ledger: Path, item_id: str, *, use_cache: bool = True) -> list[tuple[CommitRecord, list[Change]]]:
    """The commits that changed item `item_id`, oldest first, with their changes to it."""
    out = []
    for record in read_history(Path(ledger), use_cache=use_cache):
        changes = [c for c in record.changes if c.item == item_id]
        if changes:
            out.append((record, changes))
    return out
