"""The site builder: the only module that knows MkDocs and Material for MkDocs.

Everything above it produces a folder of Markdown plus static files; this
module turns such a folder into a site. Material for MkDocs reaches end of
life on 2027-05-05 (its build prints a notice saying so); its successor,
Zensical, reads the same `mkdocs.yml`, and ProperDocs is a drop-in fork of
MkDocs 1.6. A later switch should touch only this module.
"""
from __future__ import annotations

from pathlib import Path

import yaml

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent.parent / "mkdocs.yml"
HOOKS = Path(__file__).with_name("mkdocs_hooks.py")

# Small navigation: item pages are reached through lists and search, never
# listed in the nav (a nav of every page makes the build quadratic).
NAV = {
    "public": [
        {"首页": "index.md"},
        {"全部清单": "lists/index.md"},
        {"通报": "circulars.md"},
        {"开放数据": "data.md"},
    ],
    "internal": [
        {"首页": "index.md"},
        {"督办看板": "escalations.md"},
        {"缺报月报": "missing-reports.md"},
        {"督查报告": "reports/index.md"},
        {"考核得分": "scores.md"},
        {"带队督查": "visits.md"},
        {"14 天内到期": "upcoming.md"},
        {"日常考核工作台账": "assessment.md"},
        {"真实性提示": "signals.md"},
        {"全部清单": "lists/index.md"},
        {"通报": "circulars.md"},
        {"开放数据": "data.md"},
    ],
}
NOT_IN_NAV = "items/\nlists/\nunits/\nreports/*-*.md\n"

# Settings that would make a built page call another host; refused whatever
# the ledger's mkdocs.yml says, since the sites must work offline.
_OUTBOUND_KEYS = ("repo_url", "repo_name", "edit_uri", "google_analytics")


def site_config(base_file: Path | None, audience: str, docs_dir: Path, site_dir: Path, site_name: str,
                fragments: Path | None = None) -> dict:
    """The MkDocs configuration for one site, as a plain dict.

    `fragments`: the folder of HTML fragments that `mkdocs_hooks` puts into
    the rendered pages.
    """
    base = yaml.safe_load((base_file or DEFAULT_CONFIG).read_text(encoding="utf-8")) or {}
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
    plugins = [p for p in (config.get("plugins") or ["search"])
               if (p if isinstance(p, str) else next(iter(p))) not in ("offline", "social", "privacy")]
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
    for key, asset in (("extra_css", "assets/ducha.css"), ("extra_javascript", "assets/ducha.js")):
        present = list(config.get(key) or [])
        config[key] = present if asset in present else [*present, asset]
    return config


def write_config(config: dict, path: Path) -> Path:
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


END_OF_LIFE_NOTICE = (
    "提示：网站由 MkDocs + Material for MkDocs 生成。Material for MkDocs 将于 2027-05-05 停止维护"
    "（此前仍有关键修复和安全更新），其后继者 Zensical 可读取同一 mkdocs.yml。"
    "届时 ducha 只需更换 generator/site/builder.py，台账和模板不受影响。"
)


def build(config_file: Path) -> None:
    """Run a full (never dirty) MkDocs build of `config_file`."""
    _quiet_segmenter()
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    _log_warnings()
    config = load_config(config_file=str(config_file))
    mkdocs_build(config, dirty=False)


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


SERVE_HOOK = Path(__file__).with_name("serve_hook.py")
