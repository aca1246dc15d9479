"""The site builder: the only module that knows MkDocs and Material for MkDocs.

Everything above it produces a folder of Markdown plus static files; this
module turns such a folder into a site. Material for MkDocs reaches end of
life on 2027-05-05 (its build prints a notice saying so); its successor,
Zensical, reads the same `mkdocs.yml`, and ProperDocs is a drop-in fork of
MkDocs 1.6. A later switch should touch only this module.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from .. import resources
from ..errors import DuchaError

DEFAULT_CONFIG = resources.site_templates() / "mkdocs.yml"
HOOKS = resources.package_file("site", "mkdocs_hooks.py")

# Small navigation: item pages are reached through lists and search, never
# listed in the nav (a nav of every page makes the build quadratic).
NAV = {
    "public": [
        {"首页": "index.md"},
        {"重点任务落实进展": "sources/index.md"},
        {"全部清单": "lists/index.md"},
        {"通报": "circulars.md"},
        {"开放数据": "data.md"},
    ],
    "internal": [
        {"今日待办": "index.md"},
        {"督办看板": "escalations.md"},
        {"超期事项": "overdue/index.md"},
        {"超期未催办": "overdue-not-urged.md"},
        {"缺报月报": "missing-reports.md"},
        {"督查报告": "reports/index.md"},
        {"考核得分": "scores.md"},
        {"带队督查": "visits.md"},
        {"14 天内到期": "upcoming.md"},
        {"日常考核工作台账": "assessment.md"},
        {"真实性提示": "signals.md"},
        {"决策部署": "sources/index.md"},
        {"全部清单": "lists/index.md"},
        {"通报": "circulars.md"},
        {"开放数据": "data.md"},
    ],
}
NOT_IN_NAV = "items/\nlists/\nunits/\nreports/*-*.md\nsources/\n"

# Settings that would make a built page call another host; refused whatever
# the ledger's mkdocs.yml says, since the sites must work offline.
_OUTBOUND_KEYS = ("repo_url", "repo_name", "edit_uri", "google_analytics")


class ConfigRefused(DuchaError):
    """The MkDocs settings cannot be used (unreadable, or not offline); the message says why in Chinese."""


OFFLINE = "督查网站必须离线可用、不向其他网站发请求"

# A reference to another host: http(s)/ftp, or protocol-relative //host.
_EXTERNAL = r"(?:(?:https?|ftp|wss?):)?//[^/\s\"'`<>)]"
_EXTERNAL_RE = re.compile(r"\s*" + _EXTERNAL, re.I)
# In HTML or CSS: what makes a browser fetch from another host as the page loads.
_LOADS = [re.compile(p, re.I) for p in (
    r"\b(?:src|srcset|data|poster|background|action|formaction|imagesrcset)\s*=\s*[\"']?\s*" + _EXTERNAL,
    r"<(?:link|image|use|feimage)\b[^>]*?\b(?:xlink:)?href\s*=\s*[\"']?\s*" + _EXTERNAL,
    r"<meta\b[^>]*?\burl\s*=\s*" + _EXTERNAL,
    r"url\(\s*[\"']?\s*" + _EXTERNAL,
    r"@import\s+[\"']\s*" + _EXTERNAL,
)]
# In JavaScript (a .js file, or a <script> block): any URL of another host in a string.
_JS_URL = re.compile(r"[\"'`]\s*" + _EXTERNAL, re.I)
_SCRIPT_BLOCK = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.I | re.S)
MAX_OVERRIDE_FILES = 2000
_SCANNED = (".html", ".htm", ".j2", ".jinja", ".js", ".mjs", ".css", ".svg", ".xml", ".json", ".webmanifest")
MAX_OVERRIDE_BYTES = 2_000_000

# What a ledger's mkdocs.yml may name. MkDocs imports whatever a plugin,
# a hook or a Markdown extension names, and Python-Markdown's
# `module:Class` form calls any class of any module with the options as
# arguments (`subprocess:Popen` runs a command while the config loads), so
# only these are allowed. Plugins ducha drops because they fetch from
# other hosts are listed apart (dropped silently, as before).
ALLOWED_PLUGINS = ("search", "material/search", "tags", "material/tags")
DROPPED_PLUGINS = ("offline", "social", "privacy", "material/offline", "material/social", "material/privacy")
_MARKDOWN_BUILTIN = ("abbr", "admonition", "attr_list", "codehilite", "def_list", "extra", "fenced_code",
                     "footnotes", "legacy_attrs", "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists",
                     "smarty", "tables", "toc", "wikilinks")
# pymdownx.snippets and pymdownx.b64 are left out: they paste files of the machine into a page.
_PYMDOWNX = ("arithmatex", "betterem", "blocks.admonition", "blocks.details", "blocks.html",
             "blocks.tab", "caret", "critic", "details", "emoji", "escapeall", "extra", "fancylists",
             "highlight", "inlinehilite", "keys", "magiclink", "mark", "progressbar", "saneheaders",
             "smartsymbols", "striphtml", "superfences", "tabbed", "tasklist", "tilde")
ALLOWED_EXTENSIONS = frozenset(
    [*_MARKDOWN_BUILTIN, *(f"markdown.extensions.{n}" for n in _MARKDOWN_BUILTIN),
     *(f"pymdownx.{n}" for n in _PYMDOWNX), "material.extensions.preview"])


def _external(value) -> bool:
    return isinstance(value, str) and bool(_EXTERNAL_RE.match(value))


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def loads_from_elsewhere(text: str, javascript: bool = False) -> list[int]:
    """Lines of `text` (HTML, CSS or, with `javascript`, JS) that fetch from another host."""
    hits = []
    for pattern in ([] if javascript else _LOADS):
        hits += [m.start() for m in pattern.finditer(text)]
    if javascript:
        hits += [m.start() for m in _JS_URL.finditer(text)]
    else:
        for block in _SCRIPT_BLOCK.finditer(text):
            hits += [block.start(1) + m.start() for m in _JS_URL.finditer(block.group(1))]
    return sorted({text.count("\n", 0, at) + 1 for at in hits})


def _strings(node, path: str):
    """(key path, text) of every string in a YAML tree."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for n, v in enumerate(node):
            yield from _strings(v, f"{path}[{n}]")


