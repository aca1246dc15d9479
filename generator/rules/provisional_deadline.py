"""`provisional_deadline`: a computed date rests on a year with no official schedule.

The State Council publishes each year's holidays late in the previous
year. Until the installed `holidays` release or `ledger.yaml`
(`calendar.confirmed_years`) carries that year, a deadline or report date
counted through it is a guess and may move once the schedule is out.

FAIL (info): a netizen message assigned 2027-01-04 with no 2027 schedule.
"""
from ..findings import Finding

CODE = "provisional_deadline"
SCOPE = "item"
NEEDS_AS_OF = True


def _years(*dates):
    return "、".join(sorted({str(d.year) for d in dates}))


def check(item, status, ctx):
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
