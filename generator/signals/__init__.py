"""`ducha signals`: integrity signals, hints of paper compliance (形式主义).

The regulation's sharpest sentences are about work reported but not done
("弄虚作假", "敷衍塞责", on-site verification, "回头看"). A ledger kept in
Git shows patterns that point the office at what to look at more closely:
completions that land on the deadline day, reports copied month to month,
a year of events filed in one commit. A signal is a hint, never a verdict:
signals are `info` or `warning`, never fail a run unless `--fail-on` asks,
are not check rules (`ducha check` output does not change), and appear
only on the internal site.

Same shape as `generator.rules`: one module per signal, each declaring
- `CODE`, `TITLE` (Chinese), `QUOTE` (the seed sentence it serves, with
  its section mark), `NEEDS_HISTORY` (it reads the Git history),
and a generator `find(ctx)` yielding `Signal`s. Each module's docstring
is its documentation; docs/rules.md explains thresholds and false
positives. The Git history is read once per run (`history.read_history`)
and shared by every signal that needs it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

from ..calendar import WorkingCalendar
from ..evaluate import effective_deadline, item_deadline
from ..findings import INFO, SEVERITY_RANK, WARNING
from ..model import Event, Item, LedgerConfig, SignalSettings
from . import (
    backfilled_events,
    batch_filing,
    completed_without_progress,
    copied_report,
    deadline_day_rush,
    repeated_extension,
    verification_failures,
)
from .base import Evidence, Signal  # noqa: F401 (Evidence: part of the package interface)

SIGNALS: dict[str, ModuleType] = {m.CODE: m for m in (
    completed_without_progress,
    copied_report,
    deadline_day_rush,
    repeated_extension,
    backfilled_events,
    batch_filing,
    verification_failures,
)}

PAGE_TITLE = "真实性提示"
# How many evidence lines a text report or a page shows per signal (JSON has all).
SHOWN_EVIDENCE = 10


def explanation(code: str) -> str:
    module = SIGNALS[code]
    section, sentence = module.QUOTE
    return f"{module.WHY}依据：“{sentence}”（{section}）"


@dataclass
class Context:
    """What a signal may read: the items, the settings, the period, the history."""

    items: list[Item]
    config: LedgerConfig
    calendar: WorkingCalendar
    as_of: dt.date
    start: dt.date | None  # first day of --period (None: from the beginning)
    end: dt.date  # last day counted: the period's end or as_of, whichever is earlier
    records: list | None  # history.CommitRecord list, None when there is no Git history
    label: str = "全部期间"  # how the period reads in messages

    @property
    def settings(self) -> SignalSettings:
        return self.config.signals

    def in_period(self, day: dt.date | None) -> bool:
        return day is not None and (self.start is None or day >= self.start) and day <= self.end

    def events(self, item: Item) -> list[Event]:
        """The item's events dated on or before as_of."""
        return [e for e in item.events if e.date <= self.as_of]

    def unit_name(self, unit: str | None) -> str:
        if unit is None:
            return "（多个单位）"
        u = self.config.units.get(unit)
        return (u.short or u.name) if u else unit

    def deadline_before(self, item: Item, events: list[Event], index: int) -> dt.date | None:
        """The deadline in force when events[index] was made: the newest approval before it, else the item's."""
        base = self._deadlines.get(item.id, False)
        if base is False:
            due = item_deadline(item, self.calendar)
            base = self._deadlines[item.id] = due.date if due else None
        return effective_deadline(base, events[:index])

    def __post_init__(self) -> None:
        self._deadlines: dict = {}
        self.shared: dict = {}  # what several signals derive from the same input, worked out once


@dataclass
class SignalResult:
    signals: list[Signal]
    notes: list[str]  # what could not be computed, in Chinese
    items: int  # how many items were looked at
    commits: int | None  # how many commits were read (None: no Git history)


def sort_key(s: Signal) -> tuple:
    return (list(SIGNALS).index(s.code), s.unit or "", s.date, s.item or "", s.commit or "")


