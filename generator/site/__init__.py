"""The public and internal progress sites: `ducha build` and `ducha serve`.

Pipeline: load the ledger → run the rules as of a date → `site_data` (what
each audience may see, computed in Python) → `render.write_docs` (Markdown
from `site_templates/`) → `builder` (MkDocs). Both sites build side by side
into a temporary folder; the published folders are swapped in only when
both succeeded, so a failed build leaves the last good sites untouched.

A ledger with error findings is not published (`BuildStopped`) unless the
caller allows it; then the items concerned stay off the public site. A
build that was killed leaves its work folder behind: every build first
removes the work folders no live build holds (see `_clean_stale`).
"""
from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None

from ..cache import open_folder
from ..check import run_rules
from ..errors import DuchaError
from ..findings import ERROR, Finding
from ..ledger import load_ledger, scan_ledger
from . import builder
from .model import INTERNAL, PUBLIC, site_data
from .render import write_docs

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
    public_keys = {(i.file, i.id) for i, _ in result.items if i.public}
    history = item_histories(root, use_cache, public_keys) if head["commit"] else {}
    return scan.config, result, head, history, ledger.inspections


def error_findings(result) -> list[Finding]:
    return [f for f in result.findings if f.severity == ERROR]


def left_out(result) -> list:
    """The items that error findings concern (by id or by file): never on the public site."""
    errors = error_findings(result)
    ids = {f.item for f in errors if f.item}
    files = {f.file for f in errors if f.file}
    return [i for i, _ in result.items if i.id in ids or i.file in files]


_TRUE = ("true", "True", "TRUE")  # how validation reads `public: true`


@dataclass
class HistoryEntry:
    """One commit's changes to one item file, and whether the item was public
    just before and just after it (None: the file did not exist)."""

    record: object  # history.CommitRecord
    changes: list
    was_public: bool | None = None
    is_public: bool | None = None


def item_histories(root: Path, use_cache: bool, public_keys: set | None = None) -> dict:
    """(file, item id) → [HistoryEntry], oldest first, from the ledger's Git history.

    Keyed by the file path and the id together: two files that share a file
    name in two folders (or a file deleted and another created elsewhere
    under the same name) have separate histories. For the items of
    `public_keys` each entry says whether the item was public before and
    after the commit, so the public site can start its history where the
    item became public; for other items the state stays unknown (None/False).
    """
    from ..history import HistoryError, read_history

    try:
        records = read_history(root, use_cache=use_cache)
    except HistoryError:
        return {}
    out: dict = {}
    for record in records:
        by_key: dict = {}
        for change in record.changes:
            if change.item:
                by_key.setdefault((change.path, change.item), []).append(change)
        for key, changes in by_key.items():
            out.setdefault(key, []).append(HistoryEntry(record, changes))
    try:
        created = _public_at_creation(root, out, public_keys or set())
    except HistoryError:
        created = {}
    for key, entries in out.items():
        state = None
        for entry in entries:
            entry.was_public = state
            for change in entry.changes:
                if change.kind == "item_created":
                    state = created.get((key, entry.record.sha), False)
                elif change.kind == "item_deleted":
                    state = None
                elif change.kind == "field_changed" and change.key == "public" and state is not None:
                    state = change.new in _TRUE
            entry.is_public = state
    return out


def _public_at_creation(root: Path, histories: dict, keys: set) -> dict:
    """((file, id), sha) → whether the file said `public: true` in the commit that created it."""
    from ..history import read_blobs, repo_root, snapshot

    wanted = [(key, e.record.sha) for key in keys for e in histories.get(key, ())
              if any(c.kind == "item_created" for c in e.changes)]
    if not wanted:
        return {}
    repo, prefix = repo_root(Path(root).resolve())
    names = [f"{sha}:{prefix}{key[0]}" for key, sha in wanted]
    blobs = read_blobs(repo, names)
    out = {}
    for (key, sha), name in zip(wanted, names):
        snap = snapshot(blobs.get(name))
        out[(key, sha)] = bool(snap and snap.readable and snap.fields.get("public") in _TRUE)
    return out


