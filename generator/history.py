"""The ledger's Git history, turned into item-level changes.

One `git log --raw` stream lists every commit with the blobs before and
after of every path it changed (the whole repository: every path has an
owner); one `git cat-file --batch` process (fed from its own thread, so
neither pipe can fill up and stall the other) reads those blobs. Each
commit becomes a `CommitRecord` of `Change`s: item created or deleted,
event added, edited or removed, field changed (old → new), ledger.yaml
changed, any other file changed. A merge's changes are its own: what its
tree changes against its first parent that no other parent brought in.

Each record also says which `ledger.yaml` judges the commit: its first
parent's (the trusted side: a commit cannot grant itself rights), the
nearest readable one along the first-parent chain when the parent's is
broken, or its own for the commit that creates the ledger. Signatures are
verified against the `allowed_signers` file of that same tree. All of this
is a fact of the commit and its ancestry, so records are cached by commit
in the user's cache (`generator.cache`, SQLite rows of JSON); a later run
reads only the commits it has not seen.
"""
from __future__ import annotations

import datetime as dt
import hmac
import os
import posixpath
import secrets
import subprocess
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import loader
from . import cache
from .cache import code_key
from .codec import Codec, CodecError
from .errors import DuchaError
from .loader import YMap, YScalar, YSeq

ZERO = "0" * 40
LEDGER_FILE = "ledger.yaml"
MAX_BLOB_BYTES = 4 * 1024 * 1024  # larger blobs are not read (an item or ledger.yaml is a few KB)
REGULAR_MODES = {"100644", "100755"}

# How a commit is judged (CommitRecord.judged_by):
JUDGED_BY_PARENT = "parent"  # the first parent's ledger.yaml
JUDGED_BY_OLDER = "older"  # the parent's ledger.yaml is unreadable: the nearest readable one before it
JUDGED_BY_SELF = "self"  # the commit creates the ledger (the root): trusted by definition, judged by its own tree
JUDGED_BY_NONE = "none"  # the ledger existed before but no readable ledger.yaml is left on the chain
JUDGED_BY_NOTHING_YET = "pre"  # no ledger.yaml yet (e.g. a README-only first commit): nothing to judge


class HistoryError(DuchaError):
    """The ledger is not in a Git repository, or Git failed."""


@dataclass
class Change:
    """One change made by a commit (against its first parent)."""

    kind: str  # item_created, item_deleted, event_added, event_edited, event_removed, field_changed, ledger_changed, file_changed
    path: str  # relative to the ledger folder ('../x' for a path outside it)
    item: str | None = None
    key: str | None = None  # the field, for field_changed
    old: object = None  # for file_changed: the blob before (None: added)
    new: object = None  # for file_changed: the blob after (None: deleted)
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
    signature: str | None = None  # %G?, when the judging ledger.yaml requires signatures
    signer: str | None = None  # %GS
    # Lead and co-units of each item file the commit touched, as they were
    # before it (or as created): who may report on it.
    item_units: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The ledger.yaml in this commit's own tree (blob id; None: absent), the
    # nearest readable one on its first-parent chain (itself included), and
    # whether that chain ever had one.
    ledger_blob: str | None = None
    chain_ledger: str | None = None
    chain_has_ledger: bool = False
    # The ledger.yaml blob that judges this commit, and how it was chosen
    # (JUDGED_BY_*); the allowed_signers blob its signature was checked with.
    judge_blob: str | None = None
    judged_by: str = JUDGED_BY_PARENT
    signers_blob: str | None = None
    fp_root: str = ""  # the root commit of its first-parent chain

    @property
    def short(self) -> str:
        return self.sha[:10]

    @property
    def who(self) -> str:
        return f"{self.author_name} <{self.author_email}>"

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


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


