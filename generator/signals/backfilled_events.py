"""`backfilled_events`: one commit adding events whose dates span many days.

Reads the Git history. A commit (dated, in its committer's time zone, on
or before as_of and in the period) that adds events — to one item or to
several — whose claimed dates lie more than `signals.backfill_days`
(default 60) days apart recorded months of work at once: a year of events
back-filled in one sitting. `ducha audit`'s `backdated_event` looks at
each event's lag; this looks at the spread within one commit, which a
series of back-dated events made on the same day shows even when each
lag alone is small.

SHOWS: one commit adds progress dated 2025-03-15, 2025-05-15 and 2025-07-15.
QUIET: a commit adding one progress report and one urge a week apart.
"""
from __future__ import annotations

from ..findings import WARNING
from ._history import added_events, event_type
from .base import Evidence, Signal

CODE = "backfilled_events"
TITLE = "一次补录跨度很长的记录"
WHY = "一个提交一次添加了日期跨度很长的多条办理记录，可能是事后集中补录而非随办随记，记录的真实性需要核实。"
QUOTE = ("四、(六)", "对工作落实中弄虚作假、失职渎职、违纪违法等行为,要严格责任追究。")
NEEDS_HISTORY = True


def find(ctx):
    from ..model import EVENT_TYPES

    limit = ctx.settings.backfill_days
    commits: dict[str, list] = {}
    for record, day, change, claimed, unit in added_events(ctx):
        if ctx.in_period(day):
            commits.setdefault(record.sha, []).append((record, day, change, claimed, unit))
    for rows in commits.values():
        dates = [r[3] for r in rows]
        span = (max(dates) - min(dates)).days
        if len(rows) < 2 or span <= limit:
            continue
        record, day = rows[0][0], rows[0][1]
        items = list(dict.fromkeys(r[2].item for r in rows if r[2].item))
        units = list(dict.fromkeys(r[4] for r in rows if r[4]))
        one = rows[0][2] if len(items) == 1 else None
        named = "、".join(items[:5]) + (f" 等 {len(items)} 个事项" if len(items) > 5 else "")
        rows.sort(key=lambda r: (r[3], r[2].item or "", r[2].line or 0))
        yield Signal(
            CODE, WARNING,
            f"提交 {record.short}（{record.who}，{day}）一次添加了 {len(rows)} 条办理记录（{named}），"
            f"记录日期从 {min(dates)} 到 {max(dates)}，跨度 {span} 天，超过 {limit} 天。"
            "请核实这些记录是否为事后集中补录；如确是迁入旧台账，可不处理。",
            day, unit=units[0] if len(units) == 1 else None, item=items[0] if len(items) == 1 else None,
            file=one.path if one else None, line=min((r[2].line or 1) for r in rows) if one else None,
            commit=record.sha,
            evidence=[Evidence(f"{r[2].item} {r[3]} {EVENT_TYPES.get(event_type(r[2]), event_type(r[2]))}，{day} 提交",
                               r[2].item, r[2].path, r[2].line, r[3], record.sha) for r in rows],
        )
