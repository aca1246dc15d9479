"""The stages of `ducha build` and `ducha serve`, one plain function each.

    site_settings → load_ledger → evaluate → stop_on_errors → read_history → previous_build
    → (per site) start_extras → audience_view → stage_item_pages → content_keys → take_extras
      → write_markdown → run_mkdocs → prepare_item_pages → write_item_pages
    → swap_in → record_build

Each takes its inputs as arguments and returns its output (a dataclass or a
plain value); nothing is carried between stages in module state or in the
environment. `build_sites` and `ducha serve` (see `__init__`) are these
calls in order.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..check import CheckResult, run_rules
from ..errors import DuchaError
from ..findings import ERROR, Finding
from ..history import cache_history
from ..ledger import Ledger, LedgerScan, scan_ledger
from ..ledger import load_ledger as read_ledger
from ..model import LedgerConfig
from . import builder, outfolder, pages
from .histories import item_histories
from .model import INTERNAL, PUBLIC, SiteData, add_signals, internal_signals, report_list, site_data
from .render import TEMPLATES, write_docs
from .workers import Beside, Handover, beside, keep_heap, side_by_side

AUDIENCES = (PUBLIC, INTERNAL)
SITE_NAMES = {PUBLIC: "{name}", INTERNAL: "{name}（内部）"}


class BuildFailed(DuchaError):
    pass


class BuildStopped(BuildFailed):
    """The ledger has error findings: nothing was built or replaced."""

    def __init__(self, findings: list[Finding], message: str, checked: int = 0,
                 titles: dict | None = None) -> None:
        super().__init__(message)
        self.findings = findings
        self.checked = checked  # how many items were read
        self.titles = titles or {}  # item id -> title, for the printer


@dataclass
class Loaded:
    """Stage 1: the ledger as read from its folder."""

    root: Path
    scan: LedgerScan
    ledger: Ledger


@dataclass
class Evaluated:
    """Stage 2: the rules run as of one day, and what the sites say they were built from."""

    config: LedgerConfig
    result: CheckResult
    head: dict  # commit, as_of, ledger name: written into each site as ledger-head.json
    inspections: list
    sources: dict = field(default_factory=dict)  # source id -> model.Source (issue 17)
    root: Path | None = None  # the ledger folder: whose cache folder keeps the reports' figures
    use_cache: bool = False


@dataclass
class SiteInputs:
    """What each site's process needs, handed to it as an argument."""

    evaluated: Evaluated
    history: dict  # (file, item id) -> [HistoryEntry]
    base: Path | None  # the ledger's mkdocs.yml (checked), or None for ducha's own
    previous: dict[str, Path] = field(default_factory=dict)  # audience -> last build's site to reuse pages of


@dataclass
class BuildResult:
    out: Path
    sites: dict[str, Path]
    pages: dict[str, int]
    reused: dict[str, int] = field(default_factory=dict)  # audience -> item pages reused from the last build
    rendered: dict[str, int] = field(default_factory=dict)  # audience -> item pages rendered (not known unchanged)
    errors: list[Finding] = field(default_factory=list)  # error findings let through by allow_errors
    left_out: list[str] = field(default_factory=list)  # ids of public items kept off the public site
    checked: int = 0  # items read
    titles: dict = field(default_factory=dict)  # item id -> title
    notices: list[str] = field(default_factory=list)  # warnings about the build itself (no site_url), in Chinese


def site_settings(root: Path, config_file: Path | None = None) -> Path | None:
    """The MkDocs settings to use (`config_file`, else the ledger's mkdocs.yml, else None: ducha's own),
    refused before any work unless the sites stay offline and no code of the ledger runs."""
    base = config_file or (root / "mkdocs.yml" if (root / "mkdocs.yml").is_file() else None)
    base = Path(base).resolve() if base else None
    try:
        builder.load_base(base)
    except builder.ConfigRefused as e:
        raise BuildFailed(str(e)) from None
    return base


