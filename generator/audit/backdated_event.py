"""`backdated_event`: an event entered long after the date it claims.

An event whose adding commit is dated (committer date, in the committer's
own time zone) more than `audit.backdate_days` days (default 7) after the
event's date was back-dated — the "弄虚作假" the regulation punishes.

PASS: `{date: 2025-03-15, type: progress}` committed on 2025-03-18.
FAIL: the same committed on 2025-04-30.
"""
import datetime as dt

from ..findings import Finding

CODE = "backdated_event"


def event_date(event) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(event.get("date", "")).strip())
    except ValueError:
        return None


def check(record, ctx):
    limit = ctx.config.backdate_days
    committed = record.committer_date.date()
    for change in record.changes:
        if change.kind != "event_added":
            continue
        claimed = event_date(change.new or {})
        if claimed is None or (committed - claimed).days <= limit:
            continue
        yield Finding(
            change.path, change.line or 1, CODE,
            f"办理记录写的日期是 {claimed}，却在 {committed} 才由 {record.who} 提交（提交 {record.short}），"
            f"晚了 {(committed - claimed).days} 天，超过允许的 {limit} 天，属于补录倒签。"
            "请核实；如确需补录，由督查室另加说明记录。",
            item=change.item, commit=record.sha,
        )
