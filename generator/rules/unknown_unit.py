"""`unknown_unit`: lead and co-units must be units declared in `ledger.yaml`.

PASS: `lead_unit: zjj` where `ledger.yaml` lists `id: zjj`.
FAIL: `lead_unit: zj` (suggests the closest id, here `zjj`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import ERROR, Finding
from ..names import UnknownName, resolve, suggest, unit_choices

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..evaluate import ItemStatus
    from ..model import Item, LedgerConfig
    from . import Context

CODE = "unknown_unit"
SCOPE = "item"
NEEDS_AS_OF = False
SEVERITY = ERROR
TITLE = "单位不存在"
SECTION = None  # no section of docs/rules.md beyond the list of rules
EXPLANATION = (
    "`lead_unit`（主办单位）和 `co_units`（协办单位）"
    "必须是 `ledger.yaml` 的 `units` 中登记的单位编号，"
    "`people` 中人员的单位也是如此。提示给出最接近的编号（例如把 `zj` 写成了 `zjj`），"
    "或说明应先在 `units` 中添加这个单位。"
)


def check(item: Item, status: ItemStatus, ctx: Context) -> Iterator[Finding]:
    units = ctx.config.units
    named = [("lead_unit", item.lead_unit)] + [("co_units", u) for u in item.co_units]
    for key, unit in named:
        if unit in units:
            continue
        hint = _hint(unit, ctx.config)
        what = "主办单位" if key == "lead_unit" else "协办单位"
        yield Finding(item.file, item.line_of(key), CODE, f"{what} {unit} 不在 ledger.yaml 的单位名单中。{hint}", item=item.id)


def _hint(unit: str, config: LedgerConfig) -> str:
    """The code a name such as 住建局 stands for, or the closest codes and names."""
    choices = unit_choices(config)
    try:
        code = resolve(unit, choices, "单位", units=True)
        return f"是不是想写 {code}（{config.units[code].name}）？文件中请写单位编号。"
    except UnknownName:
        close = suggest(unit, choices, units=True, n=1)
    if close:
        return f"是不是想写 {close[0].code}（{close[0].name}）？"
    return "请使用 ledger.yaml 中 units 已有的编号，或先在那里添加这个单位。"
