"""`append_only_violation`: a published event was edited or removed.

Events are an append-only log. Once an event is on the main line (the
first-parent history of HEAD, or of the start of `--range` in a merge
request), no later commit may change or delete it; a correction is a new
event. An event added and amended within the same unmerged branch is fine.
A merge is checked on its own changes (what no other parent brought in),
so an "evil merge" that edits a published event is caught.

FAIL: a commit turns `{date: 2025-03-15, type: progress, text: 开工}` into
`{date: 2025-03-01, ...}`, or deletes the item file.
"""
from ..changes import Snapshot, event_changes
from ..findings import Finding

CODE = "append_only_violation"


def check(record, ctx):
    """Reads `ctx.mainline` and, for a commit off it, `ctx.forks` (precomputed by `run_audit`: no Git here)."""
    touched = [c for c in record.changes if c.kind in ("event_edited", "event_removed")]
    if not touched:
        return
    parent = record.parents[0] if record.parents else None
    if parent is None:
        return
    if parent in ctx.mainline:
        violations = touched
    else:
        # A commit off the main line: only what was published at the fork
        # point is protected.
        fork = ctx.forks.get(record.sha)
        if fork is None or fork.commit is None:
            return
        violations = []
        for path in sorted({c.path for c in touched}):
            before, after = fork.files.get(path, (None, None))
            if before is None:
                continue
            if after is None:
                after = Snapshot({}, [], [], {})
            item = next(c.item for c in touched if c.path == path)
            violations += [c for c in event_changes(path, item, before, after)
                           if c.kind in ("event_edited", "event_removed")]
    for change in violations:
        old = change.old or {}
        what = f"第 {change.index + 1} 条办理记录（{old.get('date', '?')} {old.get('type', '?')}）"
        verb = "被修改" if change.kind == "event_edited" else "被删除"
        yield Finding(
            change.path, change.line or 1, CODE,
            f"{what}已经发布，却在提交 {record.short}（{record.who}，{record.committer_date:%Y-%m-%d}）中{verb}。"
            "办理记录只能追加：如需更正，请恢复原记录，另加一条说明更正的记录。",
            item=change.item, commit=record.sha,
        )
