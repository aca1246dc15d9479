"""`ducha audit`: the rules that read the ledger's Git history.

Same shape as `generator.rules`: one module per finding code. Commit rules
take `(record, ctx)` and yield findings for one commit; `history_rewritten`
checks a published head once. Every finding carries the commit it is about.

Trust model: each commit is judged by the people, units, audit settings and
allowed_signers of its first parent's tree (the root commit, which creates
the ledger, by its own), never by the tree it brings or by today's working
copy: a commit cannot grant itself rights, and staff who left are judged by
who was who when they committed. Verdicts are therefore facts of the commit
and the code, cached per commit.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType

from .. import gitrepo
from .. import landing as landing_times
from ..cache import Store, code_key
from ..changes import JUDGED_BY_NONE, JUDGED_BY_NOTHING_YET, CommitRecord, Snapshot, snapshot
from ..codec import Codec, CodecError
from ..findings import Finding, sort_key
from ..history import HistoryStore, ensure_records, list_commits_with_parents, parse_ledger
from ..model import LedgerConfig
from . import append_only_violation, backdated_event, future_event, history_rewritten, unauthorised_change, unsigned_commit

COMMIT_RULES: dict[str, ModuleType] = {m.CODE: m for m in (
    append_only_violation,
    backdated_event,
    future_event,
    unauthorised_change,
    unsigned_commit,
)}


@dataclass
class ForkPoint:
    """Where a commit off the main line forked from it, and the files it edits there and in itself."""

    commit: str | None  # the merge base of the commit's first parent and the main line (None: unrelated)
    files: dict[str, tuple[Snapshot | None, Snapshot | None]] = field(default_factory=dict)  # path -> (fork, commit)


@dataclass
class AuditContext:
    ledger: Path
    config: LedgerConfig
    mainline: set[str]  # commits whose content counts as published
    base: str | None  # the commit the main line ends at (HEAD, or the start of --range)
    people: dict[str, tuple[str, str]] = field(default_factory=dict)  # email -> (unit, role)
    landing: landing_times.Landing | None = None  # when each commit reached the main line
    # How the commit being checked is judged (history.JUDGED_BY_*), or
    # "untrusted": its first-parent chain starts at a root other than the
    # audited head's (an unrelated history merged in).
    judged_by: str = "parent"
    # Precomputed by `run_audit` so that no rule runs Git: for each commit off
    # the main line that edits or removes events, what was published where it
    # forked (append_only_violation); for the published head, whether it is
    # still in the history (history_rewritten).
    forks: dict[str, ForkPoint] = field(default_factory=dict)
    in_history: dict[str, bool] = field(default_factory=dict)  # published commit (as written) -> an ancestor of HEAD

    def role_of(self, email: str) -> tuple[str, str] | None:
        return self.people.get(email.lower())


@dataclass
class AuditResult:
    commits: int  # how many commits were examined
    findings: list[Finding]


# Rules whose verdict on a commit depends only on the commit and ledger.yaml:
# cached per commit. append_only_violation also depends on what the main
# line holds, so it runs afresh (only on commits that edit or remove events).
STABLE_RULES = [m for code, m in COMMIT_RULES.items() if code != "append_only_violation"]


class AuditCache:
    """Per-commit verdicts of the stable rules, valid for one ledger.yaml and code.

    Stored in the user's cache (`generator.cache`) as JSON: a flat list of
    sha, "edits events", landing stamp, findings, sha, ... A verdict holds
    for one landing of its commit (`generator.landing`).
    """

    NAME = "audit.json"
    CODEC = Codec(Finding)

    def __init__(self, ledger: Path, key: str, enabled: bool) -> None:
        self.store = Store(ledger, enabled)
        self.key = key
        self.enabled = self.store.enabled
        self.results: dict[str, tuple[list[Finding], bool, str | None]] = self._load() if self.enabled else {}
        self.dirty = False

    def _load(self) -> dict[str, tuple[list[Finding], bool, str | None]]:
        payload = self.store.load(self.NAME, "audit", self.key)
        if payload is None:
            return {}
        try:
            flat = self.CODEC.loads(payload)
            results = {}
            for sha, edits, stamp, found in zip(flat[0::4], flat[1::4], flat[2::4], flat[3::4], strict=True):
                if not (type(sha) is str and type(edits) is bool and (stamp is None or type(stamp) is str)
                        and type(found) is list and all(type(f) is Finding for f in found)):
                    return {}
                results[sha] = (found, edits, stamp)
            return results
        except (CodecError, TypeError, ValueError):
            return {}

    def save(self) -> None:
        if self.enabled and self.dirty:
            flat = [v for sha, (found, edits, stamp) in self.results.items() for v in (sha, edits, stamp, found)]
            try:
                payload = self.CODEC.dumps(flat)
            except (TypeError, ValueError):  # a finding the codec cannot hold: not cached
                return
            self.store.store(self.NAME, "audit", self.key, payload)


def _audit_key() -> str:
    # Verdicts depend only on the commit (and its ancestry) and the code.
    return hashlib.sha256(f"{code_key()}|judged-by-first-parent".encode()).hexdigest()


def people_of(config: LedgerConfig) -> dict[str, tuple[str, str]]:
    return {p.email.lower(): (p.unit, config.units[p.unit].role) for p in config.people if p.unit in config.units}


def run_audit(ledger: Path, config: LedgerConfig, rev_range: str | None = None, published: Path | None = None,
              *, use_cache: bool = True, landing_time: dt.datetime | None = None) -> AuditResult:
    """Audit the history of the ledger at `ledger` (all of HEAD, or `rev_range` A..B).

    `landing_time`: when the commits of `rev_range`, not on the main line yet, land (push time, now).

    `config` (today's ledger.yaml) judges nothing: each commit is judged by
    the ledger.yaml of its first parent.
    """
    ledger = Path(ledger).resolve()
    listed = list_commits_with_parents(ledger, rev_range)
    shas = [sha for sha, _ in listed]
    store = HistoryStore(ledger, enabled=use_cache)
    ensure_records(ledger, shas, store)

    base_rev, head_rev = "HEAD", "HEAD"
    if rev_range and ".." in rev_range:
        base_rev, head_rev = (part or "HEAD" for part in rev_range.split("..", 1))
    elif rev_range:
        head_rev = rev_range
    # The main line: what was published before these commits. An empty
    # repository (a first push) has none.
    base = gitrepo.resolve(ledger, base_rev)
    if base and not rev_range:
        mainline = _first_parents(dict(listed), base)  # HEAD's whole history is listed already
    else:
        mainline = gitrepo.first_parent_list(ledger, base) if base else []
    ctx = AuditContext(ledger, config, set(mainline), base, people_of(config),
                       landing_times.compute(ledger, rev_range, landing_time, listed))

    cache = AuditCache(ledger, _audit_key(), enabled=use_cache)
    # backdated_event and future_event depend on when a commit landed: a verdict holds for one landing.
    stamps = ctx.landing.stamps(shas)
    todo = [sha for sha in shas if sha not in cache.results or tuple(cache.results[sha][2:]) != (stamps.get(sha),)]
    records = store.get(todo)
    judges = _judges(ledger, ctx, {r.judge_blob for r in records.values() if r.judge_blob})
    for sha, record in records.items():
        found = []
        if record.changes and record.judged_by != JUDGED_BY_NOTHING_YET:
            judge = judges.get(record.judge_blob) or replace(ctx, people={}, judged_by=JUDGED_BY_NONE)
            found = [f for rule in STABLE_RULES for f in rule.check(record, replace(judge, judged_by=record.judged_by))]
        edits = any(c.kind in ("event_edited", "event_removed") for c in record.changes)
        cache.results[sha] = (found, edits, stamps.get(sha))
        cache.dirty = True
    cache.save()

    findings: list[Finding] = [f for sha in shas if sha in cache.results for f in cache.results[sha][0]]
    edited = [sha for sha in shas if sha in cache.results and cache.results[sha][1]]
    edits = store.get(edited)
    ctx.forks = fork_points(ledger, ctx, list(edits.values()))
    for record in edits.values():
        findings.extend(append_only_violation.check(record, ctx))
    roots = {sha for sha, parents in listed if not parents}
    if roots:
        trusted = mainline[-1] if mainline and base_rev == head_rev else gitrepo.first_parent_root(ledger, head_rev)
        findings.extend(_untrusted_histories(ctx, roots - {trusted}, shas, store, trusted))
    if published is not None:
        commit = history_rewritten.read_commit(published)
        if commit is not None:
            sha = gitrepo.resolve(ledger, commit)
            ctx.in_history[commit] = sha is not None and gitrepo.is_ancestor(ledger, sha, "HEAD")
        findings.extend(history_rewritten.check(published, ctx))
    findings.sort(key=sort_key)
    return AuditResult(len(shas), findings)


def _first_parents(parents: dict[str, tuple[str, ...]], head: str) -> list[str]:
    """`head` and its first parents, newest first (as `git rev-list --first-parent`)."""
    chain = []
    sha: str | None = head
    while sha is not None and sha in parents:
        chain.append(sha)
        sha = parents[sha][0] if parents[sha] else None
    return chain


def _judges(ledger: Path, ctx: AuditContext, blobs: set[str]) -> dict[str, AuditContext]:
    """A context per judging ledger.yaml blob: its config and people."""
    out = {}
    for blob, data in gitrepo.read_blobs(ledger, sorted(blobs)).items():
        config = parse_ledger(data)
        if config is not None:
            out[blob] = replace(ctx, config=config, people=people_of(config))
    return out


def fork_points(ledger: Path, ctx: AuditContext, records: list[CommitRecord]) -> dict[str, ForkPoint]:
    """For each of `records` off the main line that edits or removes events: its fork point and those files.

    The fork point is the merge base of its first parent and the end of the
    main line (`ctx.base`); the files (one `cat-file --batch` for all) are
    the item files it edits, as they were there and as the commit leaves them.
    """
    repo, prefix = gitrepo.repo_root(ledger)
    wanted: dict[str, tuple[str | None, list[str]]] = {}
    for record in records:
        paths = sorted({c.path for c in record.changes if c.kind in ("event_edited", "event_removed")})
        if not paths or not record.parents or record.parents[0] in ctx.mainline:
            continue
        fork = gitrepo.merge_base(repo, record.parents[0], ctx.base) if ctx.base else None
        wanted[record.sha] = (fork, paths)
    names = [f"{rev}:{prefix}{path}" for sha, (fork, paths) in wanted.items() if fork
             for path in paths for rev in (fork, sha)]
    blobs = gitrepo.read_blobs(repo, names)
    out = {}
    for sha, (fork, paths) in wanted.items():
        files = {}
        if fork:
            for path in paths:
                files[path] = (snapshot(blobs.get(f"{fork}:{prefix}{path}")), snapshot(blobs.get(f"{sha}:{prefix}{path}")))
        out[sha] = ForkPoint(fork, files)
    return out


def _untrusted_histories(ctx: AuditContext, roots: set[str], shas: list[str], store: HistoryStore,
                         trusted: str | None) -> list[Finding]:
    """Commits whose first-parent chain starts at another root than the head's: an unrelated history.

    Such a chain's first commit would judge itself (a root is trusted by
    definition), so a made-up history merged in could grant itself any
    right. Its commits are judged by no ledger: every change is reported.
    """
    if not roots:
        return []
    found = []
    untrusted = replace(ctx, people={}, judged_by="untrusted")
    for record in store.get(shas).values():
        if record.fp_root != trusted and record.changes:
            found.extend(unauthorised_change.check(record, untrusted))
    return found
