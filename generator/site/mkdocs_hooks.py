"""MkDocs hooks of the builder (listed in each site's config by `builder`).

`on_config` escapes the site name, which the theme prints as raw HTML.
`on_post_page` and `on_post_template` point each page's search at ducha's
own worker (`assets/ducha-search.js`, see `search.py`); the 404 page is
also put into Chinese. `on_post_page` puts each page's HTML fragment in
place after MkDocs rendered it. Pages whose body is plain HTML (an item's table and timeline, long lists)
are split by `render.DocsWriter`: the Markdown keeps the title, the line
that search indexes and a marker comment; the HTML waits in a fragments
folder outside `docs/`. Replacing the marker in the finished page spares
Python-Markdown and the search indexer from parsing thousands of tables,
which is most of the build time on a large ledger. The page a reader gets
is the same. Long tables amid a page's headings are cut out the same way,
each leaving a numbered marker (`piece_mark`) where it goes back.
"""
import json
import re
from pathlib import Path

from jinja2.sandbox import SandboxedEnvironment, safe_range
from markupsafe import Markup

MARK = "<!-- ducha:fragment -->"
HTML_START, HTML_END = "<!-- ducha:html -->", "<!-- /ducha:html -->"
PIECE = "\n<!-- ducha:piece -->\n"  # between the tail and the numbered blocks of a page's fragment file


def piece_mark(n: int) -> str:
    return f"<!-- ducha:fragment:{n} -->"


def on_config(config, **kwargs):
    """Make the site name (the ledger's `name`) safe HTML.

    The theme prints `config.site_name` unescaped in the title bar, header
    and navigation, and with `|e` in a few attributes. As escaped `Markup`
    it shows literally in all of them, and `|e` does not escape it twice.
    """
    if not isinstance(config.site_name, Markup):
        config.site_name = Markup.escape(config.site_name)
    return config


class _Sandboxed(SandboxedEnvironment):
    """MkDocs' theme environment, turned into Jinja's sandbox (see `on_env`)."""


def on_env(env, config, files, **kwargs):
    """Render the theme's templates in Jinja's sandbox.

    A theme `custom_dir` comes from the ledger repository, and a template
    in an ordinary Jinja environment runs any Python
    (`{{ x.__class__.__init__.__globals__ ... }}`). The sandbox refuses
    such attribute access and unsafe calls. MkDocs made `env` (loader,
    filters, translations) already; it only changes class, before any
    template is compiled (compilation is what reads `sandboxed`).
    """
    if not env.sandboxed:
        env.__class__ = _Sandboxed
        env.globals["range"] = safe_range
        env.binop_table = SandboxedEnvironment.default_binop_table.copy()
        env.unop_table = SandboxedEnvironment.default_unop_table.copy()
        if env.cache is not None:
            env.cache.clear()
    return env


# The theme's search worker, as named in each page's settings (`__config`):
# replaced by ducha's (generator/site/search.py says why).
_THEME_WORKER = re.compile(r'("search":\s*")([^"]*?)assets/javascripts/workers/search\.[0-9a-f]+\.min\.js"')
DUCHA_WORKER = "assets/ducha-search.js"


def use_ducha_search(html: str) -> str:
    return _THEME_WORKER.sub(lambda m: f'{m.group(1)}{m.group(2)}{DUCHA_WORKER}"', html, count=1)


_NOT_FOUND = re.compile(r"<h1>404 - Not found</h1>")
_BASE = re.compile(r'"base":\s*"([^"\\<>]*)"')


def not_found_page(html: str) -> str:
    """The theme's 404 page, in Chinese, with the ways on."""
    found = _BASE.search(html)
    base = (found.group(1) if found else "/").rstrip("/") + "/"
    body = (
        "<h1>页面不存在</h1>\n"
        "<p>没有找到这个网页（404）。地址可能输错了，或者事项编号有误。</p>\n"
        "<ul>\n"
        f'<li><a href="{base}">回到首页</a></li>\n'
        f'<li><a href="{base}overdue/">超期事项</a></li>\n'
        f'<li><a href="{base}lists/">全部清单</a></li>\n'
        "</ul>\n"
        "<p>也可以点页面顶部的搜索，按事项名称、单位（如“住建局”）或状态（如“超期”）查找。</p>"
    )
    return _NOT_FOUND.sub(lambda m: body, html, count=1)


def on_post_template(output_content, template_name, config, **kwargs):
    if template_name == "404.html":
        return not_found_page(use_ducha_search(output_content))
    return output_content


def on_post_page(output, page, config, **kwargs):
    output = use_ducha_search(output)
    folder = (config.extra or {}).get("ducha_fragments")
    if not folder or "<!-- ducha:fragment" not in output:
        return output
    fragment = Path(folder) / (page.file.src_uri[:-3] + ".html")
    try:
        tail, *pieces = fragment.read_text(encoding="utf-8").split(PIECE)
    except OSError:
        return output
    for n, piece in enumerate(pieces, 1):
        output = output.replace(piece_mark(n), piece, 1)
    return output.replace(MARK, tail, 1)


def on_post_build(config, **kwargs):
    """Rewrite the search index as UTF-8 JSON.

    The theme writes it with every Chinese character as a six-byte \\uXXXX
    escape; the same JSON in UTF-8 is about 40% smaller, and a phone has to
    download all of it before search works.
    """
    path = Path(config.site_dir) / "search" / "search_index.json"
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
