"""MkDocs hooks of the builder (listed in each site's config by `builder`).

`on_config` escapes the site name, which the theme prints as raw HTML.
`on_post_page` puts each page's HTML fragment in place after MkDocs
rendered it. Pages whose body is plain HTML (an item's table and timeline, long lists)
are split by `render.DocsWriter`: the Markdown keeps the title, the line
that search indexes and a marker comment; the HTML waits in a fragments
folder outside `docs/`. Replacing the marker in the finished page spares
Python-Markdown and the search indexer from parsing thousands of tables,
which is most of the build time on a large ledger. The page a reader gets
is the same.
"""
import json
from pathlib import Path

from jinja2.sandbox import SandboxedEnvironment, safe_range
from markupsafe import Markup

MARK = "<!-- ducha:fragment -->"


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


def on_post_page(output, page, config, **kwargs):
    folder = (config.extra or {}).get("ducha_fragments")
    if not folder or MARK not in output:
        return output
    fragment = Path(folder) / (page.file.src_uri[:-3] + ".html")
    try:
        html = fragment.read_text(encoding="utf-8")
    except OSError:
        return output
    return output.replace(MARK, html, 1)


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
