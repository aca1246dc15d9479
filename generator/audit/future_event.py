"""`future_event`: an event dated after it landed.

Nobody can report on the 20th what happens on the 25th: an event dated
after its adding commit landed on the main line (`generator.landing`: the
commit's own date on the main line, the merge's date for a merged branch,
the push time the server recorded; the day on the calendar of the
committer's time zone) is wrong.

FAIL: `{date: 2025-12-31, type: completed}` committed on main on 2025-12-20.
"""
from ..findings import Finding
from ..landing import landed
from .backdated_event import event_date

CODE = "future_event"


def check(record, ctx):
    landing = None
    for change in record.changes:
        if change.kind != "event_added":
            continue
        claimed = event_date(change.new or {})
        if claimed is None:
            continue
        landing = landing or landed(record, ctx)
        day = landing.date_for(record)
        if claimed <= day:
            continue
        how = landing.describe(record)
        when = f"提交它的日期 {day}" if not how else f"它进入主线的日期 {day}（{how}）"
        yield Finding(
            change.path, change.line or 1, CODE,
            f"办理记录的日期 {claimed} 晚于{when}（提交 {record.short}，{record.who}）。"
            "记录只能写已经发生的事，请改正日期。",
            item=change.item, commit=record.sha,
        )
