"""`deadline_day_rush`: a unit whose completions cluster on the deadline day.

For each item whose first completion is dated in the period, the
completion is "on the deadline" when it falls on the deadline then in
force (the newest approval before it, else the item's) or on the
working day before it. A unit is signalled when it completed at least
`signals.rush_min_completions` items (default 5), at least
`signals.rush_min_share` of them (default 0.5) on the deadline, and that
share is at least `signals.rush_factor` times (default 2) the ledger's
share over all units in the same period. The message gives both figures.

SHOWS: a unit completes 6 items, 5 on their deadline day; the others complete early.
QUIET: the unit completes its items at various dates.
"""
from __future__ import annotations

import datetime as dt

from ..findings import WARNING
from .base import Evidence, Signal

CODE = "deadline_day_rush"
TITLE = "办结集中在期限当天"
WHY = "一个单位的办结日期大多正好落在期限当天或前一个工作日，远高于全台账的比例，可能是为赶期限而报办结，宜实地核实办结质量。"
QUOTE = ("四、(五)", "对部门和单位报告的政府重点工作、重大工程、民生实事和政府领导交办的重要事项等落实情况,"
         "要选择社会关注度高、影响面大的事项进行实地调查复核。")
NEEDS_HISTORY = False


def working_day_before(calendar, day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    for _ in range(60):  # the longest holiday run is far shorter
        if calendar.is_working_day(day):
            return day
        day -= dt.timedelta(days=1)
    return day


def find(ctx):
    s = ctx.settings
    per_unit: dict[str, list] = {}
    for item in ctx.items:
        events = ctx.events(item)
        index = next((i for i, e in enumerate(events) if e.type == "completed"), None)
        if index is None or not ctx.in_period(events[index].date):
            continue
        deadline = ctx.deadline_before(item, events, index)
        if deadline is None:
            continue
        done = events[index]
        rushed = done.date == deadline or done.date == working_day_before(ctx.calendar, deadline)
        per_unit.setdefault(item.lead_unit, []).append((rushed, item, done, deadline))
    total = sum(len(rows) for rows in per_unit.values())
    rushed_all = sum(r for rows in per_unit.values() for r, *_ in rows)
    if not total:
        return
    ledger_share = rushed_all / total
    for unit in sorted(per_unit):
        rows = per_unit[unit]
        rushed = [row for row in rows if row[0]]
        share = len(rushed) / len(rows)
        if len(rows) < s.rush_min_completions or share < s.rush_min_share or share < s.rush_factor * ledger_share:
            continue
        yield Signal(
            CODE, WARNING,
            f"{ctx.unit_name(unit)}{ctx.label}办结 {len(rows)} 件，其中 {len(rushed)} 件（{share:.0%}）的办结日期正是期限当天"
            f"或前一个工作日；全台账这一比例为 {ledger_share:.0%}（{total} 件中 {rushed_all} 件）。"
            "建议从这些事项中选取实地复核，核实是否如期、如实办结。",
            max(d.date for _, _, d, _ in rushed), unit=unit,
            evidence=[Evidence(f"{item.id} {done.date} 办结，期限 {deadline}", item.id, item.file, done.line, done.date)
                      for _, item, done, deadline in sorted(rushed, key=lambda r: (r[2].date, r[1].id))],
        )
