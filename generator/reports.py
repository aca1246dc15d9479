"""Supervision reports for a period: monthly (督查专报), quarterly (季通报), annual (年度).

A report is computed as of the period's last day from the same rules as
`ducha check`, and compared with the previous period of the same length.
Figures, per the whole ledger, per lead unit and per category:

- due: items whose effective deadline falls in the period;
- on time / late: completions dated in the period, on or before / after
  the effective deadline;
- overdue: items overdue on the period's last day;
- urges, circulars (criticism), transfers: events dated in the period;
- review: netizen messages completed in the period's months and how many
  were reviewed, on the same base as `review_rate_low` and `ducha sample`
  (`sample.month_review`, docs/rules.md §5).
"""
from __future__ import annotations

import calendar as _cal
import datetime as dt
import re
from dataclasses import dataclass, field

from . import loader
from .calendar import WorkingCalendar
from .evaluate import CLOSED, COMPLETED, effective_deadline, evaluate, item_deadline, item_state
from .model import CATEGORIES, MAX_YEAR, MIN_YEAR, Item, LedgerConfig, events_in, is_criticism
from .sample import MonthReview, month_review

# The title follows the period: "2025年9月督查专报", "2025年第3季度督查通报", "2025年督查工作报告".
KINDS = {"monthly": "督查专报", "quarterly": "督查通报", "annual": "督查工作报告"}
KIND_NAMES = {"monthly": "月度督查专报", "quarterly": "季度督查通报", "annual": "年度督查工作报告"}
METRICS = ("due", "on_time", "late", "overdue", "urges", "circulars", "transfers")
METRIC_NAMES = {"due": "到期", "on_time": "按时办结", "late": "逾期办结", "overdue": "超期未办结",
                "urges": "催办", "circulars": "通报", "transfers": "移交"}


@dataclass(frozen=True)
class Period:
    kind: str  # monthly, quarterly, annual
    start: dt.date
    end: dt.date
    label: str  # 2025-09, 2025Q3, 2025

    @property
    def title(self) -> str:
        if self.kind == "monthly":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarterly":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年"

    def previous(self) -> "Period":
        return _period_of(self.kind, self.start - dt.timedelta(days=1))


def _label(kind: str, day: dt.date) -> str:
    if kind == "monthly":
        return f"{day.year}-{day.month:02d}"
    if kind == "quarterly":
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def _period_of(kind: str, day: dt.date) -> Period:
    """The period of `kind` that contains `day`."""
    y = day.year
    if kind == "monthly":
        first, last = day.month, day.month
    elif kind == "quarterly":
        first = (day.month - 1) // 3 * 3 + 1
        last = first + 2
    else:
        first, last = 1, 12
    return Period(kind, dt.date(y, first, 1), dt.date(y, last, _cal.monthrange(y, last)[1]), _label(kind, day))


_PERIOD_FORMS = {
    "monthly": re.compile(r"([0-9]{4})-([0-9]{2})"),
    "quarterly": re.compile(r"([0-9]{4})Q([1-4])"),
    "annual": re.compile(r"([0-9]{4})"),
}


def parse_period(kind: str, text: str) -> Period:
    """`2025-09` (monthly), `2025Q3` (quarterly) or `2025` (annual), in the ledger's years.

    ASCII digits only, matched whole; a year outside MIN_YEAR–MAX_YEAR is
    refused like every ledger date, so no period nears the calendar's limits.
    """
    examples = {"monthly": "2025-09", "quarterly": "2025Q3", "annual": "2025"}
    m = _PERIOD_FORMS[kind].fullmatch(text) if kind in _PERIOD_FORMS else None
    if m is None or (kind == "monthly" and not 1 <= int(m[2]) <= 12):
        shown = loader.visible(text, newlines=False)[:40]
        raise ValueError(f"期间 {shown} 无效：{KIND_NAMES.get(kind, kind)}请写成 {examples.get(kind, '2025')} 这样的格式"
                         "（半角数字）")
    year = int(m[1])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"期间 {text} 无效：年份应在 {MIN_YEAR}–{MAX_YEAR} 之间，请核对年份")
    month = int(m[2]) * 3 if kind == "quarterly" else int(m[2]) if kind == "monthly" else 1
    return _period_of(kind, dt.date(year, month, 1))


