"""`missing_deadline`: categories without a default period need a `deadline`.

Meeting decisions, leaders' instructions and research items, NPC standing
committee reviews and central work are "限时办结": the assigning document
sets the date (docs/rules.md §1).

FAIL: `category: leader_instruction` with no `deadline:`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import ERROR, Finding
from ..model import CATEGORIES

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..evaluate import ItemStatus
    from ..model import Item
    from . import Context

CODE = "missing_deadline"
SCOPE = "item"
NEEDS_AS_OF = False
SEVERITY = ERROR
TITLE = "缺少办结期限"
SECTION = "1"  # the section of docs/rules.md that explains the computation
EXPLANATION = (
    "会议决定事项、领导批示件和交办事项、领导调研明确事项、"
    "人大常委会审议意见和阶段性中心工作没有默认期限（“限时办结”，日期由交办文件确定），"
    "必须写明 `deadline`。"
)


def check(item: Item, status: ItemStatus, ctx: Context) -> Iterator[Finding]:
    category = CATEGORIES[item.category]
    if item.deadline is None and category.default is None:
        yield Finding(
            item.file, item.line_of("category"), CODE,
            f"类别“{category.name}”没有默认期限，必须写明办结期限：请按交办文件加一行 deadline: YYYY-MM-DD。",
            item=item.id,
        )
