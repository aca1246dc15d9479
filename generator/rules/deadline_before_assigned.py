"""`deadline_before_assigned`: a deadline earlier than the day the item was assigned.

A period runs from the day after assignment (docs/rules.md §1), so a
`deadline` before `assigned` can only be a slip (most often the year:
2024-06-30 for 2025-06-30). Every date computed from it (overdue, reports,
escalation) would be wrong from the first day, so it is an error. A
deadline on the day of assignment itself (当日办结) is allowed.

PASS: `assigned: 2025-03-10`, `deadline: 2025-03-10`.
FAIL: `assigned: 2025-03-10`, `deadline: 2024-06-30` (reported at the
`deadline` line, naming both dates).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import ERROR, Finding

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..evaluate import ItemStatus
    from ..model import Item
    from . import Context

CODE = "deadline_before_assigned"
SCOPE = "item"
NEEDS_AS_OF = False
SEVERITY = ERROR
TITLE = "办结期限早于交办日期"
SECTION = "1"
EXPLANATION = (
    "期限从交办日期的次日起算，`deadline` 早于 `assigned` 只能是笔误（多半是年份写错），"
    "据此算出的超期、月报和督办升级从第一天起就都是错的。期限等于交办日期（当日办结）可以。"
)


def check(item: Item, status: ItemStatus, ctx: Context) -> Iterator[Finding]:
    if item.deadline is not None and item.deadline < item.assigned:
        yield Finding(
            item.file, item.line_of("deadline"), CODE,
            f"办结期限 {item.deadline.isoformat()} 早于交办日期 {item.assigned.isoformat()}：期限从交办次日起算，"
            "请检查年份和月份，改正 deadline（或 assigned）。",
            item=item.id,
        )
