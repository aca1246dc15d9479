"""Print-ready forms for one item: the assignment slip and the urging notice.

Plain HTML with A4 print styles (`site_templates/forms/`), autoescaped by
Jinja, so the office can open the file in a browser and print it.
"""
from __future__ import annotations

import datetime as dt
import functools

import jinja2

from .calendar import WorkingCalendar
from .evaluate import STATE_NAMES, evaluate
from .model import CATEGORIES, EVENT_TYPES, Item, LedgerConfig
from .site.render import TEMPLATES

TITLES = {"assignment": "市政府重要事项交办单", "urge": "督查催办通知"}
# The sheet of a whole decision (issue 17): a mayor's instruction or research visit is
# handed down as a 市长工作提示单, every other decision as a 重要事项交办单.
SOURCE_SHEETS = {"instruction": "市长工作提示单", "research": "市长工作提示单"}


@functools.cache  # one per process: the site writes a form for each item
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES / "forms")), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def _context(kind: str, item: Item, config: LedgerConfig, day: dt.date, status=None, back: str | None = None) -> dict:
    status = status or evaluate(item, day, WorkingCalendar.for_ledger(config))
    unit = config.units.get(item.lead_unit)
    office = next((u for u in config.units.values() if u.role == "office"), None)
    return dict(
        title=TITLES[kind], item=item, status=status, day=day, ledger=config.name,
        category=CATEGORIES[item.category].name, state=STATE_NAMES[status.state],
        lead=unit.name if unit else item.lead_unit, office=office.name if office else "市政府督查室",
        co=[config.units[u].name if u in config.units else u for u in item.co_units],
        urges=[e for e in status.events if e.type == "urge"], EVENT_TYPES=EVENT_TYPES, back=back,
    )


def render_form(kind: str, item: Item, config: LedgerConfig, day: dt.date, status=None,
                back: str | None = None) -> str:
    """The HTML of form `kind` for `item`, dated `day`; `back`: a link back to
    the item's page (the internal site's copy of the form)."""
    return _environment().get_template(f"{kind}.html.j2").render(**_context(kind, item, config, day, status, back))


def source_sheet_title(kind: str) -> str:
    return SOURCE_SHEETS.get(kind, TITLES["assignment"])


def render_source_form(source, tasks: list[dict], office: str, ledger: str, day: dt.date,
                       back: str | None = None) -> str:
    """The assignment sheet of a whole decision (`source`: a model.Source or a site SourceView):
    every task (dicts of title, lead, co, deadline, contact) with its units, deadline and contact, on A4."""
    return _environment().get_template("source.html.j2").render(
        title=source_sheet_title(source.kind), source=source, tasks=tasks, office=office, ledger=ledger, day=day,
        back=back)


def office_name(config: LedgerConfig | None) -> str:
    office = next((u for u in config.units.values() if u.role == "office"), None) if config else None
    return office.name if office else "市政府督查室"
