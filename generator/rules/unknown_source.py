"""`unknown_source`: an item's `source_id` must name a decision in `sources/`.

PASS: `source_id: 2025-gzbg` where `sources/2025-gzbg.yaml` exists and reads.
FAIL: `source_id: 2025-gzb` (suggests the closest id, here `2025-gzbg`), or
a source file that cannot be read (its own findings say why).
"""
from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from ..findings import ERROR, Finding
from ..sources import SOURCES_DIR

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..evaluate import ItemStatus
    from ..model import Item
    from . import Context

CODE = "unknown_source"
SCOPE = "item"
NEEDS_AS_OF = False
SEVERITY = ERROR
TITLE = "决策部署不存在"
SECTION = None  # no section of docs/rules.md beyond the list of rules
EXPLANATION = (
    "事项的 `source_id`（决策部署）必须是 `sources/` 中一个可以读取的文件的名称（不含 .yaml），"
    "例如 `source_id: 2025-gzbg` 对应 `sources/2025-gzbg.yaml`。提示给出最接近的编号，"
    "或说明应先在 `sources/` 中建立这项决策部署（会议、文件、政府工作报告等）。"
)


def check(item: Item, status: ItemStatus, ctx: Context) -> Iterator[Finding]:
    if item.source_id is None or ctx.sources is None or item.source_id in ctx.sources:
        return
    close = difflib.get_close_matches(item.source_id, list(ctx.sources), n=1, cutoff=0.6)
    if close:
        hint = f"是不是想写 {close[0]}（{ctx.sources[close[0]].title}）？"
    else:
        hint = (f"请写 {SOURCES_DIR}/ 中已有的编号，或先建立 {SOURCES_DIR}/{item.source_id}.yaml"
                "（写明 id、title、kind、date）；若该文件已存在，请先修正其中报告的错误。")
    yield Finding(item.file, item.line_of("source_id"), CODE,
                  f"source_id（决策部署）{item.source_id} 在 {SOURCES_DIR}/ 中找不到。{hint}", item=item.id)
