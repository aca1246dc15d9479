"""`hard_deadline_passed`: an NPC suggestion or CPPCC proposal unanswered after 6 months.

"最长不得超过 6 个月" (实施意见三、(六)): the 6-month limit counts from assignment
whatever the extensions.

The finding is for items still unanswered: the work is late now. An item
answered after the limit (under an approved extension past it) carries
`hard_deadline_passed: true` in `check --format json`, and the extension
itself is the `deadline_beyond_limit` error; it is not warned again here.

FAIL: assigned 2025-03-10, not completed as of 2025-09-11 (limit 2025-09-10).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..evaluate import CLOSED, COMPLETED
from ..findings import WARNING, Finding

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..evaluate import ItemStatus
    from ..model import Item
    from . import Context

CODE = "hard_deadline_passed"
SCOPE = "item"
NEEDS_AS_OF = True
SEVERITY = WARNING
TITLE = "超过最长办理时限"
SECTION = "1"  # the section of docs/rules.md that explains the computation
EXPLANATION = (
    "依据：“最长不得超过 6 个月”（三、(六)）。人大代表建议、政协委员提案自交办起 6 个月的最长时限已过、"
    "仍未答复（办结）的，不论是否批准了延期，都报此警告。在最长时限之后才答复的事项，"
    "`check --format json` 中 `hard_deadline_passed` 为 `true`；"
    "越过最长时限的延期本身报 `deadline_beyond_limit`，这里不再重复警告。"
)


def check(item: Item, status: ItemStatus, ctx: Context) -> Iterator[Finding]:
    if status.hard_deadline_passed and status.hard_deadline is not None and status.state not in (COMPLETED, CLOSED):
        yield Finding(
            item.file, item.line_of("assigned"), CODE,
            f"已超过最长 6 个月的办理时限（{status.hard_deadline.date}），至 {status.as_of} 仍未答复代表委员。"
            "请督促承办单位立即答复并报告原因。",
            item=item.id,
        )