def load_ledger(root: Path, use_cache: bool) -> Loaded:
    scan = scan_ledger(root)
    return Loaded(root, scan, read_ledger(scan, use_cache=use_cache))


def evaluate(loaded: Loaded, as_of: dt.date, use_cache: bool = False) -> Evaluated:
    from .. import gitrepo

    result = run_rules(loaded.ledger, as_of)
    config = loaded.scan.config
    head = {"commit": gitrepo.head_commit(loaded.root), "as_of": as_of.isoformat(), "ledger": config.name}
    return Evaluated(config, result, head, loaded.ledger.inspections, loaded.ledger.sources, loaded.root, use_cache)


def error_findings(result: CheckResult) -> list[Finding]:
    return [f for f in result.findings if f.severity == ERROR]


def left_out(result: CheckResult) -> list:
    """The items that error findings concern (by id or by file): never on the public site."""
    errors = error_findings(result)
    ids = {f.item for f in errors if f.item}
    files = {f.file for f in errors if f.file}
    return [i for i, _ in result.items if i.id in ids or i.file in files]


def stop_on_errors(evaluated: Evaluated, allow_errors: bool) -> list[Finding]:
    """The error findings let through; raises `BuildStopped` if there are any and they are not allowed."""
    result = evaluated.result
    errors = error_findings(result)
    if errors and not allow_errors:
        raise BuildStopped(errors, f"台账有 {len(errors)} 个错误，没有生成网站", len(result.items),
                           {i.id: i.title for i, _ in result.items})
    return errors


def start_history(root: Path, use_cache: bool, parallel: bool = True) -> Beside:
    """Start reading the ledger's Git history into the user's cache, in a process beside the one that
    loads and evaluates the ledger: on a first build both parse every item file (from Git and from the
    folder). `read_history` then reads the cache. Without a cache there is nowhere to keep it: nothing to do."""
    return beside(cache_history if use_cache else _nothing, root, parallel=parallel and use_cache)


def _nothing(*_args) -> None:
    return None


def read_history(loaded: Loaded, evaluated: Evaluated, use_cache: bool) -> dict:
    """(file, item id) → [HistoryEntry] from the ledger's Git history ({} outside Git)."""
    if not evaluated.head["commit"]:
        return {}
    return item_histories(loaded.root, use_cache)


def audience_view(evaluated: Evaluated, history: dict, audience: str, base: Path | None,
                  extras: bool = True) -> SiteData:
    """What one site shows: computed in Python, masked for the public (items with error findings left out).
    `extras`: False leaves the internal site's signals and reports to `take_extras`."""
    hidden = {(i.file, i.id) for i in left_out(evaluated.result)}
    data = site_data(evaluated.result, evaluated.config, audience, history, evaluated.inspections, hidden=hidden,
                     sources=evaluated.sources, figures_cache=_figures_cache(evaluated, audience), reports=extras,
                     signals=extras)
    if audience == INTERNAL:  # issue 13: the office's daily desk
        from . import desk

        data.desk = desk.build(data, evaluated.result, evaluated.config,
                               edit=desk.edit_link(*builder.edit_settings(base)))
    return data


def internal_extras(evaluated: Evaluated, history: dict) -> Handover:
    """The internal site's signals and reports. They read only the evaluated ledger and its history,
    not the view, and take about as long as the view: `start_extras` makes them beside it."""
    result, as_of = evaluated.result, evaluated.result.as_of
    signals = internal_signals(result, evaluated.config, as_of, history)
    reports = report_list(result, evaluated.config, as_of, _figures_cache(evaluated, INTERNAL))
    return Handover((signals, reports), [item for item, _ in result.items])


def start_extras(evaluated: Evaluated, history: dict, audience: str, parallel: bool = True) -> Beside:
    """Start `internal_extras` for the internal site, in a process of its own (`workers.beside`);
    `take_extras` puts them on the view made meanwhile (`audience_view(..., extras=False)`)."""
    if audience != INTERNAL:
        return beside(_nothing, parallel=False)
    return beside(internal_extras, evaluated, history, parallel=parallel)


