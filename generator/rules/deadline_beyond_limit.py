"""`deadline_beyond_limit`: NPC suggestions and CPPCC proposals close within 6 months.

"承办单位一般在交办后 3 个月内答复建议提案人，最长不得超过 6 个月" (实施意见三、(六)).
An explicit deadline, or an approved extension, beyond that limit is wrong.

PASS: assigned 2025-03-10, `deadline: 2025-09-10`.
FAIL: assigned 2025-03-10, `deadline: 2025-10-31`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..evaluate import hard_deadline
from ..findings import ERROR, Finding

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..evaluate import ItemStatus
    from ..model import Item
    from . import Context

CODE = "deadline_beyond_limit"
SCOPE = "item"
NEEDS_AS_OF = False
SEVERITY = ERROR
TITLE = "期限超过最长时限"
SECTION = "1"  # the section of docs/rules.md that explains the computation
EXPLANATION = (
    "依据：“承办单位一般在交办后 3 个月内答复建议提案人，最长不得超过 6 个月”（三、(六)）。"
    "人大代表建议和政协委员提案所写的 `deadline`，或批准的延期的 `new_deadline`，"
    "晚于交办后 6 个月的最长时限的，报此错误。"
)


def check(item: Item, status: ItemStatus, ctx: Context) -> Iterator[Finding]:
    hard = hard_deadline(item, ctx.calendar)
    if hard is None:
        return
    if item.deadline and item.deadline > hard.date:
        yield Finding(
            item.file, item.line_of("deadline"), CODE,
            f"办结期限 {item.deadline} 超过了最长 6 个月的办理时限（{hard.date}）。"
            f"请把 deadline 改为不晚于 {hard.date} 的日期。",
            item=item.id,
        )
    for event in item.events:
        if event.type == "extension" and event.approved and event.new_deadline and event.new_deadline > hard.date:
            yield Finding(
                item.file, event.line, CODE,
                f"批准的延期新期限 {event.new_deadline} 超过了最长 6 个月的办理时限（{hard.date}）。"
                f"建议提案的答复不能晚于 {hard.date}，请核对 new_deadline。",
                item=item.id,
            )
