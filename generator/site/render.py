"""Write one site's MkDocs `docs/` folder from a `SiteData`.

Templates in `site_templates/` hold the layout; every `{{ value }}` they
print passes through `escape.inline` unless Python marked it as trusted
Markup (links built from validated ids, our own HTML), so ledger text is
inert by default rather than by each template remembering a filter.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import charts, escape, files
from .. import resources
from .mkdocs_hooks import MARK
from .model import INTERNAL, LIGHTS, STATES, SiteData, counts_by
from ..evaluate import STATE_NAMES
from ..model import CATEGORIES

TEMPLATES = resources.site_templates()
LIGHT_COLORS = {"red": "red", "yellow": "yellow", "green": "green", "done": "done"}


def _finalize(value):
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, dt.date)):
        return str(value)
    return escape.inline(value)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def light(view) -> Markup:
    return Markup(f'<span class="ducha-light ducha-{view.light}">{LIGHTS[view.light]}</span>')


def environment(templates: Path = TEMPLATES) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        finalize=_finalize,
        autoescape=False,  # HTML escaping alone is wrong for Markdown; see _finalize
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["block"] = lambda v: Markup(escape.block(v))
    env.filters["page_title"] = lambda v: Markup(escape.page_title(v))
    env.filters["pct"] = pct
    env.globals.update(light=light, STATE_NAMES=STATE_NAMES, CATEGORIES=CATEGORIES, STATES=STATES,
                       FRAGMENT=Markup(MARK))
    return env


class DocsWriter:
    """Renders templates into a docs folder, recording every file written.

    A template may end its Markdown with the fragment marker; what follows
    is plain HTML, written to `fragments/` and put in place by the builder
    after MkDocs rendered the page (see `mkdocs_hooks`).
    """

    def __init__(self, docs: Path, env: jinja2.Environment, data: SiteData, fragments: Path) -> None:
        self.docs = docs
        self.fragments = fragments
        self.env = env
        self.data = data
        self.written: list[str] = []

    def page(self, rel: str, template: str, **context) -> None:
        # `root` leads from this Markdown file to the docs root (for Markdown
        # links, which MkDocs checks and rewrites); `url_root` from the page's
        # URL (items/x.md is served as items/x/) to the site root, for raw HTML.
        depth = rel.count("/")
        url_depth = depth + (0 if rel.rsplit("/", 1)[-1] == "index.md" else 1)
        text = self.env.get_template(template).render(
            data=self.data, internal=self.data.audience == INTERNAL, root=Markup("../" * depth),
            url_root=Markup("../" * url_depth), **context)
        markdown, mark, fragment = text.partition(MARK)
        self.file(rel, markdown + mark + "\n" if mark else markdown)
        if mark:
            self._write(self.fragments / (rel[:-3] + ".html"), fragment.encode("utf-8"))

    def file(self, rel: str, content: str | bytes) -> None:
        self.written.append(rel)
        self._write(self.docs / rel, content if isinstance(content, bytes) else content.encode("utf-8"))

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        try:
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                return  # unchanged: `ducha serve` must not see a change and rebuild again
        except OSError:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def write_docs(data: SiteData, docs: Path, fragments: Path, head: dict, feed_id: str) -> list[str]:
    """Write every page and file of one site into `docs` (HTML fragments into
    `fragments`); return the paths written under `docs`."""
    env = environment()
    w = DocsWriter(docs, env, data, fragments)
    for asset in ("ducha.css", "ducha.js"):
        w.file(f"assets/{asset}", (TEMPLATES / "assets" / asset).read_text(encoding="utf-8"))
    w.file("ledger-head.json", json.dumps(head, ensure_ascii=False, indent=1) + "\n")

    # Charts (numbers as tables beside them on the same page).
    state_rows = [(STATE_NAMES[s], data.by_state[s], {"not_started": "red", "in_progress": "yellow",
                                                       "completed": "green", "closed": "done"}[s]) for s in STATES]
    category_rows = [(CATEGORIES[c].name, n, "default") for c, n in data.by_category.items()]
    w.file("assets/charts/states.svg", charts.bar_chart("各状态事项数", state_rows))
    w.file("assets/charts/categories.svg", charts.bar_chart("各类别事项数", category_rows))

    w.page("index.md", "home.md.j2")
    for view in data.items:
        w.page(f"items/{view.id}.md", "item.md.j2", item=view)

    by_category = counts_by(data.items, lambda v: v.category)
    by_unit = counts_by(data.items, lambda v: v.lead_unit)
    by_state = counts_by(data.items, lambda v: v.state)
    w.page("lists/index.md", "lists.md.j2", by_category=by_category, by_unit=by_unit, by_state=by_state)
    for key, views in by_category.items():
        w.page(f"lists/category-{key}.md", "list.md.j2", heading=f"类别：{CATEGORIES[key].name}", items=views)
    for state in STATES:  # every state has a page, even an empty one: the home page links them all
        w.page(f"lists/state-{state}.md", "list.md.j2", heading=f"状态：{STATE_NAMES[state]}",
               items=by_state.get(state, []))
    units = {u.id: u for u in data.units}
    for unit, views in by_unit.items():
        w.page(f"units/{unit}.md", "unit.md.j2", unit=units[unit], items=views,
               assessment=data.assessment.get(unit, []))

    w.page("circulars.md", "circulars.md.j2")
    w.page("data.md", "data.md.j2", columns=files.COLUMNS, units=sorted(by_unit))
    w.file("data/items.csv", files.items_csv(data))
    w.file("data/items.json", files.items_json(data))
    w.file("feed.xml", files.atom_feed(data, feed_id))
    for unit in sorted(by_unit):
        w.file(f"calendar/{unit}.ics", files.unit_calendar(data, unit, "ducha.invalid"))

    if data.audience == INTERNAL:
        w.page("escalations.md", "internal/escalations.md.j2")
        w.page("missing-reports.md", "internal/missing-reports.md.j2")
        w.page("upcoming.md", "internal/upcoming.md.j2")
        w.page("assessment.md", "internal/assessment.md.j2")
        w.page("signals.md", "internal/signals.md.j2")
        _write_reports(w, data)
        from .desk import write_pages

        write_pages(w, data)
    return w.written


def _write_reports(w: "DocsWriter", data: SiteData) -> None:
    import io

    from ..assessment import WEIGHT_NAMES
    from ..reports import KIND_NAMES, KINDS, METRIC_NAMES, METRICS, report_docx

    w.page("reports/index.md", "internal/reports.md.j2", KINDS=KINDS, KIND_NAMES=KIND_NAMES)
    latest: set[str] = set()
    for report in data.reports:
        slug = f"{report.period.kind}-{report.period.label}"
        # Word files for the newest report of each kind only: python-docx
        # needs seconds for a dozen long tables; older ones: `ducha report`.
        docx = report.period.kind not in latest
        if docx:
            latest.add(report.period.kind)
            buffer = io.BytesIO()
            report_docx(report, buffer)
            w.file(f"reports/{slug}.docx", buffer.getvalue())
        w.page(f"reports/{slug}.md", "internal/report.md.j2", report=report, slug=slug, KINDS=KINDS,
               METRICS=METRICS, METRIC_NAMES=METRIC_NAMES, docx=docx)
    w.page("scores.md", "internal/scores.md.j2", WEIGHT_NAMES=WEIGHT_NAMES)
    w.page("visits.md", "internal/visits.md.j2")