def take_extras(view: SiteData, extras: Beside, evaluated: Evaluated) -> None:
    """Wait for `start_extras`' signals and reports and add them to `view`."""
    handover = extras.result()
    if handover is None:
        return
    signals, reports = handover.value([item for item, _ in evaluated.result.items])
    add_signals(view, signals)
    view.reports.extend(reports)


def _figures_cache(evaluated: Evaluated, audience: str):
    """The reports' figures kept in the user's cache folder (internal site, with a cache), else None."""
    if audience != INTERNAL or not evaluated.use_cache or evaluated.root is None:
        return None
    from ..reports import FiguresCache

    return FiguresCache(evaluated.root, evaluated.config)


def write_markdown(view: SiteData, head: dict, audience: str, docs: Path, prune: bool = False,
                   previous: Path | None = None) -> list[str]:
    """Write the site's Markdown into `docs` (its HTML fragments beside it); with `prune`
    (a docs folder kept between runs) delete the files this run did not write."""
    # The ledger name from the view, masked like all public text (issue 15).
    head = {**head, "ledger": view.ledger_name, "site": audience}
    written = write_docs(view, docs, fragments_of(docs), head, feed_id=f"urn:ducha:{audience}", previous=previous)
    if prune:
        _prune(docs, {*written})
        _prune(fragments_of(docs), {rel[:-3] + ".html" for rel in written if rel.endswith(".md")})
    return written


def mkdocs_config(view: SiteData, audience: str, docs: Path, site_dir: Path, base: Path | None,
                  site_url: str | None = None) -> dict:
    """The MkDocs configuration of one site (`site_url`: where the public site is published)."""
    name = SITE_NAMES[audience].format(name=view.ledger_name)
    return builder.site_config(base, audience, docs, site_dir, name, fragments=fragments_of(docs), site_url=site_url)


def run_mkdocs(config: dict, config_file: Path) -> Path:
    """Write `config` to `config_file` and build the site it describes; return the site folder."""
    builder.build(builder.write_config(config, config_file))
    return Path(config["site_dir"])


def known_pages(previous: Path | None, audience: str) -> pages.Known | None:
    """What the previous site's item pages were made from (its signed page keys), or None."""
    if previous is None:
        return None
    return pages.PageKeys.load_known(page_keys_file(previous.parent, audience), previous / "index.html")


def prepare_item_pages(view: SiteData, previous: Path | None, content: dict[str, str] | None = None) -> pages.Prepared:
    """The keys of the item pages, and which are not known unchanged since the `previous` site.
    `content`: their `pages.content_keys`, if worked out before."""
    try:
        return pages.prepare_item_pages(view, TEMPLATES, known_pages(previous, view.audience), content)
    except OSError as e:
        raise BuildFailed(f"事项页面生成失败：{e}") from None


def content_keys(view: SiteData) -> dict[str, str]:
    """What each item page is made from but its signals (`pages.content_keys`): the internal site works
    this out while its signals are being found."""
    return pages.content_keys(view, TEMPLATES)


def stage_item_pages(view: SiteData, previous: Path | None, work: Path) -> pages.Staged:
    """The items folder-to-be, in the item folders of the site `previous` replaced when kept
    (`outfolder.claim_spare`), with every page of `previous` linked in (`pages.stage_item_pages`)."""
    try:
        spare = outfolder.claim_spare(previous, work) if previous is not None else None
        return pages.stage_item_pages(view, work / f"items-{view.audience}", previous, spare)
    except OSError as e:
        raise BuildFailed(f"事项页面生成失败：{e}") from None


