"""The public and internal progress sites: `ducha build` and `ducha serve`.

`build_sites` reads as its stages (`stages.py`, one function each, inputs
as arguments, a dataclass out): check the MkDocs settings (offline, no code
of the ledger) → load the ledger → evaluate the rules as of a date → stop
on error findings (unless allowed) → read the Git history → for each
audience, in its own process and side by side: its view (`model.site_data`,
masked for the public) → Markdown (`render.write_docs`) → MkDocs
(`builder`) → swap both sites in. They are built in a locked work folder
inside the output folder and swapped in only when both succeeded, so a
failed build leaves the last good sites untouched; every build first
removes the work folders no live build holds (`outfolder.py`). The site
processes get their inputs as arguments (`workers.py`), never through
module state or the environment.

`ducha serve` runs the same stages for one audience (`preview_markdown`)
before each MkDocs rebuild, and writes the item pages after it
(`preview_item_pages`): its job is a JSON file beside the generated
mkdocs.yml, whose path is the config's `extra.ducha_serve`, read by
`serve_hook.py` from the config MkDocs hands it.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..cache import open_folder
from . import builder
from .histories import HistoryEntry, item_histories
from .model import SiteData
from .outfolder import clean_output, work_folder
from .stages import (
    AUDIENCES,
    SITE_NAMES,
    BuildFailed,
    BuildResult,
    BuildStopped,
    SiteInputs,
    audience_view,
    build_audiences,
    build_result,
    error_findings,
    evaluate,
    fragments_of,
    left_out,
    load_ledger,
    mkdocs_config,
    previous_build,
    read_history,
    record_build,
    site_settings,
    start_history,
    stop_on_errors,
    swap_in,
    write_markdown,
)

__all__ = ["AUDIENCES", "SITE_NAMES", "BuildFailed", "BuildResult", "BuildStopped", "HistoryEntry", "ServeJob",
           "build_sites", "error_findings", "fragments_of", "item_histories", "keep_item_pages", "left_out", "prepare_serve",
           "preview_item_pages", "preview_markdown", "preview_rebuild", "preview_view", "serve_session"]


def build_sites(root: Path, out: Path, as_of: dt.date, *, config_file: Path | None = None,
                use_cache: bool = True, parallel: bool = True, allow_errors: bool = False,
                full: bool = False) -> BuildResult:
    """Build `out/public` and `out/internal` for the ledger at `root`.

    The ledger is read and evaluated once; then each site (its view, its
    Markdown and its MkDocs build) is made in its own process, side by side.
    A ledger with error findings raises `BuildStopped` before anything is
    built, unless `allow_errors`: then the items those findings concern are
    left off the public site. Unless `full`, the item pages of the last build
    in `out` that did not change are reused (`stages.previous_build`).
    """
    root, out = Path(root).resolve(), Path(out).resolve()  # MkDocs resolves paths from its config file
    clean_output(out, AUDIENCES)
    base = site_settings(root, config_file)
    with start_history(root, use_cache, parallel) as history_cached:  # Git's history read beside the folder's
        loaded = load_ledger(root, use_cache)
        evaluated = evaluate(loaded, as_of, use_cache)
        errors = stop_on_errors(evaluated, allow_errors)
        history_cached.result()
    history = read_history(loaded, evaluated, use_cache)
    previous = previous_build(out, root, base, full)
    with work_folder(out) as work:
        built = build_audiences(SiteInputs(evaluated, history, base, previous), work, parallel)  # views → … → pages
        sites = swap_in(work, out)
        record_build(out, root, base)
    return build_result(out, sites, built, evaluated, errors, base)


@dataclass
class ServeJob:
    """What `ducha serve` regenerates before each rebuild; saved as JSON beside its mkdocs.yml."""

    ledger: Path
    audience: str
    docs: Path
    as_of: dt.date  # the day `ducha serve` started: the clock is read in the CLI
    base: Path | None  # the ledger's mkdocs.yml, checked

    def save(self, path: Path) -> Path:
        data = {"ledger": str(self.ledger), "audience": self.audience, "docs": str(self.docs),
                "as_of": self.as_of.isoformat(), "base": str(self.base) if self.base else None}
        fd, tmp = tempfile.mkstemp(prefix=path.name, dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
        os.replace(tmp, path)  # a concurrent preview of the same site never reads half a file
        return path

    @classmethod
    def load(cls, path: Path) -> ServeJob:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(Path(data["ledger"]), data["audience"], Path(data["docs"]), dt.date.fromisoformat(data["as_of"]),
                   Path(data["base"]) if data["base"] else None)


def preview_view(job: ServeJob, session: ServeSession | None = None) -> tuple[SiteData, dict]:
    """What one site of `ducha serve` shows (and the ledger's head): `preview_markdown` without the Markdown.
    With a `session`, the Git history is read again only when the ledger's head commit moved."""
    loaded = load_ledger(job.ledger, use_cache=True)
    evaluated = evaluate(loaded, job.as_of, use_cache=True)
    history = session_history(loaded, evaluated, session)
    return audience_view(evaluated, history, job.audience, job.base), evaluated.head


def session_history(loaded, evaluated, session: ServeSession | None) -> dict:
    """`read_history`, kept in the `session` for its head commit: an edit being previewed is not committed,
    and the history is made of commits only."""
    commit = evaluated.head["commit"]
    if session is not None and commit and session.history is not None and session.history[0] == commit:
        return session.history[1]
    history = read_history(loaded, evaluated, use_cache=True)
    if session is not None and commit:
        session.history = (commit, history)
    return history


def preview_markdown(job: ServeJob, session: ServeSession | None = None) -> SiteData:
    """The Markdown of one site for `ducha serve`, by the build's stages. The docs folder
    is kept between runs, so files no longer written are deleted."""
    loaded = load_ledger(job.ledger, use_cache=True)
    evaluated = evaluate(loaded, job.as_of, use_cache=True)
    history = session_history(loaded, evaluated, session)
    view = audience_view(evaluated, history, job.audience, job.base)
    write_markdown(view, evaluated.head, job.audience, job.docs, prune=True)
    return view


@dataclass
class ServeSession:
    """What one `ducha serve` process keeps in memory between rebuilds of one site (never on disk).

    An edit is shown in two rebuilds: the first computes the view and writes the item pages only
    (the page being edited shows as soon as the view is ready); the second, asked for by the first
    (`follow_up`, set by `serve_hook.on_serve`), writes the Markdown of that same view, so the
    lists, unit pages, feeds and search index follow a few seconds later. `edits` counts the
    watcher's events: a view is reused only if no edit came after it was computed.
    """

    ready: SiteData | None = None  # the view `prepare_serve` wrote the Markdown of: used by the first build
    pending: tuple[SiteData, dict, int] | None = None  # (view, head, edits) shown but not yet written as Markdown
    edits: int = 0
    keys: tuple[SiteData, list, dict] | None = None  # (view, shell parts, item page keys) of the item pages shown for `pending`
    follow_up: object = None  # a callable that makes the server rebuild once more
    history: tuple[str, dict] | None = None  # (head commit, the ledger's Git history at it)


_SESSIONS: dict[str, ServeSession] = {}


def serve_session(job_file: Path) -> ServeSession:
    """The session of the `ducha serve` whose job is `job_file` (one per site and process)."""
    return _SESSIONS.setdefault(str(job_file), ServeSession())


def preview_rebuild(job_file: Path) -> tuple[SiteData, bool]:
    """The view for one rebuild of `ducha serve`, its Markdown written when due (`ServeSession`);
    True when a second rebuild should follow to write the Markdown of this view."""
    session = serve_session(job_file)
    job = ServeJob.load(job_file)
    ready, session.ready = session.ready, None
    pending, session.pending = session.pending, None
    if ready is not None:
        return ready, False
    if pending is not None and pending[2] == session.edits:
        view, head, _ = pending
        write_markdown(view, head, job.audience, job.docs, prune=True)
        return view, False
    if not callable(session.follow_up):  # not under a live server (a plain build of the config): all at once
        return preview_markdown(job), False
    edits = session.edits
    view, head = preview_view(job, session)
    session.pending = (view, head, edits)
    return view, True


def preview_item_pages(view: SiteData, site: Path, session: ServeSession | None = None) -> None:
    """The item pages of one site for `ducha serve`, after MkDocs built the rest: those of the last
    rebuild (kept aside by `keep_item_pages`) whose key did not change are kept, the rest rendered.
    The rebuild that follows an edit's (`ServeSession`) shows the same view: its keys are reused."""
    from . import pages
    from .render import TEMPLATES

    known = session.keys[1:] if session is not None and session.keys and session.keys[0] is view else None
    try:
        counts = pages.update_item_pages(view, site, TEMPLATES, known)
    except (OSError, pages.ShellMissing) as e:
        raise BuildFailed(f"事项页面生成失败：{e}") from None
    if session is not None:  # kept for the rebuild that writes this view's Markdown, if one follows
        session.keys = (view, counts["shell"], counts["keys"]) if session.pending and session.pending[0] is view else None


def keep_item_pages(site: Path) -> None:
    """Before a rebuild of `ducha serve` cleans the site: its item pages are moved aside, for reuse."""
    from . import pages

    pages.keep_item_pages(site)


def prepare_serve(root: Path, audience: str, as_of: dt.date) -> Path:
    """Set up `ducha serve`: a docs folder, and an MkDocs config that watches the ledger.

    Every rebuild evaluates the ledger as of `as_of`, the day the preview started.
    """
    work = (open_folder(root) or Path(tempfile.mkdtemp(prefix="ducha-serve-"))) / "serve" / audience
    job = ServeJob(root, audience, work / "docs", as_of, site_settings(root))
    job.docs.mkdir(parents=True, exist_ok=True)
    session = serve_session(work / "serve-job.json")
    session.ready = preview_markdown(job, session)  # the first build of this process shows it as it is
    view = session.ready
    config = mkdocs_config(view, audience, job.docs, work / "site", job.base)
    # The ledger, not what ducha writes from it (`serve_hook.on_serve` says why).
    config["extra"]["ducha_watch"] = [str(p) for p in (root / "items", root / "ledger.yaml", root / "inspections",
                                        root / "sources") if p.exists()]
    config["hooks"] = [str(builder.SERVE_HOOK), *config["hooks"]]
    config["strict"] = False  # a half-typed edit should show, not stop the preview
    config["extra"]["ducha_serve"] = str(job.save(work / "serve-job.json"))  # read by serve_hook
    return builder.write_config(config, work / "mkdocs.yml")
