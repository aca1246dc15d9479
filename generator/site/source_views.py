"""Per-source views of the sites (issue 17): a decision's tasks by how far they are.

As §3.3 台帐管理 words it: 未落实事项查原因 (the latest reason given),
落实中事项查进程 (the latest progress), 已落实事项查结果 (the result
reported, and the verification). The public site gets public sources only,
with their public items only: built from the public `SiteData.items`, which
already hold nothing else.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..evaluate import CLOSED, COMPLETED, IN_PROGRESS, NOT_STARTED
from ..model import Source

# The groups of a source page, in order: (key, heading, what each row shows).
GROUPS = (
    ("not_started", "未落实", "原因"),
    ("in_progress", "落实中", "最新进展"),
    ("done", "已办结", "落实结果"),
)


@dataclass
class SourceRow:
    item: object  # site.model.ItemView
    note_date: dt.date | None
    note: str | None  # the reason, the latest progress, or the result


@dataclass
class SourceView:
    id: str
    title: str
    kind: str
    kind_name: str
    date: dt.date
    number: str | None
    description: str | None
    public: bool
    items: list = field(default_factory=list)  # ItemViews, by id
    groups: dict[str, list[SourceRow]] = field(default_factory=dict)
    done: int = 0  # completed or closed
    closed: int = 0  # closed (verified where required)
    on_time: int = 0  # done within the deadline
    overdue: int = 0
    escalated: int = 0  # internal only: an escalation's follow-up is pending
    units: list[tuple[str, str, int, int]] = field(default_factory=list)  # (id, name, lead count, co count)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def done_rate(self) -> float | None:
        return self.done / self.total if self.total else None


def _latest(view, types: tuple[str, ...]):
    return next((e for e in reversed(view.events) if e.type in types and (e.text or e.detail)), None)


def _row(view, group: str) -> SourceRow:
    if group == "not_started":
        event = _latest(view, ("explanation", "extension", "returned"))
        return SourceRow(view, event.date if event else None,
                         (event.text or event.detail) if event else "尚未报告进展和原因")
    if group == "in_progress":
        event = _latest(view, ("progress",))
        return SourceRow(view, event.date if event else None, event.text if event else "尚无进展报告")
    event = _latest(view, ("completed",))
    check = _latest(view, ("verified",))
    note = event.text if event else None
    if check is not None:
        note = f"{note or ''}（{check.detail}）" if note else check.detail
    return SourceRow(view, event.date if event else None, note)


def source_views(sources: dict[str, Source], items: list, public: bool) -> list[SourceView]:
    """One view per source (public sources only for the public site), newest first."""
    by_source: dict[str, list] = {}
    for view in items:
        if view.source_id:
            by_source.setdefault(view.source_id, []).append(view)
    out = []
    for source in sources.values():
        if public and not source.public:
            continue
        views = sorted(by_source.get(source.id, []), key=lambda v: v.id)
        sv = SourceView(source.id, source.title, source.kind, source.kind_name, source.date, source.number,
                        source.description, source.public, views)
        sv.groups = {key: [] for key, _, _ in GROUPS}
        lead: dict[str, list] = {}
        co: dict[str, int] = {}
        for v in views:
            group = ("not_started" if v.state == NOT_STARTED else "in_progress" if v.state == IN_PROGRESS
                     else "done")
            sv.groups[group].append(_row(v, group))
            if v.state in (COMPLETED, CLOSED):
                sv.done += 1
                sv.closed += v.state == CLOSED
                sv.on_time += not v.completed_late
            sv.overdue += v.overdue
            sv.escalated += bool(v.pending)
            lead.setdefault(v.lead_unit, [v.lead_unit_name, 0])[1] += 1
            for unit, _name in v.co_units:
                if unit != v.lead_unit:
                    co[unit] = co.get(unit, 0) + 1
        names = {v.lead_unit: v.lead_unit_name for v in views} | {u: n for v in views for u, n in v.co_units}
        sv.units = sorted(((u, names[u], lead.get(u, ["", 0])[1], co.get(u, 0)) for u in set(lead) | set(co)),
                          key=lambda t: (-t[2], -t[3], t[0]))
        out.append(sv)
    out.sort(key=lambda s: (s.date, s.id), reverse=True)
    return out