def write_item_pages(view: SiteData, site: Path, previous: Path | None, keys: Path | None = None,
                     prepared: pages.Prepared | None = None, staged: pages.Staged | None = None) -> dict[str, int]:
    """Each item's page, in the page shell MkDocs rendered (`pages.py`); unchanged ones linked from `previous`.
    `prepared`, `staged`: which to render, and their folders made ready before."""
    try:
        prepared = prepared or pages.prepare_item_pages(view, TEMPLATES, known_pages(previous, view.audience))
        counts = pages.write_item_pages(view, site, TEMPLATES, previous, prepared, staged=staged)
    except (OSError, pages.ShellMissing) as e:
        raise BuildFailed(f"事项页面生成失败：{e}") from None
    made, shell = counts.pop("keys"), counts.pop("shell")
    if keys is not None:  # where the build keeps them (`swap_in` moves them beside the site)
        pages.PageKeys.save(keys, site / "index.html", made, shell)
    return counts


def page_keys_file(folder: Path, audience: str, work: bool = False) -> Path:
    """Where the page keys of a site are kept: beside it in the output folder (`.ducha-pages-<audience>.json`),
    or in the work folder while it is being built."""
    return folder / (f"pages-{audience}.json" if work else f".ducha-pages-{audience}.json")


def build_audience(inputs: SiteInputs, audience: str, work: Path, parallel: bool = True) -> tuple[int, int, int]:
    """One site, in its own process: its view (the internal site's signals and reports made beside it,
    in a third process), its Markdown, MkDocs (the other pages and the item pages' shell), then the item
    pages. (Running MkDocs in a forked process beside the item pages' contents was measured at 10,000
    items: no faster on two cores, and up to 1.2 GB, the view held twice.)
    Returns its item count, how many item pages were reused from the last build and how many rendered."""
    evaluated, previous = inputs.evaluated, inputs.previous.get(audience)
    with start_extras(evaluated, inputs.history, audience, parallel) as extras:
        view = audience_view(evaluated, inputs.history, audience, inputs.base, extras=False)
        keep_heap()  # the view lives as long as this process: the collector need not scan it again
        staged = stage_item_pages(view, previous, work)  # while the signals are found
        content = content_keys(view)
        take_extras(view, extras, evaluated)
    config = site_markdown(inputs, view, audience, work)
    site = run_mkdocs(config, work / f"mkdocs-{audience}.yml")
    prepared = prepare_item_pages(view, previous, content)
    counts = write_item_pages(view, site, previous, page_keys_file(work, audience, work=True), prepared, staged)
    return len(view.items), counts["reused"], counts["rendered"]


def site_markdown(inputs: SiteInputs, view: SiteData, audience: str, work: Path) -> dict:
    """Everything of one site but its item pages, as Markdown (with the item pages' shell); its MkDocs config."""
    docs = work / f"docs-{audience}"
    write_markdown(view, inputs.evaluated.head, audience, docs, previous=inputs.previous.get(audience))
    return mkdocs_config(view, audience, docs, work / f"site-{audience}", inputs.base, inputs.evaluated.config.site_url)


def build_audiences(inputs: SiteInputs, work: Path, parallel: bool = True) -> dict[str, tuple[int, int, int]]:
    """Both sites side by side (one process each); {audience: (items on it, item pages reused, rendered)}.
    The public site's process yields the CPU to the internal site's (`side_by_side`'s `yielding`): the
    internal site shows every item the public one does and more (signals, reports, the desk), so it
    ends last; on two cores the public site ran even with it and with its signals' process, and the
    internal site waited for them. At 10,000 items, one changed item: 9.6-10.8 s before, 8.7-9.6 s after."""
    try:
        return side_by_side(build_audience, {a: (inputs, a, work, parallel) for a in AUDIENCES}, parallel,
                            yielding=frozenset({PUBLIC}))
    except (Exception, SystemExit) as e:
        raise BuildFailed(f"网站生成失败：{e}") from e


def swap_in(work: Path, out: Path) -> dict[str, Path]:
    """Publish the sites built in `work`: each replaces the old one in `out` by renaming."""
    sites = outfolder.swap_all({a: work / f"site-{a}" for a in AUDIENCES}, out, AUDIENCES)
    for audience in AUDIENCES:  # the sites' page keys go with them (or the old ones go: they describe no site)
        try:
            page_keys_file(work, audience, work=True).replace(page_keys_file(out, audience))
        except OSError:
            page_keys_file(out, audience).unlink(missing_ok=True)
    return sites


