"""What the sites show, computed in Python (templates only lay it out).

`site_data(result, config, audience)` turns a `CheckResult` into plain view
objects. For the public audience this is also where "public means public
only" is enforced: non-public items, internal fields and internal events
never enter the view, so no template can leak them.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .. import privacy
from ..check import CheckResult
from ..evaluate import (
    CLOSED,
    COMPLETED,
    DUE_SOON_DAYS,
    ESCALATION_ACTION_NAMES,
    IN_PROGRESS,
    NOT_STARTED,
    STATE_NAMES,
    ItemStatus,
    traffic_light,
)
from ..findings import Finding
from ..model import (
    CATEGORIES,
    EVENT_TYPES,
    Event,
    Item,
    LedgerConfig,
    circular_kind,
    is_praise,
    is_public_event,  # noqa: F401 - docs/rules.md §10, shared with the personal_data rule
)

PUBLIC = "public"
INTERNAL = "internal"
STATES = (NOT_STARTED, IN_PROGRESS, COMPLETED, CLOSED)
# Event types that enter the daily assessment ledger (日常考核工作台账).
ASSESSMENT_TYPES = ("urge", "returned", "leader_demand", "circular", "transfer")

LIGHTS = {"red": "超期", "yellow": "临近期限", "green": "正常", "done": "已落实",
          "escalated": "待督办"}  # internal only: an escalation's follow-up is pending (desk.py)


@dataclass
class EventView:
    date: dt.date
    type: str
    type_name: str
    text: str | None
    detail: str | None  # new deadline, verification result, circular level
    note: str | None = None  # internal only
    by: str | None = None  # internal only
    public: bool = True
    praise: bool = False  # a praising circular: no follow-up, not in the assessment ledger


# Fields whose changes the public revision history ("修订记录") shows.
PUBLIC_FIELDS = ("title", "category", "source", "description", "assigned", "lead_unit", "co_units", "deadline")


@dataclass
class Revision:
    date: dt.date
    lines: list[str]  # what changed, in Chinese
    commit: str | None = None  # internal only
    author: str | None = None  # internal only


@dataclass
class ItemView:
    id: str
    title: str
    category: str
    category_name: str
    source: str | None
    description: str | None
    assigned: dt.date
    lead_unit: str
    lead_unit_name: str
    co_units: list[tuple[str, str]]
    deadline: dt.date | None
    hard_deadline: dt.date | None
    state: str
    state_name: str
    light: str
    light_name: str
    overdue: bool
    days_overdue: int
    completed_on: dt.date | None
    completed_late: bool
    last_updated: dt.date
    events: list[EventView]
    public: bool
    # Internal only (None / empty on the public site):
    contact: str | None = None
    note: str | None = None
    requester: str | None = None
    next_report_due: dt.date | None = None
    report_missing: bool = False
    escalation_level: int = 0
    pending: list[tuple[int, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)
    signals: list = field(default_factory=list)  # internal only: integrity signals naming it (generator.signals)
    source_id: str | None = None  # the decision it is a task of (sources/, issue 17)


@dataclass
class UnitStats:
    id: str
    name: str
    total: int = 0
    closed: int = 0
    open: int = 0
    overdue: int = 0
    due: int = 0  # items whose deadline has passed, or done
    on_time: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


@dataclass(frozen=True)
class UnitName:
    """How a unit is called: its full name, the short name people use, other names."""

    id: str
    name: str
    short: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The name for tight spaces (tables on a phone, calendar links)."""
        return self.short or self.name


@dataclass
class Circular:
    date: dt.date
    item_id: str
    item_title: str
    unit: str
    unit_name: str
    kind: str  # praise or criticism
    level: int | None
    text: str | None


