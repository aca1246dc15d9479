"""The ledger's Git history, turned into item-level changes.

One `git log --raw` lists every commit with the blobs before and after of
every path it changed (the whole repository: every path has an owner); one
`git cat-file --batch` reads those blobs (both through `generator.gitrepo`,
the one module that runs Git). `generator.changes` turns each item file's
two versions into `Change`s: item created or deleted, event added, edited
or removed, field changed (old → new), ledger.yaml changed, any other file
changed. A merge's changes are its own: what its tree changes against its
first parent that no other parent brought in.

Each record also says which `ledger.yaml` judges the commit: its first
parent's (the trusted side: a commit cannot grant itself rights), the
nearest readable one along the first-parent chain when the parent's is
broken, or its own for the commit that creates the ledger. Signatures are
verified against the `allowed_signers` file of that same tree. All of this
is a fact of the commit and its ancestry, so records are cached by commit
(`generator.history_store`); a later run reads only the commits it has not seen.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from . import gitrepo, loader
from .changes import (
    JUDGED_BY_NONE,
    JUDGED_BY_NOTHING_YET,
    JUDGED_BY_OLDER,
    JUDGED_BY_PARENT,
    JUDGED_BY_SELF,
    Change,
    CommitRecord,
    Snapshot,
    diff_item,
    merge_own_item_changes,
    snapshot,
    units_of,
)
from .gitrepo import EPOCH, MAX_BLOB_BYTES, ZERO, GitError, LogEntry
from .history_store import HistoryStore
from .printers.changes import describe

# The history's failures are Git's (and its cache's): one error.
HistoryError = GitError

__all__ = ["HistoryError", "HistoryStore", "CommitRecord", "Change", "cache_history", "describe", "read_history", "item_history",
           "ensure_records", "list_commits", "list_commits_with_parents", "parse_ledger", "LEDGER_FILE",
           "JUDGED_BY_NONE", "JUDGED_BY_NOTHING_YET", "JUDGED_BY_OLDER", "JUDGED_BY_PARENT", "JUDGED_BY_SELF"]

LEDGER_FILE = "ledger.yaml"
REGULAR_MODES = {"100644", "100755"}


@dataclass
class _RawCommit:
    record: CommitRecord
    files: list[gitrepo.FileChange]


def _raw(entry: LogEntry) -> _RawCommit:
    record = CommitRecord(entry.sha, entry.parents, entry.author_email.lower(), entry.author_name, entry.author_date,
                          entry.committer_date, entry.subject)
    return _RawCommit(record, entry.files)


def _ledger_path(repo_path: str, prefix: str) -> str:
    """A repository path relative to the ledger folder ('../x' outside it)."""
    if repo_path.startswith(prefix):
        return repo_path[len(prefix):]
    return posixpath.relpath(repo_path, prefix.rstrip("/") or ".")


def is_item_path(rel: str, old_mode: str, new_mode: str) -> bool:
    """A regular file under items/ ending in .yaml (by its path relative to the ledger)."""
    return (rel.startswith("items/") and rel.endswith(".yaml")
            and old_mode in REGULAR_MODES | {"000000"} and new_mode in REGULAR_MODES | {"000000"})


def list_commits(ledger: Path, rev_range: str | None = None) -> list[str]:
    """The commits of `rev_range` (default HEAD), merges included, oldest first (parents first).

    Not path-limited: on a large history a path-limited walk costs seconds,
    and every path of the repository is audited anyway.
    """
    return [sha for sha, _ in list_commits_with_parents(ledger, rev_range)]


def list_commits_with_parents(ledger: Path, rev_range: str | None = None) -> list[tuple[str, tuple[str, ...]]]:
    """`list_commits`, each with its parents."""
    spec = rev_range or "HEAD"
    repo, _ = gitrepo.repo_root(Path(ledger).resolve())
    try:
        return gitrepo.commits_with_parents(repo, spec.split(), oldest_first=True)
    except GitError as e:
        raise HistoryError(f"找不到提交范围 {spec}：{e}") from None


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
    repo, prefix = gitrepo.repo_root(Path(ledger).resolve())
    records = {r.sha: r for r in _read_commits(repo, prefix, missing, store)}
    empty = [CommitRecord(sha, (), "", "", EPOCH, EPOCH, "", judged_by=JUDGED_BY_NOTHING_YET)
             for sha in missing if sha not in records]
    store.put([*records.values(), *empty], False)


def cache_history(ledger: Path) -> None:
    """Read every commit of HEAD the user's cache does not hold yet into it (nothing without a cache,
    or outside Git), so a `read_history` after it only reads the cache."""
    ledger = Path(ledger).resolve()
    store = HistoryStore(ledger)
    if store.db is None:
        return
    try:
        ensure_records(ledger, list_commits(ledger), store)
    except HistoryError:
        pass


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
    raws = [_raw(entry) for entry in gitrepo.read_log(repo, shas)]
    order = {sha: i for i, sha in enumerate(shas)}
    raws.sort(key=lambda r: order.get(r.record.sha, len(order)))
    item_blobs = sorted({b for c in raws for p, om, nm, old, new in c.files
                         if is_item_path(_ledger_path(p, prefix), om, nm) for b in (old, new) if b != ZERO})
    contents = gitrepo.read_blobs(repo, item_blobs)
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
            elif is_item_path(rel, old_mode, new_mode):
                item = rel.rsplit("/", 1)[-1][:-5]
                before, after = snap(old), snap(new)
                changes = diff_item(rel, item, before, after)
                if before is not None and after is not None and not (before.readable or after.readable):
                    # Neither version shows a field or an event: the change is invisible
                    # to the rules, so it counts as a change of the file (the office's).
                    changes = [Change("file_changed", rel, item, line=1, old=old, new=new)] if old != new else []
                if sides is not None:
                    changes = merge_own_item_changes(changes, after, sides.item_versions(repo_path))
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
                base = gitrepo.merge_base(repo, sides.first, other)
                sides.bases.append(base)
                # `cat-file --batch` reads one name per line: a path with a newline
                # cannot be looked up (its change then counts as the merge's own).
                for path in (p for p in sides.paths if "\n" not in p):
                    names.append(f"{other}:{path}")
                    if base:
                        names.append(f"{base}:{path}")
        objects = gitrepo.read_objects(repo, names)
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
        for blob, data in gitrepo.read_blobs(self.repo, todo).items():
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
    found = gitrepo.read_objects(repo, [f"{sha}:{path}"]).get(f"{sha}:{path}")
    blob = found[0] if found else None
    root = gitrepo.first_parent_root(repo, sha) or sha
    if blob is not None and ledgers.readable(blob):
        return _Chain(blob, blob, True, root)
    # Rare: walk back the first-parent chain to the nearest readable ledger.yaml.
    entries = gitrepo.path_log(repo, sha, path)
    blobs = [new for entry in entries for p, om, nm, old, new in entry.files if p == path and new != ZERO]
    ledgers.load(blobs)
    nearest = next((b for b in blobs if ledgers.readable(b)), None)
    return _Chain(blob, nearest, blob is not None or bool(entries), root)


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
    files = gitrepo.read_objects(repo, sorted({w for w in where.values() if w}), max_bytes=1024 * 1024)
    groups: dict[str | None, list[str]] = {}
    for sha, name in where.items():
        found = files.get(name) if name else None
        groups.setdefault(found[0] if found else None, []).append(sha)
    by_sha = {r.sha: r for r in records}
    for blob, shas in groups.items():
        content = next((files[n][1] for n in set(where.values()) if n and files.get(n) and files[n][0] == blob), b"")
        for sha, (status, signer) in gitrepo.signatures(repo, shas, content).items():
            if sha in by_sha:
                record = by_sha[sha]
                record.signature = status or "N"
                record.signer = signer
                record.signers_blob = blob


def item_history(ledger: Path, item_id: str, *, use_cache: bool = True) -> list[tuple[CommitRecord, list[Change]]]:
    """The commits that changed item `item_id`, oldest first, with their changes to it."""
    out = []
    for record in read_history(Path(ledger), use_cache=use_cache):
        changes = [c for c in record.changes if c.item == item_id]
        if changes:
            out.append((record, changes))
    return out
