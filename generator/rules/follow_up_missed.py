"""`follow_up_missed`: an item marked for "回头看" was not re-inspected in time.

"针对已报告反馈情况的重点事项，适时组织开展'回头看'、'再督查'" (实施意见四、(五)).
An item with `follow_up: true` that is closed must get a `reinspection`
event within `follow_up_months` (ledger.yaml, default 3) months after its
completion (a §3 period).

FAIL: closed 2025-09-18, follow-up due 2025-12-18, no reinspection by 2026-01-05.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import WARNING, Finding

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..evaluate import ItemStatus
    from ..model import Item
    from . import Context

CODE = "follow_up_missed"
SCOPE = "item"
NEEDS_AS_OF = True
SEVERITY = WARNING
TITLE = "未按期回头看"
SECTION = "6"  # the section of docs/rules.md that explains the computation
EXPLANATION = (
    "依据：“针对已报告反馈情况的重点事项，适时组织开展‘回头看’、‘再督查’”（四、(五)）。"
    "标为 `follow_up: true` 的事项落实后，"
    "应在办结日加 `follow_up_months` 个月（默认 3 个月）"
    "之内记录回头看（`type: reinspection`）；过了这一天仍无记录即提示。"
)


def check(item: Item, status: ItemStatus, ctx: Context) -> Iterator[Finding]:
    if not item.follow_up or status.state != "closed" or status.completed_on is None:
        return
    due = ctx.calendar.period_end(status.completed_on, months=ctx.config.follow_up_months).date
    done = any(e.type == "reinspection" and e.date >= status.completed_on for e in status.events)
    if ctx.as_of > due and not done:
        yield Finding(
            item.file, item.line_of("follow_up"), CODE,
            f"该事项于 {status.completed_on} 办结，应在 {due} 前组织“回头看”（再督查），至 {ctx.as_of} 尚无记录。"
            "督查后请记录（type: reinspection）。",
            item=item.id,
        )