def load_base(base_file: Path | None) -> dict:
    """The ledger's MkDocs settings (or ducha's own), refused unless the site stays offline.

    Refused: `extra_javascript` / `extra_css` / a theme logo or favicon on
    another host; any setting whose HTML or CSS (e.g. `copyright`) loads from
    another host; a URL of another host in a Markdown extension's options; a
    theme `custom_dir` with a template, script or style that loads from
    another host; `INHERIT` (settings from another file); YAML tags
    (`!!python/...`), which would run code.
    """
    path = base_file or DEFAULT_CONFIG
    name = path.name if base_file else "ducha 自带的 mkdocs.yml"
    try:
        text = path.read_text(encoding="utf-8")
        base = yaml.safe_load(text) or {}
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigRefused(f"无法读取网站设置文件 {path}：{e}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark else ""
        raise ConfigRefused(f"网站设置文件 {name} {where}无法读取：{getattr(e, 'problem', None) or e}。"
                            "请写成普通的 YAML（不要用 !!python/... 之类的标签，它们会运行代码）。") from None
    if not isinstance(base, dict):
        raise ConfigRefused(f"网站设置文件 {name} 应当是“键: 值”的设置，请对照 ducha 自带的 mkdocs.yml 修改。")
    if "INHERIT" in base:
        raise ConfigRefused(f"网站设置文件 {name} 第 {_line_of(text, 'INHERIT')} 行用了 INHERIT，ducha 不支持从其他文件继承设置："
                            "请把需要的设置直接写进这个文件。")
    problems = _code_settings(base, text, name)
    if problems:
        raise ConfigRefused("网站设置不能让 ducha 运行台账仓库里的代码或任意 Python 模块：\n  " + "\n  ".join(problems))
    problems = []

    def refuse(where: str, value: str, what: str) -> None:
        problems.append(f"{name} 第 {_line_of(text, value)} 行 {where}：{what} {value}")

    for key in ("extra_javascript", "extra_css"):
        for entry in base.get(key) or []:
            value = entry.get("path") if isinstance(entry, dict) else entry
            if _external(value):
                refuse(key, value, "从其他网站加载")
    theme = base.get("theme") if isinstance(base.get("theme"), dict) else {}
    for key in ("logo", "favicon"):
        if _external(theme.get(key)):
            refuse(f"theme.{key}", theme[key], "从其他网站加载")
    for where, value in _strings(base, ""):
        if loads_from_elsewhere(value) or (where.startswith("markdown_extensions") and _external(value)):
            refuse(where, value.strip().splitlines()[0][:80] if value.strip() else value, "从其他网站加载内容")
    custom = theme.get("custom_dir")
    if custom:
        folder = (path.parent / str(custom)).resolve()
        theme["custom_dir"] = str(folder)  # MkDocs would resolve it from the written config's folder
        problems += _scan_overrides(folder, path.parent)
    if problems:
        raise ConfigRefused(f"{OFFLINE}，但网站设置引用了其他网站的内容：\n  " + "\n  ".join(problems)
                            + "\n请删除这些设置，或把所需文件下载后放进 theme.custom_dir 目录并用相对路径引用。")
    return base


def _entry_name(entry) -> str | None:
    """The name of a `plugins` / `markdown_extensions` entry: a string, or the one key of a mapping."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and len(entry) == 1 and isinstance(next(iter(entry)), str):
        return next(iter(entry))
    return None


def _code_settings(base: dict, text: str, name: str) -> list[str]:
    """Settings that would import Python code: hooks, other plugins, other Markdown extensions."""
    problems = []
    if base.get("hooks"):
        problems.append(f"{name} 第 {_line_of(text, 'hooks')} 行 hooks：ducha 不运行台账里的 MkDocs 钩子（Python 文件），"
                        "请删除 hooks 设置；网站需要的功能请向 ducha 提出")
    plugins = base.get("plugins")
    entries = list(plugins.items()) if isinstance(plugins, dict) else plugins
    if plugins is not None and not isinstance(entries, list):
        problems.append(f"{name} 第 {_line_of(text, 'plugins')} 行 plugins 应当是插件名称的列表")
        entries = []
    for entry in entries or []:
        plugin = entry[0] if isinstance(entry, tuple) else _entry_name(entry)
        if plugin not in ALLOWED_PLUGINS + DROPPED_PLUGINS:
            shown = plugin if plugin is not None else str(entry)[:60]
            problems.append(f"{name} 第 {_line_of(text, shown)} 行 plugins：不允许插件 {shown}，"
                            f"只能用 {'、'.join(ALLOWED_PLUGINS)}，请删除这一项")
    extensions = base.get("markdown_extensions")
    if extensions is not None and not isinstance(extensions, list):
        problems.append(f"{name} 第 {_line_of(text, 'markdown_extensions')} 行 markdown_extensions 应当是扩展名称的列表")
        extensions = []
    for entry in extensions or []:
        ext = _entry_name(entry)
        if ext not in ALLOWED_EXTENSIONS:
            shown = ext if ext is not None else str(entry)[:60]
            problems.append(f"{name} 第 {_line_of(text, shown)} 行 markdown_extensions：不允许扩展 {shown}"
                            "（只能用 Python-Markdown 自带的扩展和 pymdownx 中不读取文件的扩展，"
                            "不能写“模块:类”），请删除这一项")
    return problems


def _scan_overrides(folder: Path, top: Path) -> list[str]:
    """Templates, scripts and styles of a theme `custom_dir` that load from another host."""
    if not folder.is_dir():
        return []
    problems = []
    for n, file in enumerate(folder.rglob("*")):
        if n >= MAX_OVERRIDE_FILES:
            problems.append(f"{folder} 中文件超过 {MAX_OVERRIDE_FILES} 个，无法逐一检查，请只放网站需要的模板和文件")
            break
        if file.suffix.lower() not in _SCANNED or not file.is_file():  # never a FIFO or a device
            continue
        try:
            rel = file.relative_to(top).as_posix()
        except ValueError:
            rel = str(file)
        try:
            with file.open("rb") as f:
                data = f.read(MAX_OVERRIDE_BYTES + 1)
        except OSError as e:
            problems.append(f"{rel}：无法读取（{e}）")
            continue
        if len(data) > MAX_OVERRIDE_BYTES:
            problems.append(f"{rel}：超过 {MAX_OVERRIDE_BYTES // 1_000_000} MB，无法检查是否从其他网站加载内容，请精简")
            continue
        lines = loads_from_elsewhere(data.decode("utf-8", "replace"), javascript=file.suffix.lower() in (".js", ".mjs"))
        problems += [f"{rel} 第 {line} 行：从其他网站加载内容" for line in lines]
    return problems


def with_defaults(default: dict, ledger: dict) -> dict:
    """The ledger's mkdocs.yml over ducha's own: a key it writes replaces the
    default; `theme` is merged key by key unless it names another theme."""
    merged = {**default, **ledger}
    theme, own = default.get("theme"), ledger.get("theme")
    if isinstance(theme, dict) and isinstance(own, dict) and own.get("name", theme.get("name")) == theme.get("name"):
        merged["theme"] = {**theme, **own}
    return merged


def site_config(base_file: Path | None, audience: str, docs_dir: Path, site_dir: Path, site_name: str,
                fragments: Path | None = None) -> dict:
    """The MkDocs configuration for one site, as a plain dict.

    `fragments`: the folder of HTML fragments that `mkdocs_hooks` puts into
    the rendered pages. Raises `ConfigRefused` (see `load_base`).
    """
    base = load_base(base_file)
    if base_file is not None:
        base = with_defaults(load_base(None), base)
    config = {k: v for k, v in base.items() if k not in _OUTBOUND_KEYS}
    theme = dict(config.get("theme") or {})
    theme.setdefault("name", "material")
    theme["language"] = "zh"
    theme["font"] = False  # no Google Fonts
    config["theme"] = theme
    extra = dict(config.get("extra") or {})
    extra.pop("analytics", None)
    extra["generator"] = False
    if fragments is not None:
        extra["ducha_fragments"] = str(fragments)
    config["extra"] = extra
    config["hooks"] = [str(HOOKS)]
    plugins = config.get("plugins") or ["search"]
    if isinstance(plugins, dict):
        plugins = [{k: v} if v else k for k, v in plugins.items()]
    plugins = [p for p in plugins if _entry_name(p) not in DROPPED_PLUGINS]
    config["plugins"] = plugins
    config.update(
        site_name=site_name,
        docs_dir=str(docs_dir),
        site_dir=str(site_dir),
        nav=NAV[audience],
        not_in_nav=NOT_IN_NAV,
        use_directory_urls=True,
        strict=True,  # a broken internal link fails the build instead of publishing it
    )
    assets = [("extra_css", "assets/ducha.css"), ("extra_javascript", "assets/ducha.js")]
    if audience == "internal":  # the desk: copy buttons, command cells, A4 print of forms
        assets += [("extra_css", "assets/desk.css"), ("extra_javascript", "assets/desk.js")]
    for key, asset in assets:
        present = list(config.get(key) or [])
        config[key] = present if asset in present else [*present, asset]
    return config


def edit_settings(base_file: Path | None) -> tuple[object, object]:
    """MkDocs' `repo_url` and `edit_uri` of the ledger's settings (None, None if unset).

    They never reach MkDocs (Material would show its repository widget and
    fetch statistics from the host); the internal site renders its own
    "edit" link to each item's YAML file from them."""
    try:
        base = load_base(base_file) if base_file else {}
    except ConfigRefused:
        return None, None
    return base.get("repo_url"), base.get("edit_uri")


def write_config(config: dict, path: Path) -> Path:
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


END_OF_LIFE_NOTICE = (
    "提示：网站由 MkDocs + Material for MkDocs 生成。Material for MkDocs 将于 2027-05-05 停止维护"
    "（此前仍有关键修复和安全更新），其后继者 Zensical 可读取同一 mkdocs.yml。"
    "届时 ducha 只需更换其中与 MkDocs 打交道的一个模块，台账和模板不受影响。"
)


def build(config_file: Path) -> None:
    """Run a full (never dirty) MkDocs build of `config_file`."""
    _quiet_segmenter()
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    _log_warnings()
    from jinja2.exceptions import SecurityError

    config = load_config(config_file=str(config_file))
    try:
        mkdocs_build(config, dirty=False)
    except SecurityError as e:  # raised by the sandbox of `mkdocs_hooks.on_env`
        raise ConfigRefused(f"theme.custom_dir 中的模板做了模板沙箱不允许的事（{e}）：模板只能显示数据，"
                            "不能访问以下划线开头的属性或运行代码，请修改或删除这个模板") from None


def _quiet_segmenter() -> None:
    # jieba (Chinese segmentation for search) announces its dictionary on stderr.
    try:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
    except ImportError:
        pass


def _log_warnings() -> None:
    # MkDocs reports problems through logging; show them (strict mode then
    # fails the build), but not its INFO chatter.
    import logging

    log = logging.getLogger("mkdocs")
    if not any(getattr(h, "_ducha", False) for h in log.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("MkDocs %(levelname)s: %(message)s"))
        handler.setLevel(logging.WARNING)
        handler._ducha = True
        log.addHandler(handler)


def serve(config_file: Path, host: str, port: int) -> None:
    """Preview one site with live reload (`serve_hook` regenerates its Markdown)."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    _quiet_segmenter()
    _log_warnings()
    mkdocs_serve(config_file=str(config_file), dev_addr=f"{host}:{port}", livereload=True)


SERVE_HOOK = resources.package_file("site", "serve_hook.py")
