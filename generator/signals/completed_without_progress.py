"""`completed_without_progress`: completed with no progress report ever.

An item whose deadline (the one in force at completion) lies more than
`signals.progress_months` months (default 1) after its assignment owes
monthly progress reports (docs/rules.md §3). If its first completion comes
with no progress report before it, the ledger shows a result but never
the work towards it. The signal is a warning when a monthly report was
already due before the completion, and info when the item was completed
inside its first month (a quick completion is plausible: check its
completion material).

SHOWS: assigned 2025-02-20, deadline 2025-12-31, completed 2025-06-30, no progress.
QUIET: the same with a progress report on 2025-03-15.
"""
from __future__ import annotations

from ..calendar import add_months
from ..findings import INFO, WARNING
from .base import Evidence, Signal

CODE = "completed_without_progress"
TITLE = "办结前从未报告进展"
WHY = "办理期限超过 1 个月的事项应分月报告进展；从未报告进展就报办结，台账只见结果、不见过程，办结材料需要核实。"
QUOTE = ("四、(三)", "对政府出台的重大决策部署,要同步建立督促检查工作台帐,未落实事项查原因、落实中事项查进程、"
         "已落实事项查结果,确保决策落实、政策落地。")
NEEDS_HISTORY = False


def find(ctx):
    months = ctx.settings.progress_months
    for item in ctx.items:
        events = ctx.events(item)
        index = next((i for i, e in enumerate(events) if e.type == "completed"), None)
        if index is None:
            continue
        done = events[index]
        if not ctx.in_period(done.date) or any(e.type == "progress" for e in events[:index]):
            continue
        deadline = ctx.deadline_before(item, events, index)
        if deadline is None or deadline <= add_months(item.assigned, months):
            continue
        first_due = ctx.calendar.period_end(item.assigned, months=1).date
        late = done.date > first_due
        why = (f"按规定 {first_due} 前就应报告第一次进展" if late
               else f"办结时还未到第一次月报日期 {first_due}，如确是提前办结，核实办结材料即可")
        yield Signal(
            CODE, WARNING if late else INFO,
            f"{item.id}（{ctx.unit_name(item.lead_unit)}）办理期限 {deadline}，距交办日 {item.assigned} 超过 {months} 个月，"
            f"应分月报告进展；但 {done.date} 报告办结（{item.file} 第 {done.line} 行）之前从未报告过进展，{why}。"
            "请核实办结材料，必要时实地复核。",
            done.date, unit=item.lead_unit, item=item.id, file=item.file, line=done.line,
            evidence=[
                Evidence(f"{item.assigned} 交办，办理期限 {deadline}", item.id, item.file, item.line_of("assigned"),
                         item.assigned),
                Evidence(f"{done.date} 办结{('：' + done.text) if done.text else ''}", item.id, item.file, done.line,
                         done.date),
            ],
        )
