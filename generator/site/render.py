"""Write one site's MkDocs `docs/` folder from a `SiteData`.

Templates in `site_templates/` hold the layout; every `{{ value }}` they
print passes through `escape.inline` unless Python marked it as trusted
Markup (links built from validated ids, our own HTML), so ledger text is
inert by default rather than by each template remembering a filter.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from .. import resources
from ..evaluate import STATE_NAMES
from ..model import CATEGORIES
from . import charts, escape, files, pages, search
from .mkdocs_hooks import HTML_END, HTML_START, MARK, PIECE, piece_mark
from .model import (
    INTERNAL,
    LIGHTS,
    STATES,
    SiteData,
    UnitStats,
    assisted_by,
    counts_by,
    on_time_items,
    overdue_items,
    units_by_on_time_rate,
)

TEMPLATES = resources.site_templates()
LIGHT_COLORS = {"red": "red", "yellow": "yellow", "green": "green", "done": "done"}


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def light(view) -> Markup:
    return Markup(f'<span class="ducha-light ducha-{view.light}">{LIGHTS[view.light]}</span>')


def state(view) -> Markup:
    """The light and the state, said once: 已落实 rather than 已落实 已落实."""
    if view.state_name == LIGHTS[view.light]:
        return light(view)
    return Markup(f'{light(view)} <span class="ducha-state-name">{escape.inline(view.state_name)}</span>')


# The desk's table cells (issue 13), as the macros of internal/_desk.md.j2 write them (item pages still
# import those): called for every row of today's list, escalations and the overdue tables, where a
# Jinja macro call cost more than the rest of the row. Every value is escaped by `markdown_finalize`.
_text = escape.markdown_finalize
_COPY = '<button type="button" class="ducha-copy" title="复制命令" aria-label="复制命令">复制</button>'


def cmd(text) -> Markup:
    """A command to copy: options never break across lines."""
    words = [f'<span class="ducha-opt">{_text(w)}</span>' if w.startswith("-") else _text(w) for w in text.split(" ")]
    return Markup(f'<span class="ducha-cmd"><code>{" ".join(words)}</code>{_COPY}</span>')


def who(v) -> Markup:
    contact = _text(v.contact) if v.contact else "（未填联系人）"
    return Markup(f'{_text(v.lead_unit_name)}<br><span class="ducha-contact">{contact}</span>')


def item_cell(v, url_root) -> Markup:
    return Markup(f'<a href="{_text(url_root)}items/{v.id}/">{_text(v.id)}</a><br>{_text(v.title)}')


def urges(d) -> Markup:
    if not d.urges:
        return Markup("未催办")
    return Markup(f'已催办 {len(d.urges)} 次<br><span class="ducha-dates">最近 {_text(d.urges[-1])}</span>')


def list_rows(items, url_root, show_unit: bool, show_overdue: bool) -> Markup:
    """The rows of an item list (`_lists.md.j2`): state, id, title linked, unit, deadline, days overdue."""
    rows = []
    for v in items:
        unit = (f'<td class="ducha-unit"><a href="{_text(url_root)}units/{v.lead_unit}/">{_text(v.lead_unit_name)}</a></td>'
                if show_unit else "")
        deadline = f'<span class="ducha-label">期限 </span>{_text(v.deadline)}' if v.deadline else "期限未写明"
        days = (f'<td class="ducha-days"><span class="ducha-label">超期 </span>{_text(v.days_overdue)}'
                f'<span class="ducha-label"> 天</span></td>' if show_overdue else "")
        rows.append(f'<tr><td class="ducha-state">{state(v)}</td><td class="ducha-id">{_text(v.id)}</td>'
                    f'<td class="ducha-title"><a href="{_text(url_root)}items/{v.id}/">{_text(v.title)}</a></td>'
                    f'{unit}<td class="ducha-deadline">{deadline}</td>{days}</tr>')
    return Markup("\n".join(rows))


def todo_rows(todos, url_root, as_of: dt.date) -> Markup:
    """The rows of today's list (`internal/today.md.j2`), one per thing the office has to do."""
    rows = []
    for t in todos:
        if t.item:
            first, unit = f"{item_cell(t.item, url_root)}<br>{light(t.item)}", who(t.item)
        else:
            first, unit = _text(t.subject), "督查室"
        if t.due:
            wait = f"{_text(t.since)} 起<br><strong>{_text(t.days(as_of))}</strong> 天"
        else:
            wait = f"{_text(t.since)} 到期<br>还有 {_text(-t.days(as_of))} 天"
        forms = "".join(f'<br><a href="{_text(url_root)}forms/{slug}.html">打印{_text(label)}</a>' for label, slug in t.forms)
        rows.append(f'<tr data-kind="{t.kind}"><td>{first}</td><td><strong>{_text(t.action)}</strong></td>'
                    f"<td>{_text(t.why)}</td><td>{wait}</td><td>{unit}</td><td>{cmd(t.command)}{forms}</td></tr>")
    return Markup("\n".join(rows))