@dataclass
class SiteData:
    audience: str
    ledger_name: str
    as_of: dt.date
    items: list[ItemView]
    units: list[UnitStats]
    by_state: dict[str, int]
    by_category: dict[str, int]
    overdue: int
    on_time_rate: float | None
    due: int
    on_time: int
    circulars: list[Circular]
    # Internal boards (empty on the public site):
    escalations: dict[int, list[ItemView]] = field(default_factory=dict)
    missing_reports: list[ItemView] = field(default_factory=list)
    upcoming: list[ItemView] = field(default_factory=list)
    assessment: dict[str, list[tuple[EventView, ItemView]]] = field(default_factory=dict)
    ledger_findings: list[Finding] = field(default_factory=list)
    reports: list = field(default_factory=list)  # reports.Report, newest first
    scores: dict = field(default_factory=dict)  # period label -> [assessment.UnitScore]
    weights: dict = field(default_factory=dict)
    visits: dict = field(default_factory=dict)  # leader id -> {"YYYY-MM": [Inspection]}
    leaders: dict = field(default_factory=dict)
    item_visits: dict = field(default_factory=dict)  # item id -> [Inspection]
    desk: object = None  # desk.Desk: 今日待办 and what staff need to act (internal only)
    unit_names: dict = field(default_factory=dict)  # unit id -> UnitName, every unit of ledger.yaml
    signals: object = None  # internal only: signals.PageView (the 真实性提示 page)
    sources: list = field(default_factory=list)  # source_views.SourceView, newest first (public sources only publicly)

    @property
    def public(self) -> bool:
        return self.audience == PUBLIC

    @property
    def item_ids(self) -> set[str]:
        return {v.id for v in self.items}


def _event_detail(event: Event) -> str | None:
    if event.type == "extension" and event.new_deadline:
        status = {True: "已批准", False: "未批准"}.get(event.approved, "待批")
        return f"新期限 {event.new_deadline}（{status}）"
    if event.type == "verified":
        return "复核通过" if event.result == "pass" else "复核未通过"
    if event.type == "circular":
        if is_praise(event):
            return "表扬"
        return {1: "督查室通报", 2: "市政府办公室通报"}.get(event.level, "通报")
    if event.type == "explanation" and event.accepted is not None:
        return "原因已采纳" if event.accepted else "原因未采纳"
    if event.type == "evaluation":
        parts = [event.evaluator, event.grade, f"{event.score:g} 分" if event.score is not None else None]
        return "，".join(p for p in parts if p)
    return None


def _item_view(item: Item, status: ItemStatus, config: LedgerConfig, audience: str,
               findings: list[Finding]) -> ItemView:
    internal = audience == INTERNAL
    events = [e for e in status.events if internal or is_public_event(e)]
    views = [EventView(e.date, e.type, EVENT_TYPES[e.type], e.text, _event_detail(e),
                       note=e.note if internal else None, by=e.by if internal else None,
                       public=is_public_event(e), praise=is_praise(e)) for e in events]
    unit_name = config.units.get(item.lead_unit)
    light = traffic_light(status)
    return ItemView(
        id=item.id, title=item.title, category=item.category, category_name=CATEGORIES[item.category].name,
        source=item.source, description=item.description, assigned=item.assigned,
        lead_unit=item.lead_unit, lead_unit_name=unit_name.name if unit_name else item.lead_unit,
        co_units=[(u, config.units[u].name if u in config.units else u) for u in item.co_units],
        deadline=status.effective_deadline,
        hard_deadline=status.hard_deadline.date if status.hard_deadline else None,
        state=status.state, state_name=STATE_NAMES[status.state], light=light, light_name=LIGHTS[light],
        overdue=status.overdue, days_overdue=status.days_overdue, completed_on=status.completed_on,
        completed_late=status.completed_late,
        last_updated=max([v.date for v in views], default=item.assigned),
        events=views, public=item.public,
        contact=item.contact if internal else None,
        note=item.note if internal else None,
        requester=item.requester if internal else None,
        next_report_due=status.next_report_due.date if internal and status.next_report_due else None,
        report_missing=status.report_missing if internal else False,
        escalation_level=status.escalation_level if internal else 0,
        pending=[(p.level, ESCALATION_ACTION_NAMES[p.level]) for p in status.escalation_pending] if internal else [],
        findings=findings if internal else [],
        source_id=item.source_id,
    )


def _is_due(status: ItemStatus, as_of: dt.date) -> bool:
    done = status.state in (COMPLETED, CLOSED)
    return done or bool(status.effective_deadline and as_of > status.effective_deadline)


