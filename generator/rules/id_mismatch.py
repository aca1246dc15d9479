"""`id_mismatch`: the item's `id` must equal its file name without `.yaml`.

The id is how items link to each other, to pages and to Git history; a
file renamed without its id (or the reverse) breaks those links.

PASS: `items/2025/2025-0042.yaml` with `id: 2025-0042`.
FAIL: `items/2025/2025-0042.yaml` with `id: 2025-042`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import ERROR, Finding
from ..model import id_from_file

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..evaluate import ItemStatus
    from ..model import Item
    from . import Context

CODE = "id_mismatch"
SCOPE = "item"
NEEDS_AS_OF = False
SEVERITY = ERROR
TITLE = "编号与文件名不符"
SECTION = None  # no section of docs/rules.md beyond the list of rules
EXPLANATION = (
    "事项的 `id` 必须与文件名（不含 `.yaml`）相同。编号是事项之间、"
    "网站页面和 Git 历史相互链接的依据；只改了文件名或只改了编号，链接就会断开。请改正其中一个，使两者相同。"
)


def check(item: Item, status: ItemStatus, ctx: Context) -> Iterator[Finding]:
    stem = id_from_file(item.file)
    if item.id != stem:
        yield Finding(
            item.file, item.line_of("id"), CODE,
            f"编号 {item.id} 与文件名 {stem}.yaml 不一致。请把 id 改成 {stem}，"
            f"或把文件改名为 {item.id}.yaml（二者必须相同）。",
            item=item.id,
        )
