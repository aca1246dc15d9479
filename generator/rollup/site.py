"""The province site: MkDocs and Material as the cities' sites, offline, built whole and swapped in.

Pages: a table of cities (on-time rate, overdue, pending escalations, the
data's date, stale or not), a page per city linking to the city's own item
pages, the province's delegated items with both sides' status, and the
combined open data (CSV/JSON with a `city` column). Every text that came
from a city is escaped (`site.escape`) like ledger text on a city's site.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import jinja2
from markupsafe import Markup

from .. import resources
from ..findings import title_of
from ..site import builder, escape, files, outfolder

TEMPLATES = resources.site_templates() / "province"
ASSETS = resources.site_templates() / "assets"
SITE = "site"  # DIR/site is the published province site
MAX_LISTED = 200  # rows per list on a city page; the rest is on the city's own site
NAV = [{"各市情况": "index.md"}, {"交办事项": "delegated.md"}, {"核验记录": "checks.md"}, {"开放数据": "data.md"}]
STATUS_NAMES = {"ok": "已核验", "unchanged": "无变化（已核验）", "stale": "数据过期", "missing": "暂无数据"}
COLUMNS = [("city", "城市编号", "sources.yaml 中城市的编号。"), ("city_name", "城市", "城市名称。"),
           ("item_url", "事项网页", "该事项在城市公开网站上的网页地址。"), *files.COLUMNS]


def _url(value) -> Markup:
    """A URL (or a part of one) as a Markdown link target: anything that could end or break it percent-encoded."""
    from urllib.parse import quote

    return Markup(quote(str(value), safe=":/?#@!$&*+,;=%-._~"))


def when(stamp: str | None) -> str:
    """An ISO time stamp as people read it: 2026-11-26 20:02（北京时间）, or with its UTC offset."""
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(stamp or "")
    except ValueError:
        return stamp or "—"
    offset = moment.utcoffset()
    if offset is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    zone = "北京时间" if offset == dt.timedelta(hours=8) else moment.strftime("UTC%z")
    if zone.startswith("UTC"):
        zone = f"{zone[:6]}:{zone[6:]}"
    return f"{moment:%Y-%m-%d %H:%M}（{zone}）"


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), finalize=escape.markdown_finalize, autoescape=False,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["pct"] = lambda v: "—" if v is None else f"{v:.0%}"
    env.filters["page_title"] = lambda v: Markup(escape.page_title(v))
    env.globals["when"] = when  # a global, not a filter: the city site's environment also compiles these templates
    env.globals["url"] = _url
    env.globals["title_of"] = title_of
    env.globals["STATUS_NAMES"] = STATUS_NAMES
    return env


def publish(out: Path, name: str, cities: list, data, delegations: list, findings: list, stamp: str,
            sources_file: str = "sources.yaml") -> Path:
    """Build the province site in a work folder of `out`, then swap it in as out/site; return its folder."""
    outfolder.clean_output(out, (SITE,))
    with outfolder.work_folder(out) as work:
        docs, site_dir = work / "docs", work / SITE
        write_docs(docs, name, cities, data, delegations, findings, stamp, sources_file)
        config = builder.site_config(None, "public", docs, site_dir, name)
        config.update(nav=NAV, not_in_nav="cities/\n", hooks=[])  # no ducha search index here: the theme's own search
        config["markdown_extensions"] = [*(config.get("markdown_extensions") or []), "admonition"]
        try:
            builder.build(builder.write_config(config, work / "mkdocs.yml"))
        except Exception as e:  # MkDocs' own errors: the old site stays
            from . import RollupFailed

            raise RollupFailed(f"省级汇总网站生成失败（{e}），原有网站未被改动。") from e
        return outfolder.swap_all({SITE: site_dir}, out, (SITE,))[SITE]


def write_docs(docs: Path, name: str, cities: list, data, delegations: list, findings: list, stamp: str,
               sources_file: str = "sources.yaml") -> None:
    """`data(result, part)`: the bytes of a city's part (`state.PARTS`) of its shown data, or None."""
    env = _env()

    def page(rel: str, template: str, **context) -> None:
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        root = Markup("../" * rel.count("/"))
        path.write_text(env.get_template(template).render(name=name, stamp=stamp, root=root, **context),
                        encoding="utf-8")

    for asset in ("ducha.css", "ducha.js"):
        (docs / "assets").mkdir(parents=True, exist_ok=True)
        (docs / "assets" / asset).write_bytes((ASSETS / asset).read_bytes())
    by_city = {f.item: [] for f in findings if f.item}
    for f in findings:
        if f.item and f.file == sources_file:
            by_city[f.item].append(f)
    page("index.md", "index.md.j2", cities=cities, delegations=delegations)
    for result in cities:
        lists = _page(data(result, "page"))
        page(f"cities/{result.city.id}.md", "city.md.j2", result=result, overdue=lists["overdue"],
             overdue_total=lists["overdue_total"], higher=lists["higher"], higher_total=lists["higher_total"],
             findings=by_city.get(result.city.id, []), max_listed=MAX_LISTED)
    page("delegated.md", "delegated.md.j2", delegations=delegations)
    page("checks.md", "checks.md.j2", findings=findings, cities=cities)
    page("data.md", "data.md.j2", columns=COLUMNS, cities=cities)
    (docs / "data").mkdir(parents=True, exist_ok=True)
    write_combined(docs / "data", name, stamp, cities, data)