def revisions(entries, audience: str, as_of: dt.date, units: dict | None = None) -> list[Revision]:
    """An item's Git history (`HistoryEntry`s, oldest first) for a site.

    Internally: everything. Publicly: nothing from before the item became
    public, and no names. The commit that made it public (or created it
    public) shows one line without the values it replaced; after that,
    changes to public fields made while it stayed public. A time spent
    non-public again is left out the same way.
    """
    from ..history import describe

    out = []
    for entry in entries:
        record, changes = entry.record, entry.changes
        if record.author_date.date() > as_of:
            continue
        if audience == INTERNAL:
            lines = [describe(c, units) for c in changes]
            out.append(Revision(record.author_date.date(), lines, record.sha[:10], record.who))
            continue
        if not entry.is_public:
            continue
        if not entry.was_public:
            created = any(c.kind == "item_created" for c in changes)
            lines = [ENTERED if created and entry.was_public is None else "事项向社会公开"]
        else:
            lines = [public_change(c, units or {}) for c in changes
                     if c.kind == "field_changed" and c.key in PUBLIC_FIELDS]
        if lines:
            out.append(Revision(record.author_date.date(), lines))
    return out


def site_data(result: CheckResult, config: LedgerConfig, audience: str, history: dict | None = None,
              inspections: list | None = None, hidden: set | None = None, sources: dict | None = None,
              figures_cache: object = None, reports: bool = True, signals: bool = True) -> SiteData:
    """The view of one site as of `result.as_of`.

    `history`: (file, item id) → [HistoryEntry]; `hidden`: (file, item id)
    of items kept off the public site (items with error findings);
    `figures_cache`: a `reports.FiguresCache` for the internal site's reports;
    `reports`, `signals`: False leaves the internal site's reports to
    `add_reports` and its signals to `add_signals` (the build computes them
    in a process beside the one that makes the view: `internal_extras`).
    """
    as_of = result.as_of
    internal = audience == INTERNAL
    hidden = hidden or set()
    by_item: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        if f.item:
            by_item[f.item].append(f)
    pairs = [(i, s) for i, s in result.items if internal or (i.public and (i.file, i.id) not in hidden)]
    items = [_item_view(i, s, config, audience, by_item.get(i.id, [])) for i, s in pairs]
    unit_labels = {u.id: u.short or u.name for u in config.units.values()}
    for (item, _), view in zip(pairs, items):
        view.revisions = revisions((history or {}).get((item.file, item.id), []), audience, as_of, unit_labels)

    units = {u.id: UnitStats(u.id, u.short or u.name) for u in config.units.values() if u.role != "office"}
    due = on_time = 0
    for (item, status), view in zip(pairs, items):
        stats = units.setdefault(item.lead_unit, UnitStats(item.lead_unit, view.lead_unit_name))
        stats.total += 1
        stats.closed += status.state == CLOSED
        stats.open += status.state in (NOT_STARTED, IN_PROGRESS)
        stats.overdue += status.overdue
        if _is_due(status, as_of):
            stats.due += 1
            due += 1
            if status.state in (COMPLETED, CLOSED) and not status.completed_late:
                stats.on_time += 1
                on_time += 1

    circulars = []
    for item, status in pairs:
        for e in status.events:
            if e.type == "circular" and (internal or is_public_event(e)):
                unit = config.units.get(item.lead_unit)
                circulars.append(Circular(e.date, item.id, item.title, item.lead_unit,
                                          unit.name if unit else item.lead_unit, circular_kind(e), e.level, e.text))
    circulars.sort(key=lambda c: (c.date, c.item_id), reverse=True)

    data = SiteData(
        audience=audience, ledger_name=config.name, as_of=as_of, items=items,
        units=sorted((u for u in units.values() if u.total), key=lambda u: u.id),
        by_state={s: sum(1 for v in items if v.state == s) for s in STATES},
        by_category={c: n for c in CATEGORIES if (n := sum(1 for v in items if v.category == c))},
        overdue=sum(1 for v in items if v.overdue),
        on_time_rate=on_time / due if due else None, due=due, on_time=on_time,
        circulars=circulars,
    )
    data.unit_names = unit_names(config)
    from .source_views import source_views

    data.sources = source_views(sources or {}, items, public=not internal)
    if internal:
        _internal_boards(data, pairs, result)
        _scores(data, result, config)
        if reports:
            add_reports(data, result, config, figures_cache)
        _visits(data, config, inspections or [])
        if signals:
            add_signals(data, internal_signals(result, config, as_of, history))
    else:
        # Issue 15, defence in depth: every public output (pages, search
        # index, CSV/JSON, feed, calendars, site name) is made from this
        # view, so personal information that passed the check (an error
        # built with --allow-errors, an old title in the revision history)
        # is masked here, once: 138****5678.
        privacy.mask_strings(data, config.privacy_allow)
    return data