def periods_until(kind: str, first: dt.date, as_of: dt.date) -> list[Period]:
    """Every complete period of `kind` from the one containing `first` up to `as_of`."""
    out = []
    period = _period_of(kind, first)
    while period.end < as_of:
        out.append(period)
        period = _period_of(kind, period.end + dt.timedelta(days=1))
    return out


@dataclass
class Figures:
    due: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    urges: int = 0
    circulars: int = 0
    transfers: int = 0

    def add(self, other: "Figures") -> None:
        for m in METRICS:
            setattr(self, m, getattr(self, m) + getattr(other, m))


@dataclass
class Report:
    period: Period
    ledger_name: str
    total: Figures
    previous: Figures
    by_unit: dict[str, Figures]
    by_category: dict[str, Figures]
    unit_names: dict[str, str]
    overdue_items: list[tuple[Item, int, dt.date]] = field(default_factory=list)  # item, days overdue, deadline
    review: list[MonthReview] = field(default_factory=list)  # netizen messages per month of the period
    sources: list = field(default_factory=list)  # source_report.SourceSection per source active in the period

    @property
    def review_completed(self) -> int:
        return sum(r.completed for r in self.review)

    @property
    def review_reviewed(self) -> int:
        return sum(r.reviewed for r in self.review)

    def change(self, metric: str) -> int:
        return getattr(self.total, metric) - getattr(self.previous, metric)


# Evaluations kept per day in a shared cache: a report and the one after it
# share a day (this period's end is the next one's "previous"); older days
# are dropped so a site of many reports does not hold every evaluation.
_CACHE_DAYS = 3


def _status(item: Item, day: dt.date, calendar: WorkingCalendar, cache: dict | None):
    if cache is None:
        return evaluate(item, day, calendar)
    per_day = cache.get(day)
    if per_day is None:
        while len(cache) >= _CACHE_DAYS:
            cache.pop(next(iter(cache)))
        per_day = cache[day] = {}
    found = per_day.get(item.id)
    if found is None:
        found = per_day[item.id] = evaluate(item, day, calendar)
    return found