def read_objects(repo: Path, names: list[str], max_bytes: int = MAX_BLOB_BYTES) -> dict[str, tuple[str, bytes] | None]:
    """(object id, contents) of `names` (blob ids or rev:path) with one `git cat-file --batch`.

    None where the object does not exist; contents b"" where it is larger
    than `max_bytes` (it is skipped, never held in memory).
    """
    if not names:
        return {}
    proc = subprocess.Popen(["git", "-C", str(repo), "cat-file", "--batch"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def feed():
        try:
            for name in names:
                proc.stdin.write(name.encode() + b"\n")
        except OSError:
            pass
        finally:
            try:
                proc.stdin.close()
            except OSError:
                pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out: dict[str, tuple[str, bytes] | None] = {}
    stream = proc.stdout
    for name in names:
        header = stream.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            out[name] = None
            continue
        size = int(header[2])
        if size > max_bytes:
            left = size
            while left:
                left -= len(stream.read(min(left, 1 << 20))) or left
            data = b""
        else:
            data = stream.read(size)
        stream.read(1)  # the newline after each object
        out[name] = (header[0].decode(), data)
    writer.join()
    proc.wait()
    return out


def read_blobs(repo: Path, names: list[str]) -> dict[str, bytes | None]:
    """Contents of `names` (blob shas or rev:path) with one `git cat-file --batch`."""
    return {name: (found[1] if found else None) for name, found in read_objects(repo, names).items()}


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
        elif key == "events" and isinstance(vnode, YScalar) and vnode.tag == loader.NULL:
            pass  # `events:`, `events: ~`: an empty list, as validation reads it
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


# --- a merge's own changes -------------------------------------------------------------


def _merge_own_item_changes(changes: list[Change], mine: Snapshot | None,
                            others: list[tuple[Snapshot | None, Snapshot | None]]) -> list[Change]:
    """Of `changes` (merge vs first parent, one item file), those no other parent brought in.

    `others` pairs each other parent's version of the file with the version
    at its merge base with the first parent. A change is brought in when an
    other parent made it on its own side (its version differs from the base
    and equals the merge's): that side's commits were judged for it.
    """
    def brought_field(key):
        value = mine.fields.get(key) if mine else None
        return any(o is not None and o.fields.get(key) == value
                   and (b.fields.get(key) if b else None) != value for o, b in others)

    # Events an other parent appended (its events beyond the base's), by content.
    appended = Counter()
    for o, b in others:
        if o is not None:
            appended.update(_key(e) for e in o.events)
            if b is not None:
                appended.subtract(_key(e) for e in b.events)
    own = []
    for change in changes:
        if change.kind == "item_created":
            brought = any(o is not None and b is None for o, b in others)
        elif change.kind == "item_deleted":
            brought = any(o is None and b is not None for o, b in others)
        elif change.kind == "field_changed":
            brought = brought_field(change.key)
        elif change.kind == "event_added":
            k = _key(change.new)
            brought = appended[k] > 0
            if brought:
                appended[k] -= 1
        elif change.kind == "event_edited":
            brought = any(o is not None and len(o.events) > change.index and o.events[change.index] == change.new
                          and not (b is not None and len(b.events) > change.index
                                   and b.events[change.index] == change.new) for o, b in others)
        elif change.kind == "event_removed":
            deleted = mine is None and any(o is None and b is not None for o, b in others)
            brought = deleted or any(o is not None and b is not None and len(o.events) <= change.index < len(b.events)
                                     for o, b in others)
        else:
            brought = False
        if not brought:
            own.append(change)
    return own


def _key(event) -> str:
    return repr(event)


# --- the log -------------------------------------------------------------------------

# Names, e-mails, subjects and signer ids are text the committer chose: they
# may hold any byte but NUL and newline (a crafted commit object even a
# newline). So each record starts and its header ends with a random token
# of this run that no commit can contain, and the free text comes last.
def _formats() -> tuple[bytes, str, str]:
    token = secrets.token_hex(12)
    return (token.encode(), f"%x1e{token}%H%x00%P%x00%aI%x00%cI%x00%ae%x00%an%x00%s%x00{token}",
            f"%x1e{token}%H%x00%G?%x00%GS%x00{token}")


@dataclass
class _RawCommit:
    record: CommitRecord
    files: list[tuple[str, str, str, str, str]]  # (path in repo, old mode, new mode, old blob, new blob)


def _parse_log(out: bytes, token: bytes) -> list[_RawCommit]:
    commits = []
    for chunk in out.split(b"\x1e" + token)[1:]:
        head, sep, raw = chunk.partition(b"\x00" + token)
        if not sep:
            continue
        fields = head.split(b"\x00", 6)
        fields += [b""] * (7 - len(fields))
        sha, parents, adate, cdate, email, name, subject = (f.decode("utf-8", "replace") for f in fields[:7])
        try:
            adate_v, cdate_v = dt.datetime.fromisoformat(adate), dt.datetime.fromisoformat(cdate)
        except ValueError:
            adate_v = cdate_v = _EPOCH
        record = CommitRecord(sha, tuple(parents.split()), email.lower(), name, adate_v, cdate_v,
                              subject.replace("\x00", " "))
        files = []
        tokens = raw[1:].split(b"\x00") if raw.startswith(b"\x00") else raw.split(b"\x00")  # -z ends the header with NUL
        for meta, path in zip(tokens[0::2], tokens[1::2]):
            parts = meta.decode("utf-8", "replace").lstrip("\n:").split()
            if len(parts) < 5:
                continue
            files.append((path.decode("utf-8", "replace"), parts[0], parts[1], parts[2], parts[3]))
        commits.append(_RawCommit(record, files))
    return commits


def _ledger_path(repo_path: str, prefix: str) -> str:
    """A repository path relative to the ledger folder ('../x' outside it)."""
    if repo_path.startswith(prefix):
        return repo_path[len(prefix):]
    return posixpath.relpath(repo_path, prefix.rstrip("/") or ".")


def _is_item(rel: str, old_mode: str, new_mode: str) -> bool:
    return (rel.startswith("items/") and rel.endswith(".yaml")
            and old_mode in REGULAR_MODES | {"000000"} and new_mode in REGULAR_MODES | {"000000"})


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
    """The commits of `rev_range` (default HEAD), merges included, oldest first (parents first).

    Not path-limited: on a large history a path-limited walk costs seconds,
    and every path of the repository is audited anyway.
    """
    return [sha for sha, _ in list_commits_with_parents(ledger, rev_range)]


def list_commits_with_parents(ledger: Path, rev_range: str | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """`list_commits`, each with its parents."""
    repo, _ = repo_root(Path(ledger).resolve())
    spec = rev_range or "HEAD"
    try:
        listed = git(repo, "rev-list", "--reverse", "--topo-order", "--parents", *spec.split(), "--")
    except HistoryError as e:
        raise HistoryError(f"找不到提交范围 {spec}：{e}") from None
    return [(line[0], tuple(line[1:])) for line in (raw.split() for raw in listed.decode().splitlines()) if line]


def ensure_records(ledger: Path, shas: list[str], store: HistoryStore, **_ignored) -> None:
    """Read into `store` every commit of `shas` (parents first) it does not hold yet.

    Older callers passed `signed=`/`allowed_signers=`: signatures are now
    checked whenever the ledger.yaml judging a commit asks for them, with
    the allowed_signers file of that same tree, so both are ignored.
    """
    known = store.known(False)
    missing = [sha for sha in shas if sha not in known]
    if not missing:
        return
    repo, prefix = repo_root(Path(ledger).resolve())
    records = {r.sha: r for r in _read_commits(repo, prefix, missing, store)}
    empty = [CommitRecord(sha, (), "", "", _EPOCH, _EPOCH, "", judged_by=JUDGED_BY_NOTHING_YET)
             for sha in missing if sha not in records]
    store.put([*records.values(), *empty], False)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def read_history(ledger: Path, rev_range: str | None = None, *, use_cache: bool = True,
                 **_ignored) -> list[CommitRecord]:
    """Every commit in `rev_range` (default: all of HEAD) that changed something of its own, oldest first."""
    ledger = Path(ledger).resolve()
    shas = list_commits(ledger, rev_range)
    store = HistoryStore(ledger, enabled=use_cache)
    ensure_records(ledger, shas, store)
    records = store.get(shas)
    return [records[sha] for sha in shas if sha in records and records[sha].changes]


def _read_commits(repo: Path, prefix: str, shas: list[str], store: HistoryStore | None = None) -> list[CommitRecord]:
    # One log over exactly these commits: --no-walk with the shas on stdin;
    # --first-parent makes a merge's diff the one against its first parent.
    token, log_format, _ = _formats()
    out = git(repo, "log", "--no-walk=unsorted", "--stdin", "--raw", "--no-renames", "--no-abbrev", "-z",
              "--first-parent", f"--format={log_format}", input="\n".join(shas).encode() + b"\n")
    raws = _parse_log(out, token)
    order = {sha: i for i, sha in enumerate(shas)}
    raws.sort(key=lambda r: order.get(r.record.sha, len(order)))
    item_blobs = sorted({b for c in raws for p, om, nm, old, new in c.files
                         if _is_item(_ledger_path(p, prefix), om, nm) for b in (old, new) if b != ZERO})
    contents = read_blobs(repo, item_blobs)
    snapshots: dict[str, Snapshot | None] = {}

    def snap(blob: str) -> Snapshot | None:
        if blob == ZERO:
            return None
        if blob not in snapshots:
            snapshots[blob] = snapshot(contents.get(blob))
        return snapshots[blob]

    merges = {raw.record.sha: _MergeSides(raw) for raw in raws if raw.record.is_merge and raw.files}
    _MergeSides.load(repo, merges.values())
    ledger_path = prefix + LEDGER_FILE
    for raw in raws:
        record = raw.record
        sides = merges.get(record.sha)
        for repo_path, old_mode, new_mode, old, new in raw.files:
            if repo_path == ledger_path:
                record.ledger_blob = None if new == ZERO else new
            rel = _ledger_path(repo_path, prefix)
            if sides is not None and not sides.own_file(repo_path, old, new):
                continue
            if rel == LEDGER_FILE:
                record.changes.append(Change("ledger_changed", rel, line=1))
            elif _is_item(rel, old_mode, new_mode):
                item = rel.rsplit("/", 1)[-1][:-5]
                before, after = snap(old), snap(new)
                changes = diff_item(rel, item, before, after)
                if before is not None and after is not None and not (before.readable or after.readable):
                    # Neither version shows a field or an event: the change is invisible
                    # to the rules, so it counts as a change of the file (the office's).
                    changes = [Change("file_changed", rel, item, line=1, old=old, new=new)] if old != new else []
                if sides is not None:
                    changes = _merge_own_item_changes(changes, after, sides.item_versions(repo_path))
                record.changes.extend(changes)
                if changes:
                    record.item_units[rel] = units_of(before if before is not None and before.readable else after)
            else:
                record.changes.append(Change("file_changed", rel, line=1, old=None if old == ZERO else old,
                                             new=None if new == ZERO else new))
    records = [raw.record for raw in raws]
    _judge(repo, prefix, records, {raw.record.sha: raw for raw in raws}, store)
    return records


class _MergeSides:
    """The other parents of a merge, and their merge bases with its first parent, for its changed paths."""

    def __init__(self, raw: _RawCommit) -> None:
        self.first = raw.record.parents[0]
        self.others = list(raw.record.parents[1:])
        self.paths = [p for p, *_ in raw.files]
        self.bases: list[str | None] = []
        self.objects: dict[str, tuple[str, bytes] | None] = {}

    @staticmethod
    def load(repo: Path, all_sides) -> None:
        names = []
        for sides in all_sides:
            for other in sides.others:
                base = git(repo, "merge-base", sides.first, other, check=False).decode().strip() or None
                sides.bases.append(base)
                # `cat-file --batch` reads one name per line: a path with a newline
                # cannot be looked up (its change then counts as the merge's own).
                for path in (p for p in sides.paths if "\n" not in p):
                    names.append(f"{other}:{path}")
                    if base:
                        names.append(f"{base}:{path}")
        objects = read_objects(repo, names)
        for sides in all_sides:
            sides.objects = objects

    def _blob(self, rev: str | None, path: str) -> str | None:
        found = self.objects.get(f"{rev}:{path}") if rev else None
        return found[0] if found else None

    def own_file(self, path: str, old: str, new: str) -> bool:
        """False when an other parent brought this whole file version in.

        That is: it changed the file on its side (since the merge base) to
        exactly the merge's version, while the first parent left the file
        as it was at the base. Taking one side over a change the first
        parent made is the merge's own decision.
        """
        mine, first = (None if new == ZERO else new), (None if old == ZERO else old)
        return not any(self._blob(o, path) == mine and self._blob(b, path) != mine and self._blob(b, path) == first
                       for o, b in zip(self.others, self.bases))

    def item_versions(self, path: str) -> list[tuple[Snapshot | None, Snapshot | None]]:
        def snap(rev):
            found = self.objects.get(f"{rev}:{path}") if rev else None
            return snapshot(found[1]) if found else None
        return [(snap(o), snap(b)) for o, b in zip(self.others, self.bases)]


# --- who judges a commit ---------------------------------------------------------------


class _Ledgers:
    """ledger.yaml blobs, parsed once each: is it readable, and what does it say."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.configs: dict[str, object] = {}

    def load(self, blobs) -> None:
        todo = sorted({b for b in blobs if b and b not in self.configs})
        for blob, data in read_blobs(self.repo, todo).items():
            self.configs[blob] = parse_ledger(data)

    def readable(self, blob: str | None) -> bool:
        if blob is None:
            return False
        if blob not in self.configs:
            self.load([blob])
        return self.configs.get(blob) is not None

    def config(self, blob: str | None):
        return self.configs.get(blob) if blob else None


def parse_ledger(data: bytes | None):
    """A LedgerConfig from ledger.yaml bytes, or None when it is unusable (as `ducha check` would refuse it)."""
    from .validate import ledger_from_tree

    if data is None:
        return None
    tree, _ = loader.load_bytes(data, LEDGER_FILE, MAX_BLOB_BYTES)
    if tree is None:
        return None
    config, _ = ledger_from_tree(tree, LEDGER_FILE)
    return config if config.units else None


@dataclass
class _Chain:
    ledger_blob: str | None
    chain_ledger: str | None
    chain_has_ledger: bool
    fp_root: str


def _outside_chain(repo: Path, prefix: str, sha: str, ledgers: _Ledgers) -> _Chain:
    """The chain facts of a commit that is neither read now nor stored (the start of a --range)."""
    path = prefix + LEDGER_FILE
    found = read_objects(repo, [f"{sha}:{path}"]).get(f"{sha}:{path}")
    blob = found[0] if found else None
    roots = git(repo, "rev-list", "--first-parent", "--max-parents=0", sha, check=False).decode().split()
    root = roots[0] if roots else sha
    if blob is not None and ledgers.readable(blob):
        return _Chain(blob, blob, True, root)
    # Rare: walk back the first-parent chain to the nearest readable ledger.yaml.
    token, log_format, _ = _formats()
    out = git(repo, "log", "--first-parent", "--raw", "--no-abbrev", "--no-renames", "-z", f"--format={log_format}",
              sha, "--", path, check=False)
    blobs = [new for raw in _parse_log(out, token) for p, om, nm, old, new in raw.files if p == path and new != ZERO]
    ledgers.load(blobs)
    nearest = next((b for b in blobs if ledgers.readable(b)), None)
    return _Chain(blob, nearest, blob is not None or bool(out.strip()), root)


def _judge(repo: Path, prefix: str, records: list[CommitRecord], raws: dict, store: HistoryStore | None) -> None:
    """Fill each record's chain facts and judging ledger, then check signatures where that ledger asks."""
    ledgers = _Ledgers(repo)
    ledgers.load(r.ledger_blob for r in records)
    chains: dict[str, _Chain] = {}
    by_sha = {r.sha: r for r in records}
    wanted = sorted({r.parents[0] for r in records if r.parents} - set(by_sha))
    stored = store.get(wanted) if store is not None and wanted else {}
    for sha, r in stored.items():
        chains[sha] = _Chain(r.ledger_blob, r.chain_ledger, r.chain_has_ledger, r.fp_root)
    for record in records:  # parents first
        ledger_changed = any(p == prefix + LEDGER_FILE for p, *_ in raws[record.sha].files)
        parent = None
        if record.parents:
            first = record.parents[0]
            if first not in chains:
                chains[first] = _outside_chain(repo, prefix, first, ledgers)
            parent = chains[first]
            if not ledger_changed:
                record.ledger_blob = parent.ledger_blob
        own = record.ledger_blob
        own_readable = ledgers.readable(own)
        record.fp_root = parent.fp_root if parent else record.sha
        record.chain_has_ledger = own is not None or bool(parent and parent.chain_has_ledger)
        record.chain_ledger = own if own_readable else (parent.chain_ledger if parent else None)
        if parent is not None and parent.chain_ledger:
            record.judge_blob = parent.chain_ledger
            record.judged_by = JUDGED_BY_PARENT if parent.chain_ledger == parent.ledger_blob else JUDGED_BY_OLDER
        elif parent is None or not parent.chain_has_ledger:
            # The root, or the commit that creates the ledger: trusted by definition.
            record.judge_blob = own if own_readable else None
            record.judged_by = JUDGED_BY_SELF if own_readable else JUDGED_BY_NOTHING_YET
        else:
            record.judge_blob = None
            record.judged_by = JUDGED_BY_NONE
        chains[record.sha] = _Chain(record.ledger_blob, record.chain_ledger, record.chain_has_ledger, record.fp_root)
    _check_signatures(repo, prefix, records, ledgers)


def _check_signatures(repo: Path, prefix: str, records: list[CommitRecord], ledgers: _Ledgers) -> None:
    """%G?/%GS of every commit whose judging ledger.yaml requires signatures, against that tree's allowed_signers."""
    where: dict[str, str] = {}  # sha -> rev:path of its allowed_signers
    for record in records:
        config = ledgers.config(record.judge_blob)
        if config is None or not config.require_signed:
            continue
        tree = record.sha if record.judged_by == JUDGED_BY_SELF else record.parents[0]
        where[record.sha] = f"{tree}:{prefix}{config.allowed_signers}" if config.allowed_signers else ""
    if not where:
        return
    files = read_objects(repo, sorted({w for w in where.values() if w}), max_bytes=1024 * 1024)
    groups: dict[str | None, list[str]] = {}
    for sha, name in where.items():
        found = files.get(name) if name else None
        groups.setdefault(found[0] if found else None, []).append(sha)
    by_sha = {r.sha: r for r in records}
    token, _, signature_format = _formats()
    for blob, shas in groups.items():
        content = next((files[n][1] for n in set(where.values()) if n and files.get(n) and files[n][0] == blob), b"")
        fd, path = tempfile.mkstemp(prefix="ducha-signers-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
            out = git(repo, "-c", f"gpg.ssh.allowedSignersFile={path}", "log", "--no-walk=unsorted", "--stdin",
                      f"--format={signature_format}", input="\n".join(shas).encode() + b"\n")
        finally:
            os.unlink(path)
        for chunk in out.split(b"\x1e" + token)[1:]:
            head, sep, _ = chunk.partition(b"\x00" + token)
            fields = head.split(b"\x00", 2)
            if sep and len(fields) == 3 and fields[0].decode("ascii", "replace") in by_sha:
                record = by_sha[fields[0].decode()]
                record.signature = fields[1].decode("utf-8", "replace").strip() or "N"
                record.signer = fields[2].decode("utf-8", "replace").strip()
                record.signers_blob = blob


def file_at(ledger: Path, commit: str, rel: str) -> Snapshot | None:
    """An item file as it was at `commit` (None where it did not exist)."""
    repo, prefix = repo_root(ledger)
    data = read_blobs(repo, [f"{commit}:{prefix}{rel}"]).get(f"{commit}:{prefix}{rel}")
    return snapshot(data)


def first_parent_chain(ledger: Path, head: str) -> set[str]:
    return set(first_parent_list(ledger, head))


def first_parent_list(ledger: Path, head: str) -> list[str]:
    """`head` and its first parents, newest first: the last one is the root of its chain."""
    repo, _ = repo_root(ledger)
    return git(repo, "rev-list", "--first-parent", head, "--").decode().split()


def first_parent_root(ledger: Path, rev: str) -> str | None:
    """The root commit at the end of `rev`'s first-parent chain."""
    repo, _ = repo_root(ledger)
    out = git(repo, "rev-list", "--first-parent", "--max-parents=0", rev, "--", check=False).decode().split()
    return out[0] if out else None


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
    if len(text) <= 60:
        return text
    # Never cut through a number or an address: the public site masks
    # personal data it can recognise (issue 15), and half a number it cannot.
    end = 57
    while end < len(text) and end < 97 and (text[end].isascii() and (text[end].isalnum() or text[end] in "@.+-_ ")
                                            or text[end].isdigit()):
        end += 1
    return text if end == len(text) else text[:end] + "…"


def _event_text(event) -> str:
    from .model import EVENT_TYPES

    event = event or {}
    kind = event.get("type", "")
    parts = [str(event.get("date", "")), EVENT_TYPES.get(kind, str(kind)) if isinstance(kind, str) else str(kind)]
    if event.get("text"):
        parts.append(_short(event["text"]))
    return " ".join(p for p in parts if p)


def describe(change: Change, units: dict | None = None) -> str:
    """One change in plain Chinese: field, event type and category by their
    Chinese names; `units` (id -> name) names units instead of their ids."""
    from .model import field_title, value_text

    name = _KIND_NAMES.get(change.kind, change.kind)
    if change.kind == "field_changed":
        def text(value):
            return _short(value if value is None else value_text(change.key, value, units))
        return f"修改{field_title(change.key)}：{text(change.old)} → {text(change.new)}"
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
