"""`review_rate_low`: fewer than 30% of a month's netizen messages verified.

"严格复核上报的办理结果，复核率应在 30%以上" (实施意见三、(七)). For each calendar
month that has ended by `as_of`, of the netizen messages with a completion
dated in that month (even if a later verification failed or the message was
returned), at least 30% must be marked for verification (`verify: true`, as
`ducha sample` proposes) or have a `verified` event, pass or fail, after
that completion. `ducha sample`, `ducha report` and `ducha assess` count
on the same base (`sample.review_base`).

FAIL: 10 completed in 2025-09, 2 marked for verification.
PASS: 3 completed in 2025-09, 1 verified afterwards with `result: fail`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import WARNING, Finding
from ..sample import month_review

if TYPE_CHECKING:
    from collections.abc import Iterator

    from . import Context

CODE = "review_rate_low"
SCOPE = "ledger"
NEEDS_AS_OF = True
SEVERITY = WARNING
TITLE = "复核率不足"
SECTION = "5"  # the section of docs/rules.md that explains the computation
EXPLANATION = (
    "依据：“严格复核上报的办理结果，复核率应在 30%以上”（三、(七)）。每个已经结束的自然月，"
    "办结日期在该月的网友留言中，"
    "标为 `verify: true` 或办结后有 `verified` 记录（不论通过与否）"
    "的少于 30% 时提示。`ducha sample` 列出还需抽取复核的留言。"
)


def check(ctx: Context) -> Iterator[Finding]:
    for review in month_review(ctx.items, ctx.as_of):
        if review.closed_month and review.completed and not review.rate_met:
            yield Finding(
                None, None, CODE,
                f"{review.month} 办结的网友留言 {review.completed} 件，复核 {review.reviewed} 件，"
                f"复核率 {review.rate:.0%}，低于 30%（至少需 {review.required} 件）。"
                f"请运行 ducha sample --month {review.month} 抽取复核事项。",
            )
