"""The files ducha ships beside its code, found with `importlib.resources`.

Never a path relative to the checkout: the same calls work from a wheel
(`pip install ducha`, pipx) and from an editable install of the repository,
where pyproject.toml maps the repository's folders into the package:

- `site_templates/` → `<package>.site_templates` (page and form templates,
  site assets, ducha's default `mkdocs.yml`);
- `hooks/` → `<package>.hooks` (the Git server hooks);
- `generator/init_templates/` (what `ducha init` writes);
- the demo ledger (`ledger.yaml`, `items/`, `inspections/`), copied into
  `<package>/demo/` when the wheel is built (see setup.py); an editable
  install reads it from the project folder pip recorded (PEP 610).
"""
from __future__ import annotations

import atexit
import contextlib
import json
from importlib import resources
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from .errors import DuchaError

PACKAGE = __package__
_KEEP = contextlib.ExitStack()  # files extracted from a zipped install live until exit
atexit.register(_KEEP.close)


def _real(traversable) -> Path:
    if isinstance(traversable, Path):
        return traversable
    return Path(_KEEP.enter_context(resources.as_file(traversable)))


def site_templates() -> Path:
    """The folder of page templates, assets, forms and the default mkdocs.yml."""
    return _real(resources.files(f"{PACKAGE}.site_templates"))


def hooks() -> Path:
    """The folder of Git server hooks (pre-receive, post-receive)."""
    return _real(resources.files(f"{PACKAGE}.hooks"))


def package_file(module: str, name: str) -> Path:
    """A file beside a module of ours, e.g. ("site", "mkdocs_hooks.py")."""
    return _real(resources.files(f"{PACKAGE}.{module}" if module else PACKAGE).joinpath(name))


def init_templates() -> Path:
    """The files `ducha init` writes into a new ledger."""
    return _real(resources.files(PACKAGE).joinpath("init_templates"))


class DemoMissing(DuchaError):
    pass


def demo_ledger() -> Path:
    """The demo ledger's folder (ledger.yaml, items/, inspections/)."""
    shipped = resources.files(PACKAGE).joinpath("demo")
    if shipped.is_dir():
        return _real(shipped)
    project = _editable_project()
    if project is not None and (project / "ledger.yaml").is_file() and (project / "items").is_dir():
        return project
    raise DemoMissing("这份 ducha 没有附带演示台账（演示事项只随安装包提供）。请用 pip 或 pipx 安装的 ducha 运行 --demo，"
                      "或不加 --demo 新建空台账。")


def _editable_project() -> Path | None:
    """The project folder of an editable install, as pip recorded it (direct_url.json)."""
    from importlib.metadata import distributions

    for dist in distributions(name="ducha"):  # a build's ducha.egg-info may come first on sys.path
        try:
            recorded = json.loads(dist.read_text("direct_url.json") or "{}")
        except (OSError, ValueError):
            continue
        url = urlparse(recorded.get("url", "") if isinstance(recorded, dict) else "")
        if url.scheme == "file" and recorded.get("dir_info", {}).get("editable"):
            return Path(url2pathname(url.path))
    return None