def run_signals(items: list[Item], config: LedgerConfig, as_of: dt.date, *, period=None, records=None,
                codes: list[str] | None = None) -> SignalResult:
    """Every signal over `items` as of `as_of`, within `period` (a `reports.Period`, or None for all).

    `records`: the ledger's Git history (`history.read_history`), or None
    when there is none; the signals that need it are then skipped with a note.
    """
    start = period.start if period else None
    end = min(period.end, as_of) if period else as_of
    label = period.title if period else f"截至 {as_of}"
    ctx = Context(items, config, WorkingCalendar.for_ledger(config), as_of, start, end, records, label)
    signals, notes = [], []
    for code, module in SIGNALS.items():
        if codes is not None and code not in codes:
            continue
        if module.NEEDS_HISTORY and records is None:
            notes.append(f"{code}（{module.TITLE}）需要台账的 Git 历史，本次未计算：台账不在 Git 仓库中或还没有提交。")
            continue
        signals.extend(module.find(ctx))
    signals.sort(key=sort_key)
    return SignalResult(signals, notes, len(items), len(records) if records is not None else None)


def read_records(ledger: Path, *, use_cache: bool = True) -> list | None:
    """The ledger's Git history, read once for every signal; None outside a Git repository."""
    from ..history import HistoryError, read_history

    try:
        return read_history(Path(ledger), use_cache=use_cache)
    except HistoryError:
        return None


def records_from_histories(histories: dict) -> list:
    """The commit records behind the site's item histories, each once, in commit order.

    `histories` maps an item (its id, or its file and id) to entries that
    are `site.HistoryEntry`s or (record, changes) pairs.
    """
    seen: dict[str, object] = {}
    for entries in histories.values():
        for entry in entries:
            record = entry.record if hasattr(entry, "record") else entry[0]
            seen.setdefault(record.sha, record)
    return sorted(seen.values(), key=lambda r: (r.committer_date, r.sha))


def signals_by_item(signals: list[Signal]) -> dict[str, list[Signal]]:
    """item id → the signals naming it, in order (for item pages)."""
    out: dict[str, list[Signal]] = {}
    for s in signals:
        for item in s.items:
            out.setdefault(item, []).append(s)
    return out


def flagged_items(signals: list[Signal]) -> dict[str, list[str]]:
    """item id → the codes of the signals naming it (for the sample)."""
    return {item: list(dict.fromkeys(s.code for s in found)) for item, found in signals_by_item(signals).items()}


@dataclass
class PageView:
    """What the internal 真实性提示 page lays out (computed here; the template only prints)."""

    as_of: dt.date
    notes: list[str]
    # code, title, explanation, shown signals (each with the evidence lines shown, and how many more it has), total
    groups: list[tuple[str, str, str, list[tuple[Signal, int]], int]]
    units: list[tuple[str, int, int, str]]  # unit name, warnings, infos, "title ×n" list
    items: list[tuple[str, str, str, str]]  # item id, title, lead unit name, signal titles
    known: frozenset[str]  # item ids that have a page


# A page of tens of thousands of entries helps nobody: each group shows this many (the command lists all).
SHOWN_PER_GROUP = 300


def shown_part(signal: Signal, evidence: int = SHOWN_EVIDENCE) -> Signal:
    """A copy of `signal` with only the evidence lines a page shows (a signal may name 10,000 items)."""
    return replace(signal, evidence=signal.evidence[:evidence])