def _write_site_docs(config, result, head: dict, history: dict, inspections: list, audience: str, docs: Path,
                     prune: bool = False, base: str | None = None):
    hidden = {(i.file, i.id) for i in left_out(result)}
    data = site_data(result, config, audience, history, inspections, hidden=hidden)
    if audience == INTERNAL:  # issue 13: the office's daily desk
        from . import desk

        data.desk = desk.build(data, result, config, edit=desk.edit_link(*builder.edit_settings(
            Path(base) if base else None)))
    # The ledger name from the view, masked like all public text (issue 15).
    head = {**head, "ledger": data.ledger_name, "site": audience}
    written = write_docs(data, docs, fragments_of(docs), head, feed_id=f"urn:ducha:{audience}")
    if prune:
        _prune(docs, {*written})
        _prune(fragments_of(docs), {rel[:-3] + ".html" for rel in written if rel.endswith(".md")})
    return data


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


def fragments_of(docs: Path) -> Path:
    """Where the HTML fragments of a docs folder live (beside it, not in it)."""
    return docs.with_name(docs.name + "-fragments")


def prepare_docs(root: Path, targets: dict[str, Path], as_of: dt.date, *, use_cache: bool = True) -> dict:
    """Write the Markdown of each requested site (`ducha serve`): the docs
    folders are kept between runs, so files no longer written are deleted;
    return {audience: SiteData}."""
    evaluated = _evaluate(root, as_of, use_cache)
    base = str(root / "mkdocs.yml") if (root / "mkdocs.yml").is_file() else None
    return {a: _write_site_docs(*evaluated, a, docs, prune=True, base=base) for a, docs in targets.items()}


# The evaluated ledger, in a build worker: handed to each worker once, by the
# pool's initializer (inherited without pickling under `fork`, pickled once
# per worker under `spawn`, the only start method on Windows).
_SHARED: dict = {}


def _init_worker(evaluated: tuple) -> None:
    _SHARED["evaluated"] = evaluated


def _build_audience(audience: str, work: str, base: str | None, evaluated: tuple | None = None) -> int:
    work = Path(work)
    data = _write_site_docs(*(evaluated or _SHARED["evaluated"]), audience, work / f"docs-{audience}", base=base)
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
    errors: list[Finding] = field(default_factory=list)  # error findings let through by allow_errors
    left_out: list[str] = field(default_factory=list)  # ids of public items kept off the public site
    checked: int = 0  # items read
    titles: dict = field(default_factory=dict)  # item id -> title


def build_sites(root: Path, out: Path, as_of: dt.date, *, config_file: Path | None = None,
                use_cache: bool = True, parallel: bool = True, allow_errors: bool = False) -> BuildResult:
    """Build `out/public` and `out/internal` for the ledger at `root`.

    The ledger is read and evaluated once; then each site (its view, its
    Markdown and its MkDocs build) is made in its own process, side by side.
    A ledger with error findings raises `BuildStopped` before anything is
    built, unless `allow_errors`: then the items those findings concern are
    left off the public site.
    """
    root, out = Path(root).resolve(), Path(out).resolve()  # MkDocs resolves paths from its config file
    out.mkdir(parents=True, exist_ok=True)
    with _locked(out):
        _clean_stale(out)
    base = config_file or (root / "mkdocs.yml" if (root / "mkdocs.yml").is_file() else None)
    base = str(Path(base).resolve()) if base else None
    try:
        builder.load_base(Path(base) if base else None)  # refuse a config that is not offline, before any work
    except builder.ConfigRefused as e:
        raise BuildFailed(str(e)) from None
    evaluated = _evaluate(root, as_of, use_cache)
    result = evaluated[1]
    errors = error_findings(result)
    if errors and not allow_errors:
        raise BuildStopped(errors, f"台账有 {len(errors)} 个错误，没有生成网站", len(result.items),
                           {i.id: i.title for i, _ in result.items})
    hidden = sorted({i.id for i in left_out(result) if i.public})
    work, hold = _new_work_folder(out)
    try:
        pages = {}
        try:
            if parallel and (os.cpu_count() or 1) > 1:
                # The platform's start method: fork on Linux, spawn on Windows and macOS.
                with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context(),
                                         initializer=_init_worker, initargs=(evaluated,)) as pool:
                    futures = {a: pool.submit(_build_audience, a, str(work), base) for a in AUDIENCES}
                    pages = {a: f.result() for a, f in futures.items()}
            else:
                pages = {a: _build_audience(a, str(work), base, evaluated) for a in AUDIENCES}
        except (Exception, SystemExit) as e:
            raise BuildFailed(f"网站生成失败：{e}") from e
        with _locked(out):
            sites = {a: _swap(work / f"site-{a}", out / a) for a in AUDIENCES}
            _clean_stale(out)  # again: a build killed just before this one started may have let go only now
        return BuildResult(out, sites, pages, errors, hidden, len(result.items),
                           {i.id: i.title for i, _ in result.items})
    finally:
        shutil.rmtree(work, ignore_errors=True)
        os.close(hold)


