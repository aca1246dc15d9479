"""Evaluate one item as of a date: deadlines, state, overdue, reports, escalation.

Pure functions of (item, as_of, calendar): the date is always passed in.
The words follow docs/rules.md §2–§4.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .calendar import PeriodEnd, WorkingCalendar, add_months
from .model import CATEGORIES, Event, Item, is_criticism

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
CLOSED = "closed"

STATE_NAMES = {
    NOT_STARTED: "未落实",
    IN_PROGRESS: "落实中",
    COMPLETED: "已办结（待复核）",
    CLOSED: "已落实",
}

# The follow-up each escalation level demands (docs/rules.md §4).
ESCALATION_ACTIONS = {1: "circular", 2: "circular", 3: "transfer"}
ESCALATION_ACTION_NAMES = {
    1: "督查室通报并记入《日常考核工作台账》",
    2: "市政府办公室通报，单位主要负责人说明情况并提出整改措施",
    3: "经市政府同意移交监察部门问责",
}


@dataclass(frozen=True)
class PendingAction:
    level: int
    action: str

    def to_dict(self) -> dict[str, object]:
        return {"level": self.level, "action": self.action}


@dataclass(frozen=True)
class Pressure:
    """What the office has done to press an item: the inputs of escalation."""

    urges: int = 0
    returned: bool = False
    leader_demand: bool = False
    explanation_accepted: bool = False
    circular_levels: frozenset[int | None] = frozenset()  # None: a circular without a level
    transferred: bool = False


def pressure(events: list[Event]) -> Pressure:
    """Count urges, returns, demands, accepted explanations, circulars and transfers (one pass)."""
    urges = 0
    returned = demand = explained = transferred = False
    circulars: set[int | None] = set()
    for e in events:
        t = e.type
        if t == "urge":
            urges += 1
        elif t == "returned":
            returned = True
        elif t == "leader_demand":
            demand = True
        elif t == "explanation":
            explained = explained or bool(e.accepted)
        elif is_criticism(e):  # a praise circular is no follow-up
            circulars.add(e.level)
        elif t == "transfer":
            transferred = True
    return Pressure(urges, returned, demand, explained, frozenset(circulars), transferred)


@dataclass
class ItemStatus:
    """What the rules say about one item on `as_of`."""

    as_of: dt.date
    events: list[Event]  # the events dated on or before as_of
    base_deadline: PeriodEnd | None  # the item's deadline, explicit or by default
    effective_deadline: dt.date | None
    hard_deadline: PeriodEnd | None
    state: str
    overdue: bool
    days_overdue: int
    completed_on: dt.date | None
    completed_late: bool
    hard_deadline_passed: bool
    monthly_reports: bool
    next_report_due: PeriodEnd | None
    report_missing: bool
    pressure: Pressure
    escalation_levels: tuple[int, ...]
    escalation_pending: tuple[PendingAction, ...] = field(default_factory=tuple)

    @property
    def escalation_level(self) -> int:
        return max(self.escalation_levels, default=0)


def default_deadline(item: Item, calendar: WorkingCalendar) -> PeriodEnd | None:
    """The deadline docs/rules.md §1 gives when the item gives none (None: required)."""
    rule = CATEGORIES[item.category].default
    if rule is None:
        return None
    if len(rule) == 1:  # ("year_end",)
        return PeriodEnd(dt.date(item.assigned.year, 12, 31))
    unit, count = rule
    if unit == "months":
        return calendar.period_end(item.assigned, months=count)
    return calendar.period_end(item.assigned, working_days=count)


def item_deadline(item: Item, calendar: WorkingCalendar) -> PeriodEnd | None:
    """The explicit deadline, taken as written, else the category default."""
    if item.deadline is not None:
        return PeriodEnd(item.deadline)
    return default_deadline(item, calendar)


def hard_deadline(item: Item, calendar: WorkingCalendar) -> PeriodEnd | None:
    months = CATEGORIES[item.category].hard_limit_months
    if months is None:
        return None
    return calendar.period_end(item.assigned, months=months)


def effective_deadline(base: dt.date | None, events: list[Event]) -> dt.date | None:
    """The newest approved extension's new deadline, else the item's deadline."""
    for event in reversed(events):
        if event.type == "extension" and event.approved and event.new_deadline:
            return event.new_deadline
    return base


def item_state(item: Item, events: list[Event]) -> tuple[str, dt.date | None]:
    """The state (docs/rules.md §2) and the date of the completion that holds, if any."""
    last_completed = None
    progress = False
    for i, event in enumerate(events):  # one pass, no generators: reports call this per item and period
        kind = event.type
        if kind == "completed":
            last_completed = i
        elif kind == "progress":
            progress = True
    if last_completed is not None:
        verdict = None  # the last verification's result after the completion
        for e in events[last_completed + 1:]:
            if e.type == "returned":
                return IN_PROGRESS, None
            if e.type == "verified":
                verdict = e.result
        if not item.verify:
            return CLOSED, events[last_completed].date
        if verdict == "pass":
            return CLOSED, events[last_completed].date
        if verdict == "fail":
            return IN_PROGRESS, None
        return COMPLETED, events[last_completed].date
    if progress:
        return IN_PROGRESS, None
    return NOT_STARTED, None


def escalation(p: Pressure, closed: bool) -> tuple[tuple[int, ...], tuple[PendingAction, ...]]:
    """Levels of "two circulars, one transfer" that hold, and their missing follow-ups."""
    holds = []
    if p.urges >= 1 or p.returned:
        holds.append(1)
    if p.urges >= 2 or (p.leader_demand and not closed):
        holds.append(2)
    if p.urges >= 3 and not closed and not p.explanation_accepted:
        holds.append(3)
    pending = []
    for level in holds:
        done = p.transferred if level == 3 else level in p.circular_levels
        if not done:
            pending.append(PendingAction(level, ESCALATION_ACTIONS[level]))
    return tuple(holds), tuple(pending)


def evaluate(item: Item, as_of: dt.date, calendar: WorkingCalendar) -> ItemStatus:
    """Everything docs/rules.md §2–§4 says about `item` on `as_of`."""
    events = [e for e in item.events if e.date <= as_of]
    base = item_deadline(item, calendar)
    effective = effective_deadline(base.date if base else None, events)
    hard = hard_deadline(item, calendar)
    state, completed_on = item_state(item, events)
    done = state in (COMPLETED, CLOSED)

    overdue = effective is not None and not done and as_of > effective
    days_overdue = (as_of - effective).days if overdue and effective is not None else 0
    completed_late = bool(done and effective and completed_on and completed_on > effective)
    # Not completed by the 6-month limit (§4): still open after it, or
    # completed after it (an extension past the limit does not move it).
    hard_passed = bool(hard and ((completed_on is not None and completed_on > hard.date) if done else as_of > hard.date))

    # Monthly reports (§5): owed when the deadline is more than a month after
    # assignment, compared with the calendar date one month on, *before* any
    # roll to a working day; due a month (a rolled period) after the latest
    # report, or assignment.
    monthly = bool(effective and effective > add_months(item.assigned, 1))
    next_due = None
    if monthly and not done:
        reports = [e.date for e in events if e.type in ("progress", "completed")]
        next_due = calendar.period_end(max(reports, default=item.assigned), months=1)
    report_missing = bool(next_due and as_of > next_due.date)

    pressed = pressure(events)
    levels, pending = escalation(pressed, closed=state == CLOSED)
    return ItemStatus(
        as_of=as_of,
        events=events,
        base_deadline=base,
        effective_deadline=effective,
        hard_deadline=hard,
        state=state,
        overdue=overdue,
        days_overdue=days_overdue,
        completed_on=completed_on,
        completed_late=completed_late,
        hard_deadline_passed=hard_passed,
        monthly_reports=monthly,
        next_report_due=next_due,
        report_missing=report_missing,
        pressure=pressed,
        escalation_levels=levels,
        escalation_pending=pending,
    )


DUE_SOON_DAYS = 14


def traffic_light(status: ItemStatus) -> str:
    """The state light of sites and sheets: done, red (late), yellow (due within 14 days), green."""
    if status.state in (COMPLETED, CLOSED):
        return "done"
    if status.overdue or status.hard_deadline_passed:
        return "red"
    if status.effective_deadline and (status.effective_deadline - status.as_of).days <= DUE_SOON_DAYS:
        return "yellow"
    return "green"
