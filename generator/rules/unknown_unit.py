"""`unknown_unit`: lead and co-units must be units declared in `ledger.yaml`.

PASS: `lead_unit: zjj` where `ledger.yaml` lists `id: zjj`.
FAIL: `lead_unit: zj` (suggests the closest id, here `zjj`).
"""
import difflib

from ..findings import Finding

CODE = "unknown_unit"
SCOPE = "item"
NEEDS_AS_OF = False


def check(item, status, ctx):
    units = ctx.config.units
    named = [("lead_unit", item.lead_unit)] + [("co_units", u) for u in item.co_units]
    for key, unit in named:
        if unit in units:
            continue
        close = difflib.get_close_matches(unit, list(units), n=1, cutoff=0.5)
        hint = (f"是不是想写 {close[0]}（{units[close[0]].name}）？" if close
                else "请使用 ledger.yaml 中 units 已有的编号，或先在那里添加这个单位。")
        what = "主办单位" if key == "lead_unit" else "协办单位"
        yield Finding(item.file, item.line_of(key), CODE, f"{what} {unit} 不在 ledger.yaml 的单位名单中。{hint}", item=item.id)
