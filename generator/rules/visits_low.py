"""`visits_low`: a leader led fewer than 2 supervision visits in a month.

"各级政府领导同志每月要开展 2 次以上带队督查" (实施意见四、(一)). Counted from
`inspections/*.yaml`, for every complete month from `inspections_from` in
`ledger.yaml` (default: the month of the earliest recorded visit) up to
the month before `as_of`, for every leader in `leaders`.

FAIL: the mayor has one visit recorded in 2026-09.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from ..findings import WARNING, Finding

if TYPE_CHECKING:
    from collections.abc import Iterator

    from . import Context

CODE = "visits_low"
SCOPE = "ledger"
NEEDS_AS_OF = True
SEVERITY = WARNING
TITLE = "带队督查次数不足"
SECTION = "7"  # the section of docs/rules.md that explains the computation
EXPLANATION = (
    "依据：“各级政府领导同志每月要开展 2 次以上带队督查”（四、(一)）。"
    "从 `inspections_from`（默认最早一次督查所在月份）起，每个已经结束的月份里，"
    "`leaders` 中的领导在 `inspections/` 中记录的带队督查少于 2 次即提示。"
)
MINIMUM = 2


def months(first: dt.date, as_of: dt.date) -> Iterator[tuple[int, int]]:
    year, month = first.year, first.month
    while (year, month) < (as_of.year, as_of.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def check(ctx: Context) -> Iterator[Finding]:
    visits = ctx.inspections
    leaders = ctx.config.leaders
    if not leaders or not (visits or ctx.config.inspections_from):
        return
    first = ctx.config.inspections_from or min(v.date for v in visits)
    counted = Counter((v.leader, v.date.year, v.date.month) for v in visits if v.date <= ctx.as_of)
    for year, month in months(first, ctx.as_of):
        for leader in leaders.values():
            n = counted[(leader.id, year, month)]
            if n < MINIMUM:
                yield Finding(
                    None, None, CODE,
                    f"{leader.title or ''}{leader.name} {year}年{month}月带队督查 {n} 次，少于每月 2 次的要求。"
                    "如有遗漏，请在 inspections/ 下补充督查记录。",
                )