_NO_PAGE = {"overdue": [], "overdue_total": 0, "higher": [], "higher_total": 0}


def _page(body: bytes | None) -> dict:
    try:
        page = json.loads(body) if body is not None else None
    except ValueError:
        page = None
    return page if isinstance(page, dict) and page.keys() == _NO_PAGE.keys() else _NO_PAGE


def lookup(body: bytes | None) -> dict[str, dict]:
    """{item id: the fields a delegation shows} of a city, from its saved `lookup` part."""
    try:
        found = json.loads(body) if body is not None else None
    except ValueError:
        found = None
    return found if isinstance(found, dict) else {}


def warm_up() -> None:
    """Import MkDocs and load the search's Chinese dictionary (jieba, a second of work) in a thread while
    the cities are verified, so that the site build that follows does not wait for them."""
    try:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        import material.plugins.search.plugin  # noqa: F401
        import mkdocs.commands.build  # noqa: F401

        jieba.initialize()
    except Exception:  # noqa: BLE001 - only a head start: the build does the same and reports its own errors
        pass


def write_combined(folder: Path, name: str, stamp: str, cities: list, data) -> None:
    """data/items.csv and data/items.json: every city's items, one row each, with the city.

    Each city's rows were written out when it was verified (`work.fragments`): they are copied in,
    one city at a time, never parsed again."""
    with open(folder / "items.csv", "w", encoding="utf-8-sig", newline="") as csv_file, \
            open(folder / "items.json", "wb") as json_file:
        csv.writer(csv_file, lineterminator="\r\n").writerow([title for _, title, _ in COLUMNS])
        csv_file.flush()
        head = {"province": name, "generated": stamp,
                "cities": [{"id": r.city.id, "name": r.city.name, "url": r.city.url, "as_of": r.data_date,
                            "status": r.status, "stale_reason": r.reason, "commit": r.commit} for r in cities],
                "columns": [{"key": k, "title": t, "definition": d} for k, t, d in COLUMNS]}
        text = json.dumps(head, ensure_ascii=False, indent=1)
        json_file.write((text[:-2] + ',\n "items": [').encode("utf-8"))  # the same object, rows streamed into it
        first = True
        for result in cities:
            rows = data(result, "json")
            table = data(result, "csv")
            if rows is None or table is None:
                continue
            csv_file.buffer.write(table)
            if rows:
                json_file.write((b"\n  " if first else b",\n  ") + rows)
                first = False
        json_file.write(b"\n ]\n}\n")


def csv_cell(value):
    if value is True:
        return "true"
    if value is False:
        return "false"
    return files.csv_safe("" if value is None else value)
