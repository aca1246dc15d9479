"""The public and internal progress sites: `ducha build` and `ducha serve`.

Pipeline: load the ledger → run the rules as of a date → `site_data` (what
each audience may see, computed in Python) → `render.write_docs` (Markdown
from `site_templates/`) → `builder` (MkDocs). Both sites build side by side
into a temporary folder; the published folders are swapped in only when
both succeeded, so a failed build leaves the last good sites untouched.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..check import run_rules
from ..ledger import load_ledger, scan_ledger
from . import builder
from .model import INTERNAL, PUBLIC, site_data
from .render import write_docs

AUDIENCES = (PUBLIC, INTERNAL)
SITE_NAMES = {PUBLIC: "{name}", INTERNAL: "{name}（内部）"}


class BuildFailed(Exception):
    pass


def ledger_head(root: Path) -> str | None:
    """The commit the ledger's HEAD points at, or None outside a Git repository."""
    try:
        import git

        repo = git.Repo(root, search_parent_directories=True)
        return repo.head.commit.hexsha
    except Exception:  # not a repository, or no commit yet
        return None


def prepare_docs(root: Path, targets: dict[str, Path], as_of: dt.date, *, use_cache: bool = True) -> dict:
    """Write the Markdown of each requested site; return {audience: SiteData}."""
    scan = scan_ledger(root)
    ledger = load_ledger(scan, use_cache=use_cache)
    result = run_rules(ledger, as_of)
    head = {"commit": ledger_head(root), "as_of": as_of.isoformat(), "ledger": scan.config.name}
    out = {}
    for audience, docs in targets.items():
        data = site_data(result, scan.config, audience)
        write_docs(data, docs, {**head, "site": audience}, feed_id=f"urn:ducha:{audience}")
        out[audience] = data
    return out


def _build_one(config_file: str) -> None:
    builder.build(Path(config_file))


@dataclass
class BuildResult:
    out: Path
    sites: dict[str, Path]
    pages: dict[str, int]


def build_sites(root: Path, out: Path, as_of: dt.date, *, config_file: Path | None = None,
                use_cache: bool = True, parallel: bool = True) -> BuildResult:
    """Build `out/public` and `out/internal` for the ledger at `root`."""
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".ducha-build-", dir=out))
    try:
        docs = {a: work / f"docs-{a}" for a in AUDIENCES}
        data = prepare_docs(root, docs, as_of, use_cache=use_cache)
        base = config_file or (root / "mkdocs.yml" if (root / "mkdocs.yml").is_file() else None)
        configs = []
        for audience in AUDIENCES:
            name = SITE_NAMES[audience].format(name=data[audience].ledger_name)
            config = builder.site_config(base, audience, docs[audience], work / f"site-{audience}", name)
            configs.append(str(builder.write_config(config, work / f"mkdocs-{audience}.yml")))
        try:
            if parallel and (os.cpu_count() or 1) > 1:
                with ProcessPoolExecutor(max_workers=2) as pool:
                    for future in [pool.submit(_build_one, c) for c in configs]:
                        future.result()
            else:
                for c in configs:
                    _build_one(c)
        except (Exception, SystemExit) as e:
            raise BuildFailed(f"网站生成失败：{e}") from e
        sites = {}
        for audience in AUDIENCES:
            sites[audience] = _swap(work / f"site-{audience}", out / audience)
        return BuildResult(out, sites, {a: len(data[a].items) for a in AUDIENCES})
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _swap(new: Path, target: Path) -> Path:
    """Replace `target` by `new` with two renames, so readers never see half a site."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def prepare_serve(root: Path, audience: str) -> Path:
    """Set up `ducha serve`: a docs folder, and an MkDocs config that watches the ledger."""
    work = root / ".ducha-cache" / "serve" / audience
    docs = work / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    os.environ["DUCHA_SERVE"] = json.dumps({"ledger": str(root), "audience": audience, "docs": str(docs)})
    data = prepare_docs(root, {audience: docs}, dt.date.today())
    base = root / "mkdocs.yml" if (root / "mkdocs.yml").is_file() else None
    config = builder.site_config(base, audience, docs, work / "site",
                                 SITE_NAMES[audience].format(name=data[audience].ledger_name))
    config["watch"] = [str(root / "items"), str(root / "ledger.yaml")]
    config["hooks"] = [str(builder.SERVE_HOOK)]
    config["strict"] = False  # a half-typed edit should show, not stop the preview
    return builder.write_config(config, work / "mkdocs.yml")