# How many past periods the internal site reports on.
REPORT_PERIODS = {"monthly": 12, "quarterly": 4, "annual": 2}


def _scores(data: SiteData, result: CheckResult, config: LedgerConfig) -> None:
    """Each unit's annual scores (the desk shows them) and the weights they are made with."""
    from ..assessment import assess, weights_for
    from ..calendar import WorkingCalendar
    from ..reports import periods_until

    items = [i for i, _ in result.items]
    if not items:
        return
    first = min(i.assigned for i in items)
    calendar = WorkingCalendar.for_ledger(config)
    for period in reversed(periods_until("annual", first, data.as_of)[-REPORT_PERIODS["annual"]:]):
        data.scores[period.label] = assess(items, config, period, calendar)
    data.weights = weights_for(config)


def add_reports(data: SiteData, result: CheckResult, config: LedgerConfig, figures_cache: object = None) -> None:
    """The internal site's reports (`report_list`) added to its view."""
    data.reports.extend(report_list(result, config, data.as_of, figures_cache))


def report_list(result: CheckResult, config: LedgerConfig, as_of: dt.date, figures_cache: object = None) -> list:
    """The internal site's reports: the last 12 months, 4 quarters and 2 years, newest first by kind."""
    from ..calendar import WorkingCalendar
    from ..reports import FiguresCache, build_report, periods_until

    items = [i for i, _ in result.items]
    if not items:
        return []
    first = min(i.assigned for i in items)
    calendar = WorkingCalendar.for_ledger(config)
    # Without the user's cache, an unsaved one: each item's figures per period computed once for every report.
    cache: Any = figures_cache if figures_cache is not None else FiguresCache(None, config, enabled=False)
    reports = [build_report(items, config, period, calendar, cache)
               for kind, count in REPORT_PERIODS.items()
               for period in reversed(periods_until(kind, first, as_of)[-count:])]
    if figures_cache is not None:
        figures_cache.save()  # type: ignore[attr-defined]
    return reports


def internal_signals(result: CheckResult, config: LedgerConfig, as_of: dt.date, history: dict | None) -> tuple:
    """Integrity signals (issue 20), from the history the site already read: internal only.
    Returns (the 真实性提示 page's `signals.PageView`, {item id: [Signal]}) for `add_signals`: an item
    page shows its signals without their evidence, so they come without it (one copy per signal)."""
    from ..signals import page_view, records_from_histories, run_signals, shown_part, signals_by_item

    records = records_from_histories(history) if history else None
    items = [i for i, _ in result.items]
    found = run_signals(items, config, as_of, records=records)
    bare = {id(s): shown_part(s, 0) for s in found.signals}
    named = {item: [bare[id(s)] for s in signals] for item, signals in signals_by_item(found.signals).items()}
    return page_view(found, items, config, as_of), named


def add_signals(data: SiteData, signals: tuple) -> None:
    """The `internal_signals` on the view: its signals page and each item's own."""
    data.signals, named = signals
    for view in data.items:
        view.signals = named.get(view.id, [])


def _visits(data: SiteData, config: LedgerConfig, inspections: list) -> None:
    data.leaders = dict(config.leaders)
    for visit in sorted(inspections, key=lambda v: (v.date, v.file)):
        if visit.date > data.as_of:
            continue
        data.visits.setdefault(visit.leader, {}).setdefault(visit.date.strftime("%Y-%m"), []).append(visit)
        for item in visit.items:
            data.item_visits.setdefault(item, []).append(visit)


