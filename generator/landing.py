"""When each commit reached the main line: its landing time.

A commit's committer date is whatever the committer chose
(`GIT_COMMITTER_DATE`). The landing time of a commit is the committer date of
the first commit on the main line (the first-parent chain of HEAD, or of B
for `--range A..B`) that contains it: a commit on the main line lands at its
own date, a commit of a merged branch lands at the merge's date, and a merge
made by the Git host carries the host's clock.

The server hook (`hooks/pre-receive` with `hooks/post-receive`) records the
time of every accepted push to main in a `refs/notes/ducha-push` note on each
pushed commit; where such a note exists on the commit or on its landing
commit, the recorded push time is the landing time. Commits not on the main
line yet (the commits of `--range` while a merge request or a push is being
checked) land at the time the audit is given: the push time in the hook, the
current time in CI.

The whole history takes one `git rev-list` and one `git notes list` (plus one
`git cat-file --batch` for the notes' text), never one call per commit.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import gitrepo, loader, validate
from .findings import Finding
from .gitrepo import GitError
from .history import LEDGER_FILE, HistoryError

NOTES_REF = "refs/notes/ducha-push"
PUSH_TIME_KEY = "push-time"
# How far a pushed commit's committer date may run ahead of the push: clocks drift.
FUTURE_SLACK = dt.timedelta(minutes=10)
WINDOW_CODE = "committer_date_out_of_range"
_MAX_NOTE = 4096  # bytes of a note that are read


@dataclass(frozen=True)
class Landed:
    """Where and when one commit landed."""

    time: dt.datetime
    how: str  # "commit" (its own date), "merge" (the landing merge's date), "push" (a server note), "given"
    commit: str | None = None  # the landing commit ("merge"), or the commit that carries the note ("push")

    def date_for(self, record) -> dt.date:
        """The landing day on the calendar of the committer's time zone."""
        zone = record.committer_date.tzinfo
        if zone is None or self.time.tzinfo is None:
            return self.time.date()
        return self.time.astimezone(zone).date()

    def describe(self, record) -> str:
        """The clock used, in plain Chinese (empty for the commit's own date)."""
        zone = record.committer_date.tzinfo
        shown = _show(self.time.astimezone(zone) if zone and self.time.tzinfo else self.time)
        if self.how == "merge":
            return f"以主线上合并它的提交 {self.commit[:10]} 的日期为准"
        if self.how == "push":
            return f"以服务器记录的推送时间 {shown} 为准"
        if self.how == "given":
            return f"以本次推送或检查的时间 {shown} 为准"
        return ""


def _show(when: dt.datetime) -> str:
    return when.isoformat(timespec="minutes")


def parse_time(text: str) -> dt.datetime | None:
    """An ISO 8601 date and time with a time zone (`Z` or `+08:00`), or None."""
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if when.tzinfo is None or not 1970 <= when.year <= 9998:
        return None
    return when


class Landing:
    """Landing times of the commits of one audit."""

    def __init__(self, landing_commit: dict[str, str] | None = None, dates: dict[str, str] | None = None,
                 notes: dict[str, dt.datetime] | None = None, pending: frozenset[str] = frozenset(),
                 at: dt.datetime | None = None) -> None:
        self.landing_commit = landing_commit or {}  # sha -> the main-line merge that brought it in
        self.dates = dates or {}  # main-line merge -> committer date (ISO text)
        self.notes = notes or {}  # sha -> push time recorded by the server
        self.pending = pending  # commits not on the main line yet
        self.at = at  # when the pending commits land

    def _find(self, sha: str) -> tuple[str, dt.datetime | None, str | None]:
        if sha in self.notes:
            return "push", self.notes[sha], sha
        target = self.landing_commit.get(sha, sha)
        if target != sha and target in self.notes:
            return "push", self.notes[target], target
        if self.at is not None and sha in self.pending:
            return "given", self.at, None
        if target != sha:
            when = parse_time(self.dates.get(target, ""))
            if when is not None:
                return "merge", when, target
        return "commit", None, None

    def of(self, record) -> Landed:
        how, when, commit = self._find(record.sha)
        return Landed(when or record.committer_date, how, commit)

    def stamps(self, shas: list[str]) -> dict[str, str]:
        """Per commit, a text that changes when its landing does (for cached verdicts)."""
        out = {}
        for sha in shas:
            how, when, commit = self._find(sha)
            out[sha] = f"{how} {when.isoformat() if when else ''} {commit or ''}"
        return out


def landed(record, ctx) -> Landed:
    """The landing of `record` in an audit context (its own date when none was computed)."""
    landing = getattr(ctx, "landing", None)
    if landing is None:
        return Landed(record.committer_date, "commit")
    return landing.of(record)


def _split(rev_range: str | None) -> tuple[str | None, str]:
    """(A, B) of `A..B`; (None, B) for a single revision; (None, HEAD) for none."""
    if not rev_range:
        return None, "HEAD"
    if ".." in rev_range:
        a, _, b = rev_range.partition("..")
        return (a.strip() or "HEAD"), (b.lstrip(".").strip() or "HEAD")
    return None, rev_range.strip()


