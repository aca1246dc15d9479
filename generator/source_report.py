"""Reports by decision (issue 17): 落实情况 of one source, and a section per source in `ducha report`.

`ducha report source SOURCE` reports one decision as of a day, as §3.3 台帐管理
asks: 未落实事项查原因 (the latest reason given), 落实中事项查进程 (the latest
progress), 已落实事项查结果 (the result and its verification), with the
counts a bulletin quotes ("8 项，已办结 6 项"). `ducha report` (monthly,
quarterly, annual) gains one line of figures per source active in the
period. Word output goes through `reports`' own helpers, in the same layout.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .calendar import WorkingCalendar
from .evaluate import CLOSED, COMPLETED, IN_PROGRESS, NOT_STARTED, STATE_NAMES, ItemStatus, evaluate
from .model import EVENT_TYPES, Event, Item, LedgerConfig, Source
from .sources import items_of

# The docx table's columns (mm, filling GB/T 9704's 156 mm type area): id, date and the short unit name
# on one line; the task and the reason or progress, what the reader reads, share the rest.
TABLE_WIDTHS_MM = (25, 37, 22, 26, 18, 28)
GROUPS = (("not_started", "未落实", "原因"), ("in_progress", "落实中", "最新进展"), ("done", "已办结", "落实结果"))


@dataclass
class SourceRow:
    id: str
    title: str
    lead_unit: str
    lead_name: str
    deadline: dt.date | None
    state: str
    overdue: bool
    days_overdue: int
    note_date: dt.date | None
    note: str
    lead_short: str = ""  # 住建局: the short name a printed table has room for


@dataclass
class SourceReport:
    source: Source
    as_of: dt.date
    ledger_name: str
    total: int = 0
    done: int = 0  # completed or closed by `as_of`
    closed: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    escalated: int = 0
    groups: dict[str, list[SourceRow]] = field(default_factory=dict)


def _latest(events: list[Event], types: tuple[str, ...]) -> Event | None:
    return next((e for e in reversed(events) if e.type in types), None)


def _note(group: str, status: ItemStatus) -> tuple[dt.date | None, str]:
    events = status.events
    if group == "not_started":
        e = _latest(events, ("explanation", "extension", "returned"))
        return (e.date, f"{EVENT_TYPES[e.type]}：{e.text or '（未写明）'}") if e else (None, "尚未报告进展和原因")
    if group == "in_progress":
        e = _latest(events, ("progress",))
        return (e.date, e.text or "（未写明）") if e else (None, "尚无进展报告")
    e = _latest(events, ("completed",))
    check = _latest(events, ("verified",))
    text = (e.text or "（未写明）") if e else "（未写明）"
    if check is not None:
        text += "（复核通过）" if check.result == "pass" else "（复核未通过）"
    return (e.date if e else status.completed_on), text


def group_of(state: str) -> str:
    return "not_started" if state == NOT_STARTED else "in_progress" if state == IN_PROGRESS else "done"


def build_source_report(source: Source, items: list[Item], config: LedgerConfig, as_of: dt.date,
                        calendar: WorkingCalendar | None = None) -> SourceReport:
    """The 落实情况 of `source` as of `as_of`: its items assigned by then, by state, with their latest word."""
    calendar = calendar or WorkingCalendar.for_ledger(config)
    report = SourceReport(source, as_of, config.name, groups={key: [] for key, _, _ in GROUPS})
    for item in items_of(source, items):
        if item.assigned > as_of:
            continue
        status = evaluate(item, as_of, calendar)
        group = group_of(status.state)
        date, note = _note(group, status)
        unit = config.units.get(item.lead_unit)
        report.groups[group].append(SourceRow(item.id, item.title, item.lead_unit, unit.name if unit else item.lead_unit,
                                              status.effective_deadline, status.state, status.overdue,
                                              status.days_overdue, date, note,
                                              (unit.short or unit.name) if unit else item.lead_unit))
        report.total += 1
        if status.state in (COMPLETED, CLOSED):
            report.done += 1
            report.closed += status.state == CLOSED
            report.late += status.completed_late
            report.on_time += not status.completed_late
        report.overdue += status.overdue
        report.escalated += bool(status.escalation_pending)
    return report


def summary(r: SourceReport) -> str:
    """The sentence a bulletin quotes: 市政府第12次常务会议议定事项落实情况：8 项，已办结 6 项……"""
    g = r.groups
    return (f"{r.source.title}分解任务 {r.total} 项：已办结 {r.done} 项（其中按时 {r.on_time} 项、逾期 {r.late} 项，"
            f"已复核落实 {r.closed} 项），落实中 {len(g['in_progress'])} 项，未落实 {len(g['not_started'])} 项；"
            f"超期 {r.overdue} 项，待督办 {r.escalated} 项。")


def source_report_json(r: SourceReport) -> dict:
    s = r.source
    return {
        "source": {"id": s.id, "title": s.title, "kind": s.kind, "date": s.date.isoformat(), "number": s.number,
                   "public": s.public},
        "as_of": r.as_of.isoformat(),
        "total": r.total, "done": r.done, "closed": r.closed, "on_time": r.on_time, "late": r.late,
        "overdue": r.overdue, "escalated": r.escalated,
        "groups": {key: [{"id": row.id, "title": row.title, "lead_unit": row.lead_unit, "state": row.state,
                          "deadline": row.deadline.isoformat() if row.deadline else None, "overdue": row.overdue,
                          "days_overdue": row.days_overdue,
                          "note_date": row.note_date.isoformat() if row.note_date else None, "note": row.note}
                         for row in rows] for key, rows in r.groups.items()},
    }


def source_report_lines(r: SourceReport) -> list[str]:
    out = [f"{r.source.title}落实情况（数据截至 {r.as_of}）", f"  {summary(r)}"]
    for key, heading, what in GROUPS:
        rows = r.groups[key]
        out.append(f"  {heading}（{len(rows)} 项）")
        for row in rows:
            late = f"，超期 {row.days_overdue} 天" if row.overdue else ""
            when = f"{row.note_date} " if row.note_date else ""
            out.append(f"    {row.id} {row.title}（{row.lead_name}，期限 {row.deadline or '未写明'}{late}）"
                       f"{what}：{when}{row.note}")
    return out


def source_report_docx(r: SourceReport, path) -> None:
    """The 落实情况 report of one decision as a Word document, in the national layout of the other reports."""
    from .gongwen import GongwenDocument

    doc = GongwenDocument(f"{r.source.title}落实情况", subtitle=f"{r.ledger_name}　　数据截至 {r.as_of.isoformat()}")
    doc.heading("总体情况")
    doc.paragraph(summary(r))
    for key, heading_text, what in GROUPS:
        rows = r.groups[key]
        doc.heading(f"{heading_text}事项（{len(rows)} 项）")
        if rows:
            doc.table(["编号", "事项", "牵头单位", "办结期限", "状态", what],
                      [[row.id, row.title, row.lead_short or row.lead_name,
                        row.deadline.isoformat() if row.deadline else "未写明",
                        STATE_NAMES[row.state] + (f"，超期 {row.days_overdue} 天" if row.overdue else ""),
                        f"{row.note_date} {row.note}" if row.note_date else row.note] for row in rows],
                      widths_mm=TABLE_WIDTHS_MM)
        else:
            doc.paragraph("无。")
    doc.save(path)


# --- A section per source in the periodic reports --------------------------------------


@dataclass
class SourceSection:
    """One source's figures in a monthly, quarterly or annual report."""

    id: str
    title: str
    total: int  # tasks assigned by the period's end
    done: int  # completed by the period's end
    completed: int  # completed within the period
    overdue: int  # overdue on the period's last day

    def to_dict(self) -> dict:
        return dict(vars(self))

    @property
    def text(self) -> str:
        return (f"{self.title}：分解任务 {self.total} 项，累计办结 {self.done} 项（本期办结 {self.completed} 项），"
                f"期末超期 {self.overdue} 项。")


def source_sections(sources: dict[str, Source], items: list[Item], config: LedgerConfig, start: dt.date,
                    end: dt.date, calendar: WorkingCalendar | None = None) -> list[SourceSection]:
    """A section for each source active in the period: a task of it assigned by `end` that was
    still open at `start`, or completed within the period."""
    calendar = calendar or WorkingCalendar.for_ledger(config)
    out = []
    for source in sorted(sources.values(), key=lambda s: (s.date, s.id)):
        tasks = [i for i in items_of(source, items) if i.assigned <= end]
        if not tasks:
            continue
        statuses = [evaluate(i, end, calendar) for i in tasks]
        active = [s for s in statuses if s.completed_on is None or s.completed_on >= start]
        if not active:
            continue
        out.append(SourceSection(
            source.id, source.title, len(tasks),
            sum(1 for s in statuses if s.state in (COMPLETED, CLOSED)),
            sum(1 for s in statuses if s.completed_on is not None and start <= s.completed_on <= end),
            sum(1 for s in statuses if s.overdue)))
    return out