class FiguresCache:
    """What each item adds to a period's report, kept between builds in the user's cache folder.

    An item's figures for a period and its overdue status on the period's
    last day are a function of the item, the period, the working calendar
    and ducha's code only (`_row`). So they are kept per item (by a digest
    of every field of the parsed item, `cache.Digester`) and per period (its
    first and last day); the file as a whole is keyed by ducha's code and
    the ledger's settings (the calendar comes from them), and signed
    (`cache.Store`): an entry that was not written by this user's ducha, or
    was edited, is refused like a missing one, and the figures are computed
    again. A changed item has a new digest, a new as-of day new periods;
    only those are computed. Saved when new rows were computed; rows of
    items no longer in the ledger are dropped then."""

    NAME = "report-figures.json"
    KIND = "report-figures"

    def __init__(self, root, config: LedgerConfig, enabled: bool = True) -> None:
        import hashlib

        from .cache import Digester, Store, code_key

        self.store = Store(root, enabled)
        self.key = hashlib.sha256(f"{code_key()}|{Digester()(config)}".encode()).hexdigest()
        self.rows: dict[str, dict[str, list]] = {}
        self.evaluations: dict = {}  # `_status`'s cache for the rows computed in this run
        self.digests: dict[int, str] = {}
        self.items: dict[int, Item] = {}  # what `digests` is keyed by, kept alive
        # Per run, by id of objects kept alive in `items`/`lists`: each item's rows and base deadline,
        # each period's rows and sums over an item list (the reports of a site share many periods).
        self.per_item: dict[int, dict] = {}
        self.bases: dict[int, dt.date | None] = {}
        self.lists: dict[int, list] = {}
        self.period_rows_memo: dict[tuple[int, str], list] = {}
        self.totals_memo: dict[tuple[int, str], tuple] = {}
        self.changed = False
        self.loaded = False
        if self.store.enabled:
            import json

            payload = self.store.load(self.NAME, self.KIND, self.key)
            try:
                rows = json.loads(payload) if payload else {}
                self.loaded = isinstance(rows, dict) and bool(rows)
                self.rows = rows if isinstance(rows, dict) else {}
            except ValueError:
                self.rows = {}

    def _digest(self, item: Item) -> str:
        found = self.digests.get(id(item))
        if found is None:
            from .cache import Digester

            found = self.digests[id(item)] = Digester(memo_depth=1)(item)
            self.items[id(item)] = item
        return found

    def row(self, item: Item, period: Period, calendar: WorkingCalendar, where: str | None = None) -> list:
        """[due, on_time, late, overdue, urges, circulars, transfers, days overdue, effective deadline].

        `where`: the period's key, "start/end" (given by callers that look up many items)."""
        key = id(item)
        per_item = self.per_item.get(key)
        if per_item is None:
            if self.store.enabled:
                per_item = self.rows.setdefault(self._digest(item), {})
            else:  # nothing is saved: no digest needed
                per_item = {}
                self.items[key] = item
            self.per_item[key] = per_item
        if where is None:
            where = f"{period.start.isoformat()}/{period.end.isoformat()}"
        found = per_item.get(where)
        if not (isinstance(found, list) and len(found) == 9):
            base = self.bases.get(key, False)
            if base is False:
                deadline = item_deadline(item, calendar)
                base = self.bases[key] = deadline.date if deadline else None
            found = per_item[where] = _fast_row(item, period, base)
            self.changed = True
        return found

    def period_rows(self, items: list[Item], period: Period, calendar: WorkingCalendar) -> list[tuple[Item, list]]:
        """(item, row) for every item of `items` assigned by the period's end, once per list and period."""
        key = (id(items), f"{period.start.isoformat()}/{period.end.isoformat()}")
        found = self.period_rows_memo.get(key)
        if found is None:
            self.lists[id(items)] = items
            end = period.end
            row, where = self.row, key[1]
            found = self.period_rows_memo[key] = [(item, row(item, period, calendar, where))
                                                  for item in items if item.assigned <= end]
        return found

    def sums(self, items: list[Item], period: Period, calendar: WorkingCalendar) -> tuple:
        """(total, by unit, by category) as lists of the seven metrics, once per list and period."""
        key = (id(items), f"{period.start.isoformat()}/{period.end.isoformat()}")
        found = self.totals_memo.get(key)
        if found is None:
            found = self.totals_memo[key] = _sum_rows(self.period_rows(items, period, calendar))
        return found

    def figures(self, item: Item, period: Period, calendar: WorkingCalendar) -> Figures:
        return Figures(**dict(zip(METRICS, self.row(item, period, calendar)[:7], strict=True)))

    def overdue(self, item: Item, period: Period, calendar: WorkingCalendar) -> tuple[int, dt.date | None] | None:
        """(days overdue, effective deadline) on the period's last day, or None when not overdue."""
        row = self.row(item, period, calendar)
        return (row[7], dt.date.fromisoformat(row[8]) if row[8] else None) if row[3] else None

    def save(self) -> None:
        if not (self.changed and self.store.enabled):
            return
        import json

        current = set(self.digests.values())
        rows = {k: v for k, v in self.rows.items() if k in current}
        self.store.store(self.NAME, self.KIND, self.key, json.dumps(rows, separators=(",", ":")).encode())


def _row(item: Item, period: Period, calendar: WorkingCalendar, cache: dict) -> list:
    f = _figures(item, period, calendar, cache)
    status = _status(item, period.end, calendar, cache)
    deadline = status.effective_deadline
    return [*(getattr(f, m) for m in METRICS), status.days_overdue if status.overdue else 0,
            deadline.isoformat() if status.overdue and deadline else None]


def _figures(item: Item, period: Period, calendar: WorkingCalendar, cache: dict | FiguresCache | None = None) -> Figures:
    if isinstance(cache, FiguresCache):
        return cache.figures(item, period, calendar)
    status = _status(item, period.end, calendar, cache)
    f = Figures()
    deadline = status.effective_deadline
    if deadline and period.start <= deadline <= period.end:
        f.due = 1
    done = status.completed_on
    if done and period.start <= done <= period.end:
        if deadline and done > deadline:
            f.late = 1
        else:
            f.on_time = 1
    f.overdue = int(status.overdue)
    for e in events_in(status.events, period.start, period.end):
        f.urges += e.type == "urge"
        f.circulars += is_criticism(e)
        f.transfers += e.type == "transfer"
    return f