def escalation_rows(rows, url_root, as_of: dt.date) -> Markup:
    """The rows of one level of the escalation board (`internal/escalations.md.j2`)."""
    out = []
    for v, trig in rows:
        out.append(f"<tr><td>{item_cell(v, url_root)}</td><td>{_text(trig.why)}</td>"
                   f"<td>{_text(trig.reached)}<br>{_text((as_of - trig.reached).days)} 天前</td><td>{who(v)}</td>"
                   f'<td>{_text(v.deadline or "—")}</td><td>{light(v)} {_text(v.state_name)}</td>'
                   f"<td>{cmd(trig.command)}</td></tr>")
    return Markup("\n".join(out))


def environment(templates: Path = TEMPLATES) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        finalize=escape.markdown_finalize,
        autoescape=False,  # HTML escaping alone is wrong for Markdown; see escape.markdown_finalize
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["block"] = lambda v: Markup(escape.block(v))
    env.filters["page_title"] = lambda v: Markup(escape.page_title(v))
    env.filters["pct"] = pct
    env.globals.update(light=light, state=state, cmd=cmd, who=who, item_cell=item_cell, urges=urges, list_rows=list_rows,
                       todo_rows=todo_rows, escalation_rows=escalation_rows,
                       STATE_NAMES=STATE_NAMES, CATEGORIES=CATEGORIES, STATES=STATES,
                       FRAGMENT=Markup(MARK), HTML=Markup(HTML_START), END_HTML=Markup(HTML_END))
    return env


_HTML_BLOCK = re.compile(re.escape(HTML_START) + r"(.*?)" + re.escape(HTML_END), re.S)


