"""`report_missing`: a monthly progress report is owed and late (docs/rules.md §3).

Items whose effective deadline lies more than a month after assignment
report every month until completion. "More than a month" compares the
deadline with the calendar date one month after assignment, before any
roll to a working day. The next report is due one month (a §3 period,
rolled to a working day) after the latest progress or completion report,
else after assignment.

FAIL: assigned 2025-02-20, last progress 2025-03-15, as of 2025-04-16
(report due 2025-04-15).
FAIL: assigned 2025-09-05, deadline 2025-10-08 (> 10-05), as of 2025-10-10
(report due 10-05, rolled past the National Day holiday to 2025-10-09).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import WARNING, Finding

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..evaluate import ItemStatus
    from ..model import Item
    from . import Context

CODE = "report_missing"
SCOPE = "item"
NEEDS_AS_OF = True
SEVERITY = WARNING
TITLE = "缺报月报"
SECTION = "3"  # the section of docs/rules.md that explains the computation
EXPLANATION = (
    "依据：“办理时限规定超过 1 个月的，由办理单位分月报告工作进展情况”（四、(四)）。"
    "有效期限比“交办日加 1 个月”（日历上的日期，不顺延）更晚的事项，每月报告一次进展，直到办结。"
    "下次报告的日期是最近一次进展或办结报告（没有时为交办日）加 1 个月，遇节假日顺延；"
    "`as_of` 晚于这一天即提示。"
)


def check(item: Item, status: ItemStatus, ctx: Context) -> Iterator[Finding]:
    if status.report_missing and status.next_report_due is not None:
        due = status.next_report_due.date
        yield Finding(
            item.file, item.line_of("events" if item.events else "assigned"), CODE,
            f"缺少月度进展报告：应在 {due} 前报告，至 {status.as_of} 已晚 {(status.as_of - due).days} 天。"
            "请承办单位补报进展（type: progress）。",
            item=item.id,
        )
