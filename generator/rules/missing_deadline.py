"""`missing_deadline`: categories without a default period need a `deadline`.

Meeting decisions, leaders' instructions and research items, NPC standing
committee reviews and central work are "限时办结": the assigning document
sets the date (RULES.md §2).

FAIL: `category: leader_instruction` with no `deadline:`.
"""
from ..findings import Finding
from ..model import CATEGORIES

CODE = "missing_deadline"
SCOPE = "item"
NEEDS_AS_OF = False


def check(item, status, ctx):
    category = CATEGORIES[item.category]
    if item.deadline is None and category.default is None:
        yield Finding(
            item.file, item.line_of("category"), CODE,
            f"类别“{category.name}”没有默认期限，必须写明办结期限：请按交办文件加一行 deadline: YYYY-MM-DD。",
            item=item.id,
        )
