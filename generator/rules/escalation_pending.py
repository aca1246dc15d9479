"""`escalation_pending`: an escalation level holds but its follow-up is not recorded.

"两通报、一移交" (seed §5.1, RULES.md §6): level 1 (urged once or returned)
calls for a circular by the supervision office; level 2 (urged twice, or a
leader's demand on an open item) a circular by the government office;
level 3 (urged three times, open, no accepted explanation) a transfer for
accountability. Each follow-up is a `circular` event of that level or a
`transfer` event.

FAIL: two urges, one `circular` of level 1, no level 2 circular.
"""
from ..evaluate import ESCALATION_ACTION_NAMES
from ..findings import Finding

CODE = "escalation_pending"
SCOPE = "item"
NEEDS_AS_OF = True


def _reasons(pressure) -> str:
    reasons = [f"催办 {pressure.urges} 次"] if pressure.urges else []
    if pressure.returned:
        reasons.append("曾被退回重办")
    if pressure.leader_demand:
        reasons.append("领导已提出明确整改要求")
    return "，".join(reasons)


def check(item, status, ctx):
    for pending in status.escalation_pending:
        record = "type: transfer" if pending.action == "transfer" else f"type: circular, level: {pending.level}"
        yield Finding(
            item.file, item.line_of("events" if item.events else "assigned"), CODE,
            f"已达到第 {pending.level} 级督办（{_reasons(status.pressure)}），待办：{ESCALATION_ACTION_NAMES[pending.level]}。"
            f"办理后请记录（{record}）。",
            item=item.id,
        )