def page_view(result: SignalResult, items: list[Item], config: LedgerConfig, as_of: dt.date) -> PageView:
    by_id = {i.id: i for i in items}

    def unit_name(unit):
        u = config.units.get(unit)
        return (u.short or u.name) if u else unit

    groups = []
    for code, module in SIGNALS.items():
        found = [s for s in result.signals if s.code == code]
        if found:
            shown = [(shown_part(s), max(0, len(s.evidence) - SHOWN_EVIDENCE)) for s in found[:SHOWN_PER_GROUP]]
            groups.append((code, module.TITLE, explanation(code), shown, len(found)))
    per_unit: dict[str, list[Signal]] = {}
    for s in result.signals:
        if s.unit:
            per_unit.setdefault(s.unit, []).append(s)
    units = []
    for unit, found in sorted(per_unit.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        kinds = "、".join(f"{SIGNALS[c].TITLE} ×{n}" for c in SIGNALS
                         if (n := sum(1 for s in found if s.code == c)))
        units.append((unit_name(unit), sum(s.severity == WARNING for s in found),
                      sum(s.severity == INFO for s in found), kinds))
    rows = []
    for ident, found in sorted(signals_by_item(result.signals).items()):
        item = by_id.get(ident)
        if item is not None:
            rows.append((ident, item.title, unit_name(item.lead_unit),
                         "、".join(dict.fromkeys(s.title for s in found))))
    return PageView(as_of, result.notes, groups, units, rows, frozenset(by_id))


FAIL_ON = {"never": None, "warning": WARNING, "info": INFO}


def fails(signals: list[Signal], fail_on: str) -> bool:
    """`--fail-on`: never (default), warning (any warning signal), info (any signal)."""
    level = FAIL_ON[fail_on]
    return level is not None and any(SEVERITY_RANK[s.severity] >= SEVERITY_RANK[level] for s in signals)


# --- output -----------------------------------------------------------------------


def to_json(result: SignalResult, as_of: dt.date, period=None) -> dict:
    by_unit: dict[str, dict[str, int]] = {}
    for s in result.signals:
        if s.unit:
            counts = by_unit.setdefault(s.unit, {})
            counts[s.code] = counts.get(s.code, 0) + 1
    return {
        "as_of": as_of.isoformat(),
        "period": period.label if period else None,
        "items": result.items,
        "commits": result.commits,
        "codes": {code: {"title": m.TITLE, "explanation": explanation(code)} for code, m in SIGNALS.items()},
        "units": by_unit,
        "notes": result.notes,
        "signals": [s.to_dict() for s in result.signals],
        "findings": [s.finding().to_dict() for s in result.signals],
    }


def to_text(result: SignalResult, config: LedgerConfig, label: str) -> str:
    """Chinese text for a terminal: signals grouped by code, each group headed by what it serves."""
    labels = {WARNING: "警告", INFO: "提示"}
    lines = [f"{PAGE_TITLE}（{label}）：以下是需要督查室进一步核实的线索，不是结论。", ""]
    for code, module in SIGNALS.items():
        found = [s for s in result.signals if s.code == code]
        if not found:
            continue
        lines.append(f"{module.TITLE}（{code}）：{len(found)} 条")
        lines.append(f"  {explanation(code)}")
        for s in found:
            where = f"{s.file} 第 {s.line} 行：" if s.file and s.line else ""
            lines.append(f"  - {labels[s.severity]} {where}{s.message}")
            for e in s.evidence[:SHOWN_EVIDENCE]:
                commit = f"（提交 {e.commit[:10]}）" if e.commit else ""
                lines.append(f"      {e.what}{commit}")
            if len(s.evidence) > SHOWN_EVIDENCE:
                lines.append(f"      ……另有 {len(s.evidence) - SHOWN_EVIDENCE} 条，见 --format json")
        lines.append("")
    for note in result.notes:
        lines.append(f"说明：{note}")
    counts = {sev: sum(1 for s in result.signals if s.severity == sev) for sev in labels}
    scope = f"共 {result.items} 个事项" + (f"、{result.commits} 个提交" if result.commits is not None else "")
    if result.signals:
        lines.append(f"真实性提示：{scope}，警告 {counts[WARNING]} 条，提示 {counts[INFO]} 条。")
    else:
        lines.append(f"真实性提示：{scope}，没有发现需要核实的线索。")
    return "\n".join(lines) + "\n"