def build_result(out: Path, sites: dict[str, Path], built: dict[str, tuple[int, int, int]], evaluated: Evaluated,
                 errors: list[Finding], base: Path | None = None) -> BuildResult:
    result = evaluated.result
    hidden = sorted({i.id for i in left_out(result) if i.public})
    return BuildResult(out, sites, {a: b[0] for a, b in built.items()}, {a: b[1] for a, b in built.items()},
                       {a: b[2] for a, b in built.items()}, errors, hidden, len(result.items), {i.id: i.title for i, _ in result.items},
                       builder.site_url_notices(evaluated.config.site_url, base))


STATE_FILE = ".ducha-build.json"


def fingerprint(root: Path, base: Path | None) -> str:
    """What decides whether a previous build may be reused: the versions of ducha, MkDocs and
    the theme, ducha's templates and code, the ledger's mkdocs.yml (with its theme overrides) and ledger.yaml.
    Any change makes the next build a full one."""
    import hashlib
    from importlib import metadata

    from .. import __version__

    digest = hashlib.sha256(__version__.encode())
    for package in ("mkdocs", "mkdocs-material"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            pass
    here = Path(__file__).parent
    files = [(f"t/{p.relative_to(TEMPLATES)}", p) for p in sorted(TEMPLATES.rglob("*"))]
    files += [(f"c/{p.name}", p) for p in sorted(here.glob("*.py"))]
    files.append(("ledger.yaml", root / "ledger.yaml"))
    if base is not None:
        files.append(("mkdocs.yml", base))
        files += [(f"o/{n}", p) for n, p in enumerate(_overrides(base))]
    for name, path in files:  # by name, not where the ledger or the package lives
        digest.update(name.encode())
        try:
            digest.update(path.read_bytes() if path.is_file() else b"-")
        except OSError:
            digest.update(b"?")
    return digest.hexdigest()


def _overrides(base: Path) -> list[Path]:
    """The files of the theme's custom_dir (checked and bounded by `builder.load_base`)."""
    try:
        theme = builder.load_base(base).get("theme")
    except builder.ConfigRefused:
        return []
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    return sorted(Path(str(custom)).rglob("*"))[:builder.MAX_OVERRIDE_FILES] if custom else []


def previous_build(out: Path, root: Path, base: Path | None, full: bool) -> dict[str, Path]:
    """The sites of the last build in `out`, if it was made by the same ducha from the same settings
    (and `full` is not asked): {audience: site}. Their unchanged item pages are reused."""
    if full:
        return {}
    try:
        recorded = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(recorded, dict) or recorded.get("fingerprint") != fingerprint(root, base):
        return {}
    return {a: out / a for a in AUDIENCES if (out / a / "index.html").is_file()}


def record_build(out: Path, root: Path, base: Path | None) -> None:
    """Note what the sites just swapped in were made from, for the next build to decide on reuse.
    Reuse compares every page's bytes, so a record that missed a build costs speed, never correctness."""
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=STATE_FILE, dir=out)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"fingerprint": fingerprint(root, base)}, f)
    os.replace(tmp, out / STATE_FILE)


def fragments_of(docs: Path) -> Path:
    """Where the HTML fragments of a docs folder live (beside it, not in it)."""
    return docs.with_name(docs.name + "-fragments")


def _prune(folder: Path, keep: set[str]) -> None:
    """Delete the files of `folder` that this run did not write (pages of items
    that were deleted or became non-public), and the folders left empty."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*"), reverse=True):
        rel = path.relative_to(folder).as_posix()
        try:
            if path.is_dir() and not path.is_symlink():
                if not any(path.iterdir()):
                    path.rmdir()
            elif rel not in keep:
                path.unlink()
        except OSError:
            pass