# Builds into one output folder lock it (flock on the folder itself) to swap
# sites in and to clean up after killed builds; each build also holds a lock
# on its own work folder for as long as it lives.
WORK_PREFIX = ".ducha-build-"


@contextmanager
def _locked(folder: Path):
    fd = os.open(folder, os.O_RDONLY)
    try:
        if fcntl:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _new_work_folder(out: Path) -> tuple[Path, int]:
    """A private work folder in `out` (same file system, so sites swap in by
    renaming), and the open descriptor whose lock marks it as alive."""
    with _locked(out):
        work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=out))  # mode 0700
        fd = os.open(work, os.O_RDONLY)
        if fcntl:
            fcntl.flock(fd, fcntl.LOCK_EX)
    return work, fd


STALE_SECONDS = 24 * 3600  # without flock (not POSIX): a work folder this old is stale


def _clean_stale(out: Path) -> None:
    """Remove what killed builds left in `out` (called with the output lock held).

    A work folder whose lock no process holds belongs to a dead build: it may
    hold internal pages, so it goes. A `.public.old` / `.internal.old` is a
    swap cut short: put back if the site itself is missing, else removed.
    """
    import time

    for work in out.glob(WORK_PREFIX + "*"):
        if not work.is_dir() or work.is_symlink():
            continue
        if fcntl:
            try:
                fd = os.open(work, os.O_RDONLY)
            except OSError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a live build holds it
            finally:
                os.close(fd)
        elif time.time() - work.stat().st_mtime < STALE_SECONDS:
            continue
        shutil.rmtree(work, ignore_errors=True)
    for audience in AUDIENCES:
        old, target = out / f".{audience}.old", out / audience
        if old.is_dir() and not old.is_symlink():
            if not target.exists():
                old.rename(target)
            else:
                shutil.rmtree(old, ignore_errors=True)


def _swap(new: Path, target: Path) -> Path:
    """Replace `target` by `new` with two renames, so readers never see half a site."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def prepare_serve(root: Path, audience: str, as_of: dt.date) -> Path:
    """Set up `ducha serve`: a docs folder, and an MkDocs config that watches the ledger.

    Every rebuild evaluates the ledger as of `as_of`, the day the preview started.
    """
    work = (open_folder(root) or Path(tempfile.mkdtemp(prefix="ducha-serve-"))) / "serve" / audience
    docs = work / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    os.environ["DUCHA_SERVE"] = json.dumps({"ledger": str(root), "audience": audience, "docs": str(docs),
                                            "as_of": as_of.isoformat()})
    data = prepare_docs(root, {audience: docs}, as_of)
    base = root / "mkdocs.yml" if (root / "mkdocs.yml").is_file() else None
    config = builder.site_config(base, audience, docs, work / "site",
                                 SITE_NAMES[audience].format(name=data[audience].ledger_name),
                                 fragments=fragments_of(docs))
    config["watch"] = [str(p) for p in (root / "items", root / "ledger.yaml", root / "inspections", fragments_of(docs))
                       if p.exists()]
    config["hooks"] = [str(builder.SERVE_HOOK), *config["hooks"]]
    config["strict"] = False  # a half-typed edit should show, not stop the preview
    return builder.write_config(config, work / "mkdocs.yml")