def _totals(items: list[Item], period: Period, calendar: WorkingCalendar, cache: dict | FiguresCache | None = None):
    if isinstance(cache, FiguresCache):
        return _totals_of_rows(items, period, calendar, cache)
    total, by_unit, by_category = Figures(), {}, {}
    for item in items:
        if item.assigned > period.end:
            continue
        f = _figures(item, period, calendar, cache)
        total.add(f)
        by_unit.setdefault(item.lead_unit, Figures()).add(f)
        by_category.setdefault(item.category, Figures()).add(f)
    return total, by_unit, by_category


def _sum_rows(rows: list[tuple[Item, list]]) -> tuple:
    zero = [0] * 7
    total: list[int] = [0] * 7
    by_unit: dict[str, list[int]] = {}
    by_category: dict[str, list[int]] = {}
    for item, row in rows:
        unit = by_unit.get(item.lead_unit)
        if unit is None:
            unit = by_unit[item.lead_unit] = [0] * 7
        category = by_category.get(item.category)
        if category is None:
            category = by_category[item.category] = [0] * 7
        values = row[:7]
        if values == zero:
            continue
        for k, v in enumerate(values):
            if v:
                total[k] += v
                unit[k] += v
                category[k] += v
    return total, by_unit, by_category


def _totals_of_rows(items: list[Item], period: Period, calendar: WorkingCalendar, cache: FiguresCache):
    """`_totals` from the cached rows: the same sums, without a `Figures` per item."""
    total, by_unit, by_category = cache.sums(items, period, calendar)

    def figures(values: list) -> Figures:
        return Figures(**dict(zip(METRICS, values, strict=True)))

    return (figures(total), {u: figures(v) for u, v in by_unit.items()},
            {c: figures(v) for c, v in by_category.items()})


def _fast_row(item: Item, period: Period, base: dt.date | None) -> list:
    """`_row` from the parts of `evaluate` a report reads (the same functions): `base` is the item's deadline."""
    start, end = period.start, period.end
    events = [e for e in item.events if e.date <= end]
    effective = effective_deadline(base, events)
    state, completed_on = item_state(item, events)
    overdue = effective is not None and state not in (COMPLETED, CLOSED) and end > effective
    due = 1 if effective and start <= effective <= end else 0
    on_time = late = 0
    if completed_on and start <= completed_on <= end:
        if effective and completed_on > effective:
            late = 1
        else:
            on_time = 1
    urges = circulars = transfers = 0
    for e in events:
        if start <= e.date:
            urges += e.type == "urge"
            circulars += is_criticism(e)
            transfers += e.type == "transfer"
    if overdue and effective is not None:
        return [due, on_time, late, 1, urges, circulars, transfers, (end - effective).days, effective.isoformat()]
    return [due, on_time, late, 0, urges, circulars, transfers, 0, None]


def build_report(items: list[Item], config: LedgerConfig, period: Period,
                 calendar: WorkingCalendar | None = None, cache: dict | FiguresCache | None = None) -> Report:
    """The report for `period`, computed as of its last day.

    `cache`: evaluations by day and item, shared between reports whose
    periods end on the same days (a site builds many); or a `FiguresCache`,
    which also keeps each item's figures between builds.
    """
    calendar = calendar or WorkingCalendar.for_ledger(config)
    total, by_unit, by_category = _totals(items, period, calendar, cache)
    previous, _, _ = _totals(items, period.previous(), calendar, cache)
    overdue = []
    if isinstance(cache, FiguresCache):
        for item, row in cache.period_rows(items, period, calendar):
            if row[3]:
                overdue.append((item, row[7], dt.date.fromisoformat(row[8]) if row[8] else None))
    else:
        for item in items:
            if item.assigned > period.end:
                continue
            status = _status(item, period.end, calendar, cache)
            if status.overdue:
                overdue.append((item, status.days_overdue, status.effective_deadline))
    overdue.sort(key=lambda t: (-t[1], t[0].id))
    names = {u.id: u.short or u.name for u in config.units.values()}
    first, last = period.start.strftime("%Y-%m"), period.end.strftime("%Y-%m")
    review = [r for r in month_review(items, period.end) if first <= r.month <= last]
    return Report(period, config.name, total, previous,
                  dict(sorted(by_unit.items())), {c: by_category[c] for c in CATEGORIES if c in by_category},
                  names, overdue, review)


