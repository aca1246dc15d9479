"""`escalation_pending`: an escalation level holds but its follow-up is not recorded.

"两通报、一移交" (实施意见五、(一); docs/rules.md §4): level 1 (urged once or returned)
calls for a circular by the supervision office; level 2 (urged twice, or a
leader's demand on an open item) a circular by the government office;
level 3 (urged three times, open, no accepted explanation) a transfer for
accountability. Each follow-up is a `circular` event of that level or a
`transfer` event.

FAIL: two urges, one `circular` of level 1, no level 2 circular.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..evaluate import ESCALATION_ACTION_NAMES
from ..findings import WARNING, Finding

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..evaluate import ItemStatus, Pressure
    from ..model import Item
    from . import Context

CODE = "escalation_pending"
SCOPE = "item"
NEEDS_AS_OF = True
SEVERITY = WARNING
TITLE = "待督办"
SECTION = "4"  # the section of docs/rules.md that explains the computation
EXPLANATION = (
    "依据：“两通报、一移交”（五、(一)）。被催办或退回重办 1 次达到 1 级，"
    "应有督查室通报（`circular`，`level: 1`）；被催办 2 次，"
    "或领导已提出明确整改要求而事项尚未落实，达到 2 级，应有政府办公室通报（`level: 2`）；"
    "被催办 3 次、尚未落实且没有被认可的原因说明，达到 3 级，应移交监察（`transfer`）。"
    "已达到的级别没有相应记录即提示；表扬性质的通报（`kind: praise`）不算跟进。"
)


def _reasons(pressure: Pressure) -> str:
    reasons = [f"催办 {pressure.urges} 次"] if pressure.urges else []
    if pressure.returned:
        reasons.append("曾被退回重办")
    if pressure.leader_demand:
        reasons.append("领导已提出明确整改要求")
    return "，".join(reasons)


def check(item: Item, status: ItemStatus, ctx: Context) -> Iterator[Finding]:
    for pending in status.escalation_pending:
        record = "type: transfer" if pending.action == "transfer" else f"type: circular, level: {pending.level}"
        yield Finding(
            item.file, item.line_of("events" if item.events else "assigned"), CODE,
            f"已达到第 {pending.level} 级督办（{_reasons(status.pressure)}），待办：{ESCALATION_ACTION_NAMES[pending.level]}。"
            f"办理后请记录（{record}）。",
            item=item.id,
        )