def compute(ledger: Path, rev_range: str | None = None, at: dt.datetime | None = None,
            listed: list[tuple[str, tuple[str, ...]]] | None = None) -> Landing:
    """Landing of every commit of `rev_range` (default: all of HEAD).

    `at`: when the commits of `rev_range` land, for commits not on the main
    line yet (a merge request, a push); without it they land as B's main line says.
    `listed`: the commits of `rev_range` with their parents, when the caller
    has them already (one `rev-list` fewer on a long history).
    """
    ledger = Path(ledger).resolve()
    repo, _ = gitrepo.repo_root(ledger)
    a, b = _split(rev_range)
    head = gitrepo.resolve(repo, b)
    if not head:
        return Landing(at=at)  # an empty repository: nothing has landed
    if listed is None:
        try:
            listed = gitrepo.commits_with_parents(repo, [b, *([f"^{a}"] if a else [])])
        except GitError as e:
            raise HistoryError(f"找不到提交范围 {rev_range}：{e}") from None
    parents: dict[str, list[str]] = {sha: list(rest) for sha, rest in listed}
    # The main line: B's first parents while they are in the range.
    chain = []
    sha = head
    while sha in parents:
        chain.append(sha)
        sha = parents[sha][0] if parents[sha] else None
    on_chain = set(chain)
    # Oldest first, each main-line merge brings in what its other parents
    # reach that is not in yet: walk back from them, stopping at anything
    # already landed. Main-line commits land on themselves (not stored).
    landing: dict[str, str] = {}
    for main in reversed(chain):
        if len(parents[main]) < 2:
            continue
        stack = parents[main][1:]
        while stack:
            sha = stack.pop()
            if sha in landing or sha in on_chain or sha not in parents:
                continue
            landing[sha] = main
            stack.extend(parents[sha])
    # Dates are needed only for the merges that brought something in.
    merges = sorted(set(landing.values()))
    dates = gitrepo.committer_dates(repo, merges)
    pending = frozenset(parents) if (at is not None and rev_range) else frozenset()
    return Landing(landing, dates, read_notes(repo, set(parents)), pending, at)


def read_notes(repo: Path, wanted: set[str]) -> dict[str, dt.datetime]:
    """Push times the server recorded in `refs/notes/ducha-push` for the commits in `wanted`."""
    blobs = {sha: blob for sha, blob in gitrepo.notes(repo, NOTES_REF).items() if sha in wanted}
    contents = gitrepo.read_blobs(repo, sorted(set(blobs.values())))
    notes = {}
    for sha, blob in blobs.items():
        when = parse_note(contents.get(blob))
        if when is not None:
            notes[sha] = when
    return notes


def parse_note(data: bytes | None) -> dt.datetime | None:
    """The earliest `push-time:` line of a note."""
    if not data:
        return None
    times = []
    for line in data[:_MAX_NOTE].decode("utf-8", "replace").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() == PUSH_TIME_KEY:
            when = parse_time(value)
            if when is not None:
                times.append(when)
    return min(times) if times else None


def note_text(when: dt.datetime) -> str:
    return f"{PUSH_TIME_KEY}: {when.isoformat()}\n"


# --- the server hook: pushed commits must be dated near the push -----------------------


def trusted_backdate_days(ledger: Path, rev_range: str | None, fallback: int) -> int:
    """`audit.backdate_days` of A's ledger.yaml for `--range A..B` (the published side), else `fallback`."""
    a, _ = _split(rev_range)
    if a is None:
        return fallback
    repo, prefix = gitrepo.repo_root(Path(ledger).resolve())
    name = f"{a}:{prefix}{LEDGER_FILE}"
    data = gitrepo.read_blobs(repo, [name]).get(name)
    if data is None:
        return fallback
    tree, _ = loader.load_bytes(data, LEDGER_FILE)
    if tree is None:
        return fallback
    config, _ = validate.ledger_from_tree(tree, LEDGER_FILE)
    return config.backdate_days


def push_window(ledger: Path, rev_range: str | None, at: dt.datetime, backdate_days: int) -> list[Finding]:
    """Commits of `rev_range` that no ref holds yet (those a push brings) dated too far from `at`.

    A committer date more than `backdate_days` before the push, or more than
    ten minutes after it, was not set by an honest clock.
    """
    repo, _ = gitrepo.repo_root(Path(ledger).resolve())
    a, b = _split(rev_range)
    try:
        rows = gitrepo.unpublished_dates(repo, a, b)
    except GitError:
        return []
    earliest = at - dt.timedelta(days=backdate_days)
    latest = at + FUTURE_SLACK
    findings = []
    for sha, text, *_ in rows:
        when = parse_time(text)
        if when is None or earliest <= when <= latest:
            continue
        pushed = _show(at.astimezone(when.tzinfo))  # both times on the committer's clock face
        if when < earliest:
            gap = at - when
            why = (f"早于推送时间 {pushed} 共 {gap.days} 天 {gap.seconds // 3600} 小时，超过允许的 "
                   f"{backdate_days} 天（ledger.yaml 的 audit.backdate_days）")
        else:
            gap = when - at
            why = f"晚于推送时间 {pushed} 共 {int(gap.total_seconds() // 60)} 分钟，超过允许的 10 分钟"
        findings.append(Finding(
            None, None, WINDOW_CODE,
            f"提交 {sha[:10]} 的提交时间是 {_show(when)}，{why}：提交时间不可信（可能用 GIT_COMMITTER_DATE 改过，"
            "或本机时钟不准）。请校准本机时间，用 git rebase --force-rebase origin/main 重新生成这些提交"
            "（提交时间会更新为现在，记录日期不变），再推送。",
            commit=sha,
        ))
    return findings