class DocsWriter:
    """Renders templates into a docs folder, recording every file written.

    A template may end its Markdown with the fragment marker; what follows
    is plain HTML, written to `fragments/` and put in place by the builder
    after MkDocs rendered the page (see `mkdocs_hooks`). Blocks of plain HTML
    between `{{ HTML }}` and `{{ END_HTML }}` (long tables amid headings) go
    there too, each leaving a numbered marker in the Markdown.
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
        pieces: list[str] = []

        def cut(block: re.Match) -> str:
            pieces.append(block.group(1).strip("\n"))  # the marker's own line holds it: no blank lines added
            return f"\n\n{piece_mark(len(pieces))}\n\n"

        markdown = _HTML_BLOCK.sub(cut, markdown)
        self.file(rel, markdown + mark + "\n" if mark else markdown)
        if mark or pieces:
            self._write(self.fragments / (rel[:-3] + ".html"), PIECE.join([fragment, *pieces]).encode("utf-8"))

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


def write_docs(data: SiteData, docs: Path, fragments: Path, head: dict, feed_id: str,
               previous: Path | None = None) -> list[str]:
    """Write every page and file of one site into `docs` (HTML fragments into
    `fragments`); return the paths written under `docs`. `previous`: the last build's
    site of this audience, whose Word reports are reused when their content is the same."""
    env = environment()
    w = DocsWriter(docs, env, data, fragments)
    for asset in ("ducha.css", "ducha.js", "ducha-search.js"):
        w.file(f"assets/{asset}", (TEMPLATES / "assets" / asset).read_text(encoding="utf-8"))
    w.file(search.INDEX_PATH, search.search_index(data))
    w.file("ledger-head.json", json.dumps(head, ensure_ascii=False, indent=1) + "\n")

    # Charts (numbers as tables beside them on the same page).
    state_rows = [(STATE_NAMES[s], data.by_state[s], {"not_started": "red", "in_progress": "yellow",
                                                       "completed": "green", "closed": "done"}[s]) for s in STATES]
    category_rows = [(CATEGORIES[c].name, n, "default") for c, n in data.by_category.items()]
    w.file("assets/charts/states.svg", charts.bar_chart("各状态事项数", state_rows))
    w.file("assets/charts/categories.svg", charts.bar_chart("各类别事项数", category_rows))

    overdue = overdue_items(data.items)
    due, on_time = on_time_items(data.items, data.as_of)
    ranked = units_by_on_time_rate(data.units)
    w.page("index.md", "home.md.j2", ranked_units=ranked)
    # Item pages: one shell page here; ducha fills it for each item after MkDocs ran (`pages.py`).
    w.file(pages.SHELL, pages.shell_markdown(data.audience == INTERNAL))

    by_category = counts_by(data.items, lambda v: v.category)
    by_unit = counts_by(data.items, lambda v: v.lead_unit)
    by_state = counts_by(data.items, lambda v: v.state)
    assisting = assisted_by(data.items)
    overdue_by_unit = counts_by(overdue, lambda v: v.lead_unit)
    units = {u.id: u for u in data.units}
    for unit in assisting:  # a unit that only assists still has a page
        if unit not in units:
            names = data.unit_names.get(unit)
            units[unit] = UnitStats(unit, names.label if names else dict(assisting[unit][0].co_units)[unit])
    w.page("lists/index.md", "lists.md.j2", by_category=by_category, by_unit=by_unit, by_state=by_state,
           assisting=assisting, overdue=overdue, units=sorted(units.values(), key=lambda u: u.id))
    w.page("lists/all.md", "list.md.j2", heading="全部事项", items=data.items, intro="")
    w.page("lists/due.md", "list.md.j2", heading="已到期或已办结的事项", items=due,
           intro="按时办结率的分母：已过办结期限或已经办结的事项。")
    w.page("lists/on-time.md", "list.md.j2", heading="按时办结的事项", items=on_time,
           intro="按时办结率的分子：在办结期限内办结的事项。")
    for key, views in by_category.items():
        w.page(f"lists/category-{key}.md", "list.md.j2", heading=f"类别：{CATEGORIES[key].name}", items=views,
               intro="")
    for code in STATES:  # every state has a page, even an empty one: the home page links them all
        w.page(f"lists/state-{code}.md", "list.md.j2", heading=f"状态：{STATE_NAMES[code]}",
               items=by_state.get(code, []), intro="")
    counts = sorted(((u, len(v)) for u, v in overdue_by_unit.items()), key=lambda c: (-c[1], c[0]))
    if data.audience != INTERNAL:  # the internal site's overdue list is the desk's (urges, contacts), same path
        w.page("overdue/index.md", "overdue.md.j2", heading="超期事项", items=overdue, unit=None, by_unit=counts,
               units=units)
    for unit, views in overdue_by_unit.items():
        w.page(f"overdue/{unit}.md", "overdue.md.j2", heading=f"超期事项：{units[unit].name}", items=views,
               unit=units[unit], by_unit=counts, units=units)
    for unit in sorted(units):
        w.page(f"units/{unit}.md", "unit.md.j2", unit=units[unit], items=by_unit.get(unit, []),
               assists=assisting.get(unit, []), names=data.unit_names.get(unit),
               overdue=len(overdue_by_unit.get(unit, [])), assessment=data.assessment.get(unit, []))

    _write_sources(w, data)
    w.page("circulars.md", "circulars.md.j2")
    w.page("data.md", "data.md.j2", columns=files.COLUMNS, units=[units[u] for u in sorted(by_unit)])
    w.file("data/items.csv", files.items_csv(data))
    w.file("data/items.json", files.items_json(data))
    w.file(files.SCHEMA_PATH, files.items_schema())
    w.file("feed.xml", files.atom_feed(data, feed_id))
    for unit in sorted(by_unit):
        w.file(f"calendar/{unit}.ics", files.unit_calendar(data, unit, "ducha.invalid"))

    if data.audience == INTERNAL:
        w.page("escalations.md", "internal/escalations.md.j2")
        w.page("missing-reports.md", "internal/missing-reports.md.j2")
        w.page("upcoming.md", "internal/upcoming.md.j2")
        w.page("assessment.md", "internal/assessment.md.j2")
        w.page("signals.md", "internal/signals.md.j2")
        _write_reports(w, data, previous)
        from .desk import write_pages

        write_pages(w, data)
    return w.written


def _write_sources(w: "DocsWriter", data: SiteData) -> None:
    """Decisions and their tasks (issue 17): the list (public: 重点任务落实进展), one page per source,
    and internally each source's printable assignment sheet."""
    from .source_views import GROUPS

    w.page("sources/index.md", "sources.md.j2", sources=data.sources)
    for source in data.sources:
        w.page(f"sources/{source.id}.md", "source.md.j2", source=source, GROUPS=GROUPS)
    if data.audience == INTERNAL:
        from ..forms import office_name, render_source_form

        office = office_name(getattr(data.desk, "config", None))
        for source in data.sources:
            tasks = [dict(title=v.title, lead=v.lead_unit_name, co=[n for _, n in v.co_units], deadline=v.deadline,
                          contact=v.contact) for v in source.items]
            w.file(f"forms/source-{source.id}.html",
                   render_source_form(source, tasks, office, data.ledger_name, data.as_of,
                                      back=f"../sources/{source.id}/"))


