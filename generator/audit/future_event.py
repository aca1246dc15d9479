"""`future_event`: an event dated after the commit that added it.

Nobody can report on the 20th what happens on the 25th: an event dated
after its adding commit (committer date, committer's time zone) is wrong.

FAIL: `{date: 2025-12-31, type: completed}` committed on 2025-12-20.
"""
from ..findings import Finding
from .backdated_event import event_date

CODE = "future_event"


def check(record, ctx):
    committed = record.committer_date.date()
    for change in record.changes:
        if change.kind != "event_added":
            continue
        claimed = event_date(change.new or {})
        if claimed is None or claimed <= committed:
            continue
        yield Finding(
            change.path, change.line or 1, CODE,
            f"办理记录的日期 {claimed} 晚于提交它的日期 {committed}（提交 {record.short}，{record.who}）。"
            "记录只能写已经发生的事，请改正日期。",
            item=change.item, commit=record.sha,
        )
