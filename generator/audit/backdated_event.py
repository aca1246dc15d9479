"""`backdated_event`: an event entered long after the date it claims.

An event whose adding commit landed on the main line more than
`audit.backdate_days` days (default 7) after the event's date was
back-dated — the "弄虚作假" the regulation punishes. The landing time
(`generator.landing`) is the committer date of the main-line commit that
brought the commit in (a merge on the Git host carries the host's clock), or
the push time the server hook recorded: a committer date forged with
`GIT_COMMITTER_DATE` on a branch merged later does not hide the delay. The
day is read on the calendar of the committer's time zone.

PASS: `{date: 2025-03-15, type: progress}` committed on main on 2025-03-18;
any event in the root commit, which creates the ledger.
FAIL: the same committed on 2025-04-30, or committed on a branch "on
2025-03-18" and merged on 2025-04-30.
"""
import datetime as dt

from ..findings import Finding
from ..landing import landed

CODE = "backdated_event"


def event_date(event) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(event.get("date", "")).strip())
    except ValueError:
        return None


def check(record, ctx):
    if not record.parents:
        # The root commit creates the ledger: the records it brings were kept
        # before the ledger was (an imported ledger, `ducha init --demo`).
        return
    limit = ctx.config.backdate_days
    landing = None
    for change in record.changes:
        if change.kind != "event_added":
            continue
        claimed = event_date(change.new or {})
        if claimed is None:
            continue
        landing = landing or landed(record, ctx)
        day = landing.date_for(record)
        late = (day - claimed).days
        if late <= limit:
            continue
        how = landing.describe(record)
        when = (f"却在 {day} 才由 {record.who} 提交（提交 {record.short}）" if not how else
                f"由 {record.who} 在提交 {record.short} 中加入，{day} 才进入主线（{how}）")
        yield Finding(
            change.path, change.line or 1, CODE,
            f"办理记录写的日期是 {claimed}，{when}，晚了 {late} 天，超过允许的 {limit} 天，属于补录倒签。"
            "请核实；如确需补录，由督查室另加说明记录。",
            item=change.item, commit=record.sha,
        )
