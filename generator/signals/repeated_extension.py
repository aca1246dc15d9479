"""`repeated_extension`: extensions asked again and again, or on the deadline day.

An item with `signals.extensions` (default 2) or more extension requests
(dated on or before as_of), or with a request dated on the very day of
the deadline then in force (not "提前", in advance, docs/rules.md §3), is
signalled once, dated by the request that triggered it. Approved or not,
every request counts: asking is what the pattern is about. Info for
repeated requests; a warning when a request came on the deadline day.

SHOWS: extensions on 2025-06-01 and 2025-09-01; or one on the deadline day 2025-06-30.
QUIET: one extension a month before the deadline.
"""
from __future__ import annotations

from ..findings import INFO, WARNING
from .base import Evidence, Signal

CODE = "repeated_extension"
TITLE = "反复延期或期限当天申请延期"
WHY = "一个事项多次申请延期，或到期限当天才申请延期（应在期限前提前报告原因并申请），可能是拖拉推诿，宜核实进展和延期理由。"
QUOTE = ("三、(四)", "要建立完善领导批示件和交办事项归口办理工作机制,实行即收即办、专人负责、跟踪落实、限时办结、"
         "及时反馈,切实做到批必办、办必果。")
NEEDS_HISTORY = False


def find(ctx):
    limit = ctx.settings.extensions
    for item in ctx.items:
        events = ctx.events(item)
        requests = [(i, e, ctx.deadline_before(item, events, i)) for i, e in enumerate(events) if e.type == "extension"]
        if not requests:
            continue
        on_day = [(e, due) for _, e, due in requests if due is not None and e.date == due]
        many = len(requests) >= limit
        trigger = [e.date for e, _ in on_day]
        if many:
            trigger.append(requests[limit - 1][1].date)
        trigger = [d for d in trigger if ctx.in_period(d)]
        if not trigger:
            continue
        reasons = []
        if many:
            reasons.append(f"共申请延期 {len(requests)} 次")
        if on_day:
            reasons.append("、".join(f"{e.date} 的申请正是当时的期限当天" for e, _ in on_day))
        evidence = []
        for _, e, due in requests:
            status = {True: "已批准", False: "未批准"}.get(e.approved, "待批")
            evidence.append(Evidence(f"{e.date} 申请延期至 {e.new_deadline}（{status}），当时期限 {due or '未写明'}"
                                     + (f"：{e.text}" if e.text else ""), item.id, item.file, e.line, e.date))
        first = requests[0][1]
        yield Signal(
            CODE, WARNING if on_day else INFO,
            f"{item.id}（{ctx.unit_name(item.lead_unit)}）{'；'.join(reasons)}（{item.file} 第 {first.line} 行起）。"
            "请核实延期理由和实际进展；延期应在期限前提前申请。",
            max(trigger), unit=item.lead_unit, item=item.id, file=item.file,
            line=(on_day[0][0] if on_day else requests[limit - 1][1]).line, evidence=evidence,
        )
