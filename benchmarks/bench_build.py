"""Time `ducha build` (both sites) against the floor: bare MkDocs + Material, measured in the same run.

    python benchmarks/bench_build.py [--sizes 1000 5000 10000] [--out benchmarks/out]

For each synthetic all-public ledger:

- full: wall time of a full `ducha build` (both sites, `--full`, with an
  empty cache folder: nothing reused, the caches filled), and its peak memory
  (workers included, proportional set size);
- floor: two bare `mkdocs build` side by side (as ducha builds its two
  sites), Material theme, search on, with as many pages as each ducha site
  has (every page a title and one line of Chinese text); ratio = full / floor;
- incremental: one event appended to one item, `ducha build` again (the
  previous build is reused), and its peak memory;
- the public search index size (what a phone downloads before search works:
  search/ducha_index.json + the theme's search/search_index.json);
- at 5,000 items, the time until search answers in headless Chromium on a
  phone viewport (page load + typing a word + first hit shown);
- with `--serve`, `ducha serve` (public site) on each ledger: the time from
  saving an edited item to the edit being served.

Each synthetic ledger is its own Git repository (one commit), as a real
ledger is, and the cache folder lies outside it (ducha refuses a cache
folder inside the ledger's work tree, so a cache under benchmarks/out would
silently run every build without caches).

Fair timing on a file system without a journal: ext4 without one (this
project's VMs: `/proc/fs/jbd2` is empty) does not reuse an inode freed in
the last 30 s, and reads the inode table to skip each of them; right after
a 10,000-page site was deleted, creating files and folders is 10-20 times
slower (`perf` shows the time in `recently_deleted`). Both the floor and
ducha create about the same number of files, so every timed run starts
with no large deletion in the previous 35 s (`settle`); a journaled file
system never waits.
A large page cache (over 10 GB after hours of builds) keeps the inode-table
lookups of that check slow even after 35 s; the README's figures were taken
right after `sync; echo 3 > /proc/sys/vm/drop_caches` (root only).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))
import synth  # noqa: E402
from common import run  # noqa: E402

AS_OF = "2026-11-26"
INDEX_FILES = ("ducha_index.json", "search_index.json")
FLOOR_CONFIG = """\
site_name: 督查台账
theme:
  name: material
  language: zh
  font: false
plugins:
  - search
nav:
  - 首页: index.md
not_in_nav: |
  p/