def _write_reports(w: "DocsWriter", data: SiteData, previous: Path | None = None) -> None:
    import hashlib
    import io

    from ..assessment import WEIGHT_NAMES
    from ..cache import code_key
    from ..reports import KIND_NAMES, KINDS, METRIC_NAMES, METRICS, report_docx

    w.page("reports/index.md", "internal/reports.md.j2", KINDS=KINDS, KIND_NAMES=KIND_NAMES)
    latest: set[str] = set()
    code = code_key()
    for report in data.reports:
        slug = f"{report.period.kind}-{report.period.label}"
        # Word files for the newest report of each kind only: python-docx
        # needs seconds for a dozen long tables; older ones: `ducha report`.
        docx = report.period.kind not in latest
        if docx:
            latest.add(report.period.kind)
            # Made again only when the report or the code that lays it out changed: the key
            # is kept in the file itself (its zip comment), so it cannot disagree with it.
            key = hashlib.sha256(f"{code}|{data.as_of}|{report!r}".encode()).hexdigest().encode()
            made = _reusable_docx(previous / "reports" / f"{slug}.docx", key) if previous else None
            if made is None:
                buffer = io.BytesIO()
                report_docx(report, buffer)
                made = _stamped(buffer.getvalue(), data.as_of, key)
            w.file(f"reports/{slug}.docx", made)
        w.page(f"reports/{slug}.md", "internal/report.md.j2", report=report, slug=slug, KINDS=KINDS,
               METRICS=METRICS, METRIC_NAMES=METRIC_NAMES, docx=docx)
    w.page("scores.md", "internal/scores.md.j2", WEIGHT_NAMES=WEIGHT_NAMES)
    w.page("visits.md", "internal/visits.md.j2")


def _reusable_docx(path: Path, key: bytes) -> bytes | None:
    """The last build's Word file at `path`, if it was made from the same report (`key`)."""
    import io
    import zipfile

    try:
        data = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return data if z.comment == key else None
    except (OSError, zipfile.BadZipFile):
        return None


def _stamped(docx: bytes, day: dt.date, key: bytes = b"") -> bytes:
    """The Word file with every part dated `day` instead of the moment it was written,
    so the same report gives the same bytes (an incremental build equals a full one);
    `key` (what it was made from) goes into the zip comment, which Word ignores."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            stamped = zipfile.ZipInfo(info.filename, date_time=(day.year, day.month, day.day, 0, 0, 0))
            stamped.compress_type = info.compress_type
            stamped.external_attr = info.external_attr
            target.writestr(stamped, source.read(info))
        target.comment = key
    return out.getvalue()
