"""`overdue`: past the effective deadline and neither completed nor closed.

Days overdue are calendar days after the effective deadline (the newest
approved extension's new deadline, else the item's deadline).

PASS: deadline 2025-06-30, completed 2025-06-28.
FAIL: deadline 2025-06-30, as of 2025-07-25 only progress reported (25 days).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import WARNING, Finding

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..evaluate import ItemStatus
    from ..model import Item
    from . import Context

CODE = "overdue"
SCOPE = "item"
NEEDS_AS_OF = True
SEVERITY = WARNING
TITLE = "超期未办结"
SECTION = "2"  # the section of docs/rules.md that explains the computation
EXPLANATION = (
    "`as_of` 晚于有效期限（最近一次批准的延期的新期限，没有时为事项的期限），而事项既未办结也未落实。"
    "超期天数按日历天数计算，期限当天仍算按时。承办单位应尽快办结并报告；确有困难的，应说明原因并申请延期。"
)


def check(item: Item, status: ItemStatus, ctx: Context) -> Iterator[Finding]:
    if status.overdue:
        yield Finding(
            item.file, item.line_of("deadline" if "deadline" in item.lines else "assigned"), CODE,
            f"已超期 {status.days_overdue} 天：办结期限 {status.effective_deadline}，至 {status.as_of} 仍未办结。"
            "承办单位应尽快办结并报告；确有困难的，应说明原因并申请延期。",
            item=item.id,
        )
