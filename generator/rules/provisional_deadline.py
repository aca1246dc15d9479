"""`provisional_deadline`: a computed date rests on a year with no official schedule.

The State Council publishes each year's holidays late in the previous
year. Until the installed `holidays` release or `ledger.yaml`
(`calendar.confirmed_years`) carries that year, a deadline or report date
counted through it is a guess and may move once the schedule is out.

FAIL (info): a netizen message assigned 2027-01-04 with no 2027 schedule.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import INFO, Finding

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator

    from ..evaluate import ItemStatus
    from ..model import Item
    from . import Context

CODE = "provisional_deadline"
SCOPE = "item"
NEEDS_AS_OF = True
SEVERITY = INFO
TITLE = "期限按推定日历计算"
SECTION = "1"  # the section of docs/rules.md that explains the computation
EXPLANATION = (
    "国务院办公厅每年年底才公布下一年的放假安排。推算出的期限、"
    "最长时限或月报日期用到了尚未确认的年份（安装的 holidays 版本和 `ledger.yaml` 的 `calendar.confirmed_years` 都没有该年）"
    "时提示：这个日期是推算的，放假安排公布后可能改变。在 `calendar` 中补充放假日、调休上班日，"
    "并把年份写入 `confirmed_years`，提示即消除。"
)


def _years(*dates: dt.date) -> str:
    return "、".join(sorted({str(d.year) for d in dates}))


def check(item: Item, status: ItemStatus, ctx: Context) -> Iterator[Finding]:
    base, hard, report = status.base_deadline, status.hard_deadline, status.next_report_due
    advice = ("待国务院办公厅公布该年放假安排后，请升级 holidays 或在 ledger.yaml 的 calendar 中"
              "补充放假日、调休上班日并把年份加入 confirmed_years。")
    if base and base.provisional and item.deadline is None:
        yield Finding(item.file, item.line_of("category"), CODE,
                      f"默认期限 {base.date} 按 {_years(base.date)} 年的推定日历计算，尚未确认。{advice}", item=item.id)
    if hard and hard.provisional:
        yield Finding(item.file, item.line_of("assigned"), CODE,
                      f"最长办理时限 {hard.date} 按 {_years(hard.date)} 年的推定日历计算，尚未确认。{advice}", item=item.id)
    if report and report.provisional:
        yield Finding(item.file, item.line_of("events" if item.events else "assigned"), CODE,
                      f"下次月报日期 {report.date} 按 {_years(report.date)} 年的推定日历计算，尚未确认。{advice}", item=item.id)