def report_json(report: Report) -> dict:
    def figs(f: Figures) -> dict:
        return {m: getattr(f, m) for m in METRICS}

    return {
        "kind": report.period.kind, "period": report.period.label,
        "start": report.period.start.isoformat(), "end": report.period.end.isoformat(),
        "total": figs(report.total), "previous": figs(report.previous),
        "change": {m: report.change(m) for m in METRICS},
        "by_unit": {u: figs(f) for u, f in report.by_unit.items()},
        "by_category": {c: figs(f) for c, f in report.by_category.items()},
        "overdue_items": [{"id": i.id, "title": i.title, "lead_unit": i.lead_unit, "days_overdue": d,
                           "deadline": dl.isoformat()} for i, d, dl in report.overdue_items],
        "review": {
            "completed": report.review_completed, "reviewed": report.review_reviewed,
            "months": [{"month": r.month, "completed": r.completed, "reviewed": r.reviewed,
                        "required": r.required, "rate": round(r.rate, 4), "rate_met": r.rate_met}
                       for r in report.review],
        },
        "sources": [s.to_dict() for s in report.sources],
    }


def review_text(report: Report) -> str:
    """One sentence on the netizen-message review of the period (docs/rules.md §5)."""
    done, reviewed = report.review_completed, report.review_reviewed
    low = [r.month for r in report.review if not r.rate_met]
    text = f"本期办结的网友留言 {done} 件，复核 {reviewed} 件，复核率 {reviewed / done if done else 1:.0%}"
    return text + (f"；{'、'.join(low)} 低于 30%。" if low else "，每月均达到 30%。")


def report_docx(report: Report, path) -> None:
    """The report as a Word document in the national layout for official documents (GB/T 9704, `gongwen`)."""
    from .gongwen import GongwenDocument

    doc = GongwenDocument(f"{report.period.title}{KINDS[report.period.kind]}",
                          subtitle=f"{report.ledger_name}　　数据截至 {report.period.end.isoformat()}")
    t = report.total
    doc.heading("总体情况")
    doc.paragraph(
        f"本期到期事项 {t.due} 项；按时办结 {t.on_time} 项，逾期办结 {t.late} 项；期末超期未办结 {t.overdue} 项。"
        f"本期催办 {t.urges} 次，通报 {t.circulars} 次，移交 {t.transfers} 次。")
    if report.review:
        doc.paragraph(review_text(report))
    doc.heading("与上期比较")
    doc.table(["指标", "本期", "上期", "增减"],
              [[METRIC_NAMES[m], getattr(t, m), getattr(report.previous, m), f"{report.change(m):+d}"] for m in METRICS])
    doc.heading("分单位情况")
    doc.table(["单位", *[METRIC_NAMES[m] for m in METRICS]],
              [[report.unit_names.get(u, u), *[getattr(f, m) for m in METRICS]] for u, f in report.by_unit.items()])
    doc.heading("分类别情况")
    doc.table(["类别", *[METRIC_NAMES[m] for m in METRICS]],
              [[CATEGORIES[c].name, *[getattr(f, m) for m in METRICS]] for c, f in report.by_category.items()])
    doc.heading("超期未办结事项")
    if report.overdue_items:
        doc.table(["编号", "事项", "主办单位", "办结期限", "超期天数"],
                  [[i.id, i.title, report.unit_names.get(i.lead_unit, i.lead_unit), dl.isoformat(), d]
                   for i, d, dl in report.overdue_items])
    else:
        doc.paragraph("无。")
    if report.sources:  # issue 17: the decisions whose tasks were under way in the period
        doc.heading("重大决策部署落实情况")
        doc.table(["决策部署", "分解任务", "累计办结", "本期办结", "期末超期"],
                  [[s.title, s.total, s.done, s.completed, s.overdue] for s in report.sources])
    doc.save(path)
