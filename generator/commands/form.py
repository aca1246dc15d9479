"""`ducha form`: a printable form for one item."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..errors import NotFound
from ..forms import render_form
from ..ledger import load_ledger

FORM_NAMES = {"assignment": "交办单", "urge": "催办通知", "source": "交办单"}


@dataclass
class FormResult:
    written: Path


def form(ledger_dir: Path, kind: str, item_id: str, day: dt.date, out: Path | None) -> FormResult:
    """Write the form `kind` for `item_id`, dated `day`, as HTML."""
    ledger = load_ledger(ledger_dir)
    if kind == "source":
        return _source_form(ledger, item_id, day, out)
    item = next((i for i in ledger.items if i.id == item_id), None)
    if item is None:
        raise NotFound(f"找不到事项 {item_id}。")
    html = render_form(kind, item, ledger.config, day)
    out = out or Path(f"{item_id}-{FORM_NAMES[kind]}.html")
    _write(out, html)
    return FormResult(out)


def _source_form(ledger, source_id: str, day: dt.date, out: Path | None) -> FormResult:
    """The assignment sheet of a whole decision (issue 17): every task with its units, deadline and contact."""
    from ..calendar import WorkingCalendar
    from ..evaluate import evaluate
    from ..forms import office_name, render_source_form
    from ..sources import items_of
    from .decompose import find_source

    source = find_source(ledger.root, source_id)
    calendar = WorkingCalendar.for_ledger(ledger.config)
    units = ledger.config.units
    tasks = [dict(title=i.title, lead=units[i.lead_unit].name if i.lead_unit in units else i.lead_unit,
                  co=[units[u].name if u in units else u for u in i.co_units],
                  deadline=evaluate(i, day, calendar).effective_deadline, contact=i.contact)
             for i in items_of(source, ledger.items)]
    html = render_source_form(source, tasks, office_name(ledger.config), ledger.config.name, day)
    out = out or Path(f"{source.id}-{FORM_NAMES['source']}.html")
    _write(out, html)
    return FormResult(out)


def _write(out: Path, html: str) -> None:
    from ..gongwen import DocumentWriteFailed

    try:
        out.write_text(html, encoding="utf-8")
    except OSError as err:
        raise DocumentWriteFailed(out, err) from None
