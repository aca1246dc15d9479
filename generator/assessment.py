"""Per-unit assessment scores for a period (§5.3: 目标管理考核、效能考评).

score = base + on_time_completion × (on-time completions ÷ completions in the
period) + Σ count × weight over: days overdue at the period's end, urges,
level-1 and level-2 circulars, transfers, and items missing a monthly
report at the period's end; never below 0. The weights are declared in
`ledger.yaml` under `assessment:`; `DEFAULT_WEIGHTS` are used otherwise.

Each unit's netizen messages completed in the period's months, and how many
of them were reviewed, are shown beside the score (not scored: the review
is the office's duty), on the same base as `review_rate_low` and
`ducha sample` (`sample.review_base`, docs/rules.md §5).
"""
from __future__ import annotations

from dataclasses import dataclass

from .calendar import WorkingCalendar
from .evaluate import evaluate
from .model import Item, LedgerConfig, events_in, is_criticism
from .reports import Period
from .sample import review_base

DEFAULT_WEIGHTS: dict[str, float] = {
    "base": 80.0,
    "on_time_completion": 20.0,
    "overdue_day": -0.1,
    "urge": -1.0,
    "circular_1": -2.0,
    "circular_2": -5.0,
    "transfer": -10.0,
    "late_report": -1.0,
}
WEIGHT_NAMES = {
    "base": "基础分", "on_time_completion": "按时办结率（乘以办结率）", "overdue_day": "每个超期日",
    "urge": "每次催办", "circular_1": "每次督查室通报", "circular_2": "每次政府办公室通报",
    "transfer": "每次移交问责", "late_report": "每个缺报月报的事项",
}
COUNTS = ("overdue_day", "urge", "circular_1", "circular_2", "transfer", "late_report")


@dataclass
class UnitScore:
    unit: str
    name: str
    completed: int = 0
    on_time: int = 0
    overdue_day: int = 0
    urge: int = 0
    circular_1: int = 0
    circular_2: int = 0
    transfer: int = 0
    late_report: int = 0
    score: float = 0.0
    netizen_completed: int = 0  # the review base (docs/rules.md §5), not scored
    netizen_reviewed: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.completed if self.completed else None


def weights_for(config: LedgerConfig) -> dict[str, float]:
    return {**DEFAULT_WEIGHTS, **(config.assessment_weights or {})}


def assess(items: list[Item], config: LedgerConfig, period: Period,
           calendar: WorkingCalendar | None = None) -> list[UnitScore]:
    """Scores of every non-office unit for `period`, highest first."""
    calendar = calendar or WorkingCalendar.for_ledger(config)
    weights = weights_for(config)
    scores = {u.id: UnitScore(u.id, u.short or u.name) for u in config.units.values() if u.role != "office"}
    for item in items:
        if item.assigned > period.end or item.lead_unit not in scores:
            continue
        s = scores[item.lead_unit]
        status = evaluate(item, period.end, calendar)
        if status.completed_on and period.start <= status.completed_on <= period.end:
            s.completed += 1
            s.on_time += not status.completed_late
        s.overdue_day += status.days_overdue
        s.late_report += status.report_missing
        for e in events_in(status.events, period.start, period.end):
            s.urge += e.type == "urge"
            if is_criticism(e):
                s.circular_1 += e.level == 1
                s.circular_2 += e.level == 2
            s.transfer += e.type == "transfer"
    first, last = period.start.strftime("%Y-%m"), period.end.strftime("%Y-%m")
    for c in review_base(items, period.end):
        s = scores.get(c.item.lead_unit)
        if s is not None and first <= c.month <= last:
            s.netizen_completed += 1
            s.netizen_reviewed += c.reviewed
    for s in scores.values():
        rate = s.on_time_rate if s.on_time_rate is not None else 1.0  # nothing to complete: no loss
        total = weights["base"] + weights["on_time_completion"] * rate
        total += sum(getattr(s, key) * weights[key] for key in COUNTS)
        s.score = round(max(0.0, total), 1)
    return sorted(scores.values(), key=lambda s: (-s.score, s.unit))


def ranks(scores: list[UnitScore]) -> list[int]:
    """Competition ranks of scores sorted highest first: equal scores share a
    rank and the next one skips (100, 95, 95, 90 -> 1, 2, 2, 4)."""
    out: list[int] = []
    for n, s in enumerate(scores):
        out.append(out[-1] if n and s.score == scores[n - 1].score else n + 1)
    return out


def scores_xlsx(scores: list[UnitScore], period: Period, config: LedgerConfig, path) -> None:
    """The score table as an Excel workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "单位考核得分"
    from .excel import fit_row_heights, print_setup, texts_as_strings

    # The unit's code is in the last column, for programs; the printed area ends before it.
    headers = ["排名", "单位", "得分", "办结", "按时办结", "超期天数", "催办", "督查室通报", "政府办通报", "移交", "缺报月报",
               "单位编号"]
    ws.append([f"{config.name}：{period.title}督查考核得分"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for rank, s in zip(ranks(scores), scores):
        ws.append([rank, s.name, s.score, s.completed, s.on_time, s.overdue_day, s.urge, s.circular_1,
                   s.circular_2, s.transfer, s.late_report, s.unit])
    for n, width in enumerate([6, 24, 8, 6, 9, 9, 6, 11, 11, 6, 9, 10], start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:L{ws.max_row}"
    fit_row_heights(ws, first_row=2)
    print_setup(ws, title_rows="1:2", columns=len(headers) - 1)
    weights = wb.create_sheet("计分方法")
    weights.append(["项目", "分值"])
    weights["A1"].font = weights["B1"].font = Font(bold=True)
    for key, value in weights_for(config).items():
        weights.append([WEIGHT_NAMES[key], value])
    weights.column_dimensions["A"].width = 30
    weights.freeze_panes = "A2"
    print_setup(weights, title_rows="1:1")

    texts_as_strings(wb)  # a unit name like "=HYPERLINK(...)" stays text
    try:
        wb.save(path)
    except OSError as err:  # a missing folder, no permission: a Chinese error, never a traceback
        from .gongwen import DocumentWriteFailed

        raise DocumentWriteFailed(path, err) from None
