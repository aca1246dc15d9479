"""The output folder of `ducha build`: locking, work folders, stale-folder cleanup, swapping sites in.

Builds into one output folder lock it (flock on the folder itself) to swap
sites in and to clean up after killed builds; each build also holds a lock
on its own work folder for as long as it lives.

The sites a build replaced are renamed to a `.ducha-trash-*` folder and deleted by a detached process, so
the build ends once the new sites are in place: deleting ten thousand item
folders can take longer than building them. A later build removes any trash
left behind (a deleting process that was killed).

Except their item folders: a replaced site's `items/` is kept as the site's
*spare* (`.ducha-spare-<audience>`), and the next incremental build takes it
(`claim_spare`) to hold its item pages instead of making ten thousand
folders again (`pages.write_item_pages` puts the right page into each, never
writing into a file). Making and deleting folders is most of an incremental
build's file-system work, and on ext4 without a journal a folder made
shortly after many were deleted costs ten times more.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

WORK_PREFIX = ".ducha-build-"
TRASH_PREFIX = ".ducha-trash-"
SPARE_PREFIX = ".ducha-spare-"
STALE_SECONDS = 24 * 3600  # without flock (not POSIX): a work folder this old is stale


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    fd = os.open(folder, os.O_RDONLY)
    try:
        if fcntl:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def clean_output(out: Path, audiences: Iterable[str]) -> None:
    """Make `out` if needed and remove what killed builds left in it."""
    out.mkdir(parents=True, exist_ok=True)
    with locked(out):
        clean_stale(out, audiences)


@contextmanager
def work_folder(out: Path) -> Iterator[Path]:
    """A private work folder in `out` (same file system, so sites swap in by
    renaming), locked for as long as the build lives and removed after it."""
    with locked(out):
        work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=out))  # mode 0700
        fd = os.open(work, os.O_RDONLY)
        if fcntl:
            fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)  # small: the sites were renamed out of it
        os.close(fd)


def swap_all(new: dict[str, Path], out: Path, audiences: Iterable[str]) -> dict[str, Path]:
    """Put each audience's new site in place under the output lock; {audience: published folder}."""
    with locked(out):
        sites = {a: swap(path, out / a) for a, path in new.items()}
        clean_stale(out, audiences)  # again: a build killed just before this one started may have let go only now
    return sites


def clean_stale(out: Path, audiences: Iterable[str]) -> None:
    """Remove what killed builds left in `out` (called with the output lock held).

    A work folder whose lock no process holds belongs to a dead build: it may
    hold internal pages, so it goes. A `.public.old` / `.internal.old` is a
    swap cut short: put back if the site itself is missing, else removed.
    """
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
    for trash in out.glob(TRASH_PREFIX + "*"):
        if trash.is_dir() and not trash.is_symlink() and _abandoned(trash):
            shutil.rmtree(trash, ignore_errors=True)
    for audience in audiences:
        old, target = out / f".{audience}.old", out / audience
        if old.is_dir() and not old.is_symlink():
            if not target.exists():
                old.rename(target)
            else:
                shutil.rmtree(old, ignore_errors=True)


def swap(new: Path, target: Path) -> Path:
    """Replace `target` by `new` with two renames, so readers never see half a site."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    keep_spare(old, target.with_name(SPARE_PREFIX + target.name))
    discard(old)
    return target


def keep_spare(old: Path, spare: Path) -> None:
    """Keep the item folders of a replaced site (`old`) as `spare` for the next build; an unused older spare goes."""
    discard(spare)
    items = old / "items"
    if items.is_dir() and not items.is_symlink():
        try:
            items.rename(spare)
        except OSError:
            pass


def claim_spare(site: Path, work: Path) -> Path | None:
    """Take the spare item folders kept beside the published `site` (`keep_spare`) into `work`, for this build
    only (a rename: a build running at the same time gets none); None when there is none."""
    spare, claimed = site.with_name(SPARE_PREFIX + site.name), work / f"spare-{site.name}"
    try:
        if spare.is_symlink() or not spare.is_dir():
            return None
        spare.rename(claimed)
    except OSError:
        return None
    return claimed


def discard(folder: Path) -> None:
    """Remove `folder` in the background: renamed out of the way now, deleted by a detached process."""
    if not folder.exists():
        return
    trash = Path(tempfile.mkdtemp(prefix=TRASH_PREFIX, dir=folder.parent))
    fd = os.open(trash, os.O_RDONLY)
    try:
        if fcntl:  # locked before the deleter starts; it inherits the lock with the descriptor
            fcntl.flock(fd, fcntl.LOCK_EX)
        folder.rename(trash / "x")
        subprocess.Popen([sys.executable, "-c", _DELETE, str(trash), str(fd)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(fd,),
                         start_new_session=True)
    except OSError:  # no process to spare: delete it here
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(trash, ignore_errors=True)
    finally:
        os.close(fd)


# The detached deleter: holds the lock on the trash folder (its descriptor is the
# second argument) while it deletes it, so a build starting meanwhile leaves it
# alone (`clean_stale` removes only abandoned trash).
# It runs at the lowest priority: the next build (or `ducha serve`) comes first.
_DELETE = ("import os, shutil, sys; getattr(os, 'nice', lambda n: 0)(19); "
           "shutil.rmtree(sys.argv[1], ignore_errors=True)")


def _abandoned(trash: Path) -> bool:
    if not fcntl:
        return time.time() - trash.stat().st_mtime > STALE_SECONDS
    try:
        fd = os.open(trash, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False  # its deleter is at work
    finally:
        os.close(fd)
