"""`batch_filing`: a unit filing several months of progress reports at once.

Reads the Git history. Monthly progress reports (docs/rules.md §3) are meant
to be filed month by month. Per lead unit and per day a commit was made
(in its committer's time zone; one commit is always within one day),
the progress reports added are grouped by the month they claim; when
they claim `signals.batch_months` (default 3) or more different months,
the unit filed that many months of reports in one sitting. A unit filing
this month's reports for forty items on one day is normal and not
signalled: only the spread of claimed months counts.

SHOWS: on 2025-07-20 a unit adds reports dated 2025-04-15, 2025-05-15 and 2025-06-15.
QUIET: reports added each month, each dated in its own month.
"""
from __future__ import annotations

from ..findings import INFO
from ._history import added_events, event_type
from .base import Evidence, Signal

CODE = "batch_filing"
TITLE = "集中补报月度进展"
WHY = "月度进展报告应按月报送；一个单位在同一天（或同一提交）补报多个月份的进展，可能是事后补写，报告内容需要核实。"
QUOTE = ("四、(四)", "办理时限规定超过 1 个月的,由办理单位分月报告工作进展情况;期限内不能办结的,"
         "承办单位要提前向交办单位报告原因和进展情况。")
NEEDS_HISTORY = True


def find(ctx):
    need = ctx.settings.batch_months
    days: dict[tuple, list] = {}
    for record, day, change, claimed, unit in added_events(ctx):
        if unit and event_type(change) == "progress" and ctx.in_period(day):
            days.setdefault((unit, day), []).append((record, change, claimed))
    for (unit, day), rows in sorted(days.items()):
        months = sorted({claimed.strftime("%Y-%m") for _, _, claimed in rows})
        if len(months) < need:
            continue
        rows.sort(key=lambda r: (r[2], r[1].item or "", r[0].sha))
        items = list(dict.fromkeys(c.item for _, c, _ in rows if c.item))
        commits = list(dict.fromkeys(r.sha for r, _, _ in rows))
        first = rows[0][1]
        yield Signal(
            CODE, INFO,
            f"{ctx.unit_name(unit)}在 {day} 用 {len(commits)} 个提交报送了 {len(rows)} 条进展报告，"
            f"所写日期分属 {len(months)} 个月（{'、'.join(months)}），涉及 {'、'.join(items[:5])}"
            + (f" 等 {len(items)} 个事项" if len(items) > 5 else "") + "。请核实是否为事后集中补报，督促按月如实报告。",
            day, unit=unit, item=items[0] if len(items) == 1 else None,
            file=first.path if len(items) == 1 else None, line=first.line if len(items) == 1 else None,
            commit=commits[0] if len(commits) == 1 else None,
            evidence=[Evidence(f"{c.item} 进展报告，所写日期 {claimed}，{day} 由 {r.who} 提交", c.item, c.path, c.line,
                               claimed, r.sha) for r, c, claimed in rows],
        )