def _internal_boards(data: SiteData, pairs, result: CheckResult) -> None:
    views = {v.id: v for v in data.items}
    for level in (1, 2, 3):
        data.escalations[level] = [views[i.id] for i, s in pairs
                                   if any(p.level == level for p in s.escalation_pending)]
    data.missing_reports = sorted((v for v in data.items if v.report_missing), key=lambda v: v.next_report_due)
    horizon = data.as_of + dt.timedelta(days=DUE_SOON_DAYS)
    data.upcoming = sorted((v for v in data.items
                            if v.state in (NOT_STARTED, IN_PROGRESS) and v.deadline
                            and data.as_of <= v.deadline <= horizon), key=lambda v: (v.deadline, v.id))
    assessment: dict[str, list] = defaultdict(list)
    for view in data.items:
        for event in view.events:
            if event.type in ASSESSMENT_TYPES and not event.praise:
                assessment[view.lead_unit].append((event, view))
    data.assessment = {u: sorted(rows, key=lambda r: (r[0].date, r[1].id)) for u, rows in sorted(assessment.items())}
    data.ledger_findings = [f for f in result.findings if not f.item]


def counts_by(items: list[ItemView], key) -> dict[str, list[ItemView]]:
    """Group item views by `key(view)`, keeping item order."""
    groups: dict[str, list[ItemView]] = defaultdict(list)
    for v in items:
        groups[key(v)].append(v)
    return groups


# --- Public pages: overdue first, units as bulletins rank them ---------------------------------

# 修订记录: the first line of an item's history. Its date is the commit's, not
# the date the item was assigned (交办日期), which the item itself records.
ENTERED = "录入台账"


def public_change(change, unit_names: dict[str, str]) -> str:
    """A public field's change in plain Chinese: the field's name, units by name."""
    from ..model import ITEM_FIELDS
    from ..printers.changes import short_text

    spec = ITEM_FIELDS.get(change.key)
    old, new = change.old, change.new
    if change.key in ("lead_unit", "co_units"):
        old, new = (_unit_text(v, unit_names) for v in (old, new))
    return f"{spec.title if spec else change.key}：{short_text(old)} → {short_text(new)}"


def _unit_text(value, unit_names: dict[str, str]):
    """A unit id, or a YAML list of them as Git history shows it, with names for ids."""
    if not isinstance(value, str):
        return value
    parts = [p.strip() for p in value.strip().strip("[]").split(",")]
    if not all(p in unit_names for p in parts if p):
        return value
    return "、".join(unit_names[p] for p in parts if p)


def unit_names(config: LedgerConfig) -> dict[str, UnitName]:
    return {u.id: UnitName(u.id, u.name, u.short, tuple(u.aliases)) for u in config.units.values()}


def overdue_items(items: list[ItemView]) -> list[ItemView]:
    """The overdue items, longest overdue first."""
    return sorted((v for v in items if v.overdue), key=lambda v: (-v.days_overdue, v.deadline or dt.date.min, v.id))


def units_by_on_time_rate(units: list[UnitStats]) -> list[UnitStats]:
    """Units as supervision bulletins rank them: lowest on-time rate first, then
    the most overdue; units with nothing due yet last."""
    return sorted(units, key=lambda u: (u.on_time_rate is None, u.on_time_rate or 0, -u.overdue, u.id))


def assisted_by(items: list[ItemView]) -> dict[str, list[ItemView]]:
    """unit id -> the items it assists (协办), in item order."""
    groups: dict[str, list[ItemView]] = defaultdict(list)
    for v in items:
        for unit, _ in v.co_units:
            if unit != v.lead_unit:
                groups[unit].append(v)
    return groups


def on_time_items(items: list[ItemView], as_of: dt.date) -> tuple[list[ItemView], list[ItemView]]:
    """(items due or done, those done within the deadline): the two counts of 按时办结率."""
    due = [v for v in items if v.state in (COMPLETED, CLOSED) or (v.deadline and as_of > v.deadline)]
    return due, [v for v in due if v.state in (COMPLETED, CLOSED) and not v.completed_late]
