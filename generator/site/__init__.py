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
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..cache import open_folder
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


def _evaluate(root: Path, as_of: dt.date, use_cache: bool):
    scan = scan_ledger(root)
    ledger = load_ledger(scan, use_cache=use_cache)
    result = run_rules(ledger, as_of)
    head = {"commit": ledger_head(root), "as_of": as_of.isoformat(), "ledger": scan.config.name}
    history = item_histories(root, use_cache) if head["commit"] else {}
    return scan.config, result, head, history, ledger.inspections


def item_histories(root: Path, use_cache: bool) -> dict:
    """item id → [(CommitRecord, its changes to the item)], from the ledger's Git history."""
    from ..history import HistoryError, read_history

    try:
        records = read_history(root, use_cache=use_cache)
    except HistoryError:
        return {}
    out: dict = {}
    for record in records:
        by_item: dict = {}
        for change in record.changes:
            if change.item:
                by_item.setdefault(change.item, []).append(change)
        for item, changes in by_item.items():
            out.setdefault(item, []).append((record, changes))
    return out


def _write_site_docs(config, result, head: dict, history: dict, inspections: list, audience: str, docs: Path):
    data = site_data(result, config, audience, history, inspections)
    write_docs(data, docs, fragments_of(docs), {**head, "site": audience}, feed_id=f"urn:ducha:{audience}")
    return data


def fragments_of(docs: Path) -> Path:
    """Where the HTML fragments of a docs folder live (beside it, not in it)."""
    return docs.with_name(docs.name + "-fragments")


def prepare_docs(root: Path, targets: dict[str, Path], as_of: dt.date, *, use_cache: bool = True) -> dict:
    """Write the Markdown of each requested site; return {audience: SiteData}."""
    evaluated = _evaluate(root, as_of, use_cache)
    return {a: _write_site_docs(*evaluated, a, docs) for a, docs in targets.items()}


# What the build workers share: set before the pool forks, so the evaluated
# ledger is inherited rather than pickled to each worker.
_SHARED: dict = {}


def _build_audience(audience: str, work: str, base: str | None) -> int:
    work = Path(work)
    data = _write_site_docs(*_SHARED["evaluated"], audience, work / f"docs-{audience}")
    name = SITE_NAMES[audience].format(name=data.ledger_name)
    docs = work / f"docs-{audience}"
    mk = builder.site_config(Path(base) if base else None, audience, docs, work / f"site-{audience}", name,
                             fragments=fragments_of(docs))
    builder.build(builder.write_config(mk, work / f"mkdocs-{audience}.yml"))
    return len(data.items)


@dataclass
class BuildResult:
    out: Path
    sites: dict[str, Path]
    pages: dict[str, int]


def build_sites(root: Path, out: Path, as_of: dt.date, *, config_file: Path | None = None,
                use_cache: bool = True, parallel: bool = True) -> BuildResult:
    """Build `out/public` and `out/internal` for the ledger at `root`.

    The ledger is read and evaluated once; then each site (its view, its
    Markdown and its MkDocs build) is made in its own process, side by side.
    """
    root, out = Path(root).resolve(), Path(out).resolve()  # MkDocs resolves paths from its config file
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".ducha-build-", dir=out))
    try:
        _SHARED["evaluated"] = _evaluate(root, as_of, use_cache)
        base = config_file or (root / "mkdocs.yml" if (root / "mkdocs.yml").is_file() else None)
        base = str(Path(base).resolve()) if base else None
        pages = {}
        try:
            if parallel and (os.cpu_count() or 1) > 1:
                ctx = multiprocessing.get_context("fork")
                with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
                    futures = {a: pool.submit(_build_audience, a, str(work), base) for a in AUDIENCES}
                    pages = {a: f.result() for a, f in futures.items()}
            else:
                pages = {a: _build_audience(a, str(work), base) for a in AUDIENCES}
        except (Exception, SystemExit) as e:
            raise BuildFailed(f"网站生成失败：{e}") from e
        finally:
            _SHARED.clear()
        sites = {a: _swap(work / f"site-{a}", out / a) for a in AUDIENCES}
        return BuildResult(out, sites, pages)
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
    work = (open_folder(root) or Path(tempfile.mkdtemp(prefix="ducha-serve-"))) / "serve" / audience
    docs = work / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    os.environ["DUCHA_SERVE"] = json.dumps({"ledger": str(root), "audience": audience, "docs": str(docs)})
    data = prepare_docs(root, {audience: docs}, dt.date.today())
    base = root / "mkdocs.yml" if (root / "mkdocs.yml").is_file() else None
    config = builder.site_config(base, audience, docs, work / "site",
                                 SITE_NAMES[audience].format(name=data[audience].ledger_name),
                                 fragments=fragments_of(docs))
    config["watch"] = [str(p) for p in (root / "items", root / "ledger.yaml", root / "inspections", fragments_of(docs))
                       if p.exists()]
    config["hooks"] = [str(builder.SERVE_HOOK), *config["hooks"]]
    config["strict"] = False  # a half-typed edit should show, not stop the preview
    return builder.write_config(config, work / "mkdocs.yml")