"""


_DELETED_AT = [0.0]
QUIET_SECONDS = 35  # ext4 without a journal skips inodes freed in the last 30 s (see the module's docstring)


def remove(path: Path) -> None:
    """Delete a tree, noting when (`settle` waits for the file system to forget it)."""
    if path.exists():
        shutil.rmtree(path, ignore_errors=True)
        _DELETED_AT[0] = time.monotonic()


def settle() -> None:
    """Wait until no large tree was deleted in the last QUIET_SECONDS (by this script or by ducha's
    detached deleter of a replaced site), so the next timed run creates files at the normal speed."""
    while True:
        busy = subprocess.run(["pgrep", "-f", "shutil.rmtree"], capture_output=True).returncode == 0
        if busy:
            _DELETED_AT[0] = time.monotonic()
        wait = QUIET_SECONDS - (time.monotonic() - _DELETED_AT[0])
        if wait <= 0 and not busy:
            return
        time.sleep(max(1.0, min(wait, 5.0)))


def git_ledger(root: Path) -> Path:
    """Make the synthetic ledger a Git repository with one commit, as a real ledger is."""
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=bench", "-c", "user.email=bench@ducha.invalid", "commit", "-q", "-m", "synthetic ledger")
    return root


def ducha_build(root: Path, out: Path, *extra: str) -> tuple[float, int]:
    replaces = (out / "public").exists()
    seconds, peak_mb, code = run([sys.executable, "-m", "ducha", "build", "--ledger", str(root),
                                  "--out", str(out), "--as-of", AS_OF, *extra], REPO)
    if replaces:  # the sites it replaced are being deleted by ducha's detached deleter
        _DELETED_AT[0] = time.monotonic()
    if code != 0:
        raise SystemExit(f"build of {root} failed (exit {code})")
    return seconds, peak_mb


def index_size(out: Path) -> int:
    search = out / "public" / "search"
    return sum((search / name).stat().st_size for name in INDEX_FILES if (search / name).exists())


def page_count(site: Path) -> int:
    """Pages MkDocs would build for this site: its HTML pages (the 404 page and
    the printable forms, which are copied files, aside)."""
    return sum(1 for p in site.rglob("index.html") if "forms" not in p.relative_to(site).parts)


def floor(work: Path, pages: dict[str, int]) -> float:
    """Bare MkDocs + Material, one build per site side by side; seconds."""
    remove(work)
    settle()
    for name, count in pages.items():
        docs = work / name / "docs"
        (docs / "p").mkdir(parents=True)
        (docs / "index.md").write_text("# 首页\n\n督查台账。\n", encoding="utf-8")
        for n in range(1, count):
            (docs / "p" / f"{n}.md").write_text(f"# 第{n}号督查事项\n\n推进重点民生工程建设并按期完成年度目标任务。\n",
                                                 encoding="utf-8")
        (work / name / "mkdocs.yml").write_text(FLOOR_CONFIG, encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(work / name / "mkdocs.yml")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env) for name in pages]
    if any(p.wait() for p in procs):
        raise SystemExit("bare MkDocs build failed")
    return time.perf_counter() - start


def touch_one_item(root: Path) -> None:
    """Append one progress event to the first item (what a staff member does most)."""
    item = sorted((root / "items").rglob("*.yaml"))[0]
    with item.open("a", encoding="utf-8") as f:
        f.write("  - date: 2026-11-20\n    type: progress\n    text: 基准测试追加的一条进展。\n")


def serve_update(root: Path) -> float:
    """Start `ducha serve` on `root`, edit the first item, and time until its page shows the edit."""
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    item = sorted((root / "items").rglob("*.yaml"))[0]
    ident = item.stem
    url = f"http://127.0.0.1:{port}/items/{ident}/"

    def shows(text: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return text in r.read().decode("utf-8")
        except OSError:
            return False

    proc = subprocess.Popen([sys.executable, "-m", "ducha", "serve", "--ledger", str(root), "--port", str(port)],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600
        while not shows("督查事项") and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # let the watcher settle
        settle()
        with item.open("a", encoding="utf-8") as f:
            f.write("  - date: 2026-11-21\n    type: progress\n    text: 预览计时SERVExMARK。\n")
        start = time.perf_counter()
        while not shows("SERVExMARK") and time.perf_counter() - start < 600:
            time.sleep(0.1)
        return time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait()


def search_ready(site: Path, word: str) -> float:
    from tests.site import browser

    if browser.missing():
        return float("nan")
    with browser.serve(site) as base, browser.phone_page() as page:
        start = time.perf_counter()
        page.goto(base, wait_until="load")
        browser.search(page, word, timeout_ms=60000)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000, 10000])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--no-search", action="store_true", help="skip the browser search timing")
    parser.add_argument("--serve", action="store_true", help="also time an edit shown by `ducha serve`")
    args = parser.parse_args()
    print(f"{'items':>6}{'pages':>13}{'full':>8}{'floor':>8}{'ratio':>7}{'peak':>9}"
          f"{'incr.':>8}{'peak':>9}{'index':>10}  search ready", flush=True)
    for size in args.sizes:
        remove(args.out / f"ledger-{size}")
        root = git_ledger(synth.write(args.out / f"ledger-{size}", size, all_public=True))
        out = args.out / f"site-{size}"
        remove(out)
        # Empty: the full build reuses nothing, and fills it as a user's would. Outside the ledger's work tree.
        cache = Path(tempfile.gettempdir()) / f"ducha-bench-cache-{size}"
        remove(cache)
        os.environ["DUCHA_CACHE_DIR"] = str(cache)
        settle()
        full, peak = ducha_build(root, out, "--full")
        pages = {a: page_count(out / a) for a in ("public", "internal")}
        bare = floor(args.out / f"floor-{size}", pages)
        touch_one_item(root)
        settle()
        incremental, incremental_peak = ducha_build(root, out)
        ready = ""
        if size == 5000 and not args.no_search:  # a word in every title (5,000 hits), and a unit's short name
            ready = ", ".join(f"{word} {search_ready(out / 'public', word):.2f} s" for word in ("民生", "住建局"))
        if args.serve:
            ready += f"  serve: edit shown after {serve_update(root):.1f} s"
        print(f"{size:>6}{pages['public']:>6}+{pages['internal']:<6}{full:>7.1f}s{bare:>7.1f}s{full / bare:>7.2f}"
              f"{peak:>6d} MB{incremental:>7.1f}s{incremental_peak:>6d} MB{index_size(out) / 1e6:>7.2f} MB  {ready}",
              flush=True)
    print("targets: ratio <= 1.3 at 5,000 and 10,000; incremental < 10 s at 10,000; < 1 GB at 10,000;"
          " index < 5 MB at 10,000; search ready < 3 s at 5,000; serve < 3 s at 10,000")


if __name__ == "__main__":
    main()
