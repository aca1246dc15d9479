"""Time `ducha build` (both sites) on the demo ledger and synthetic all-public ledgers.

    python benchmarks/bench_build.py [--sizes 1000 5000 10000] [--out benchmarks/out]

For each ledger: wall time and peak memory of the whole build (workers
included, proportional set size), the public search index size, and for
the 5,000-item ledger the time until search answers in headless Chromium
on a phone viewport (page load + typing a word + first hit shown). The index
size is what a phone downloads before search works: ducha's item index
(search/ducha_index.json) plus the theme's (search/search_index.json).
"""
from __future__ import annotations

import argparse
import shutil
import sys
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


def build(root: Path, out: Path) -> tuple[float, int, int]:
    shutil.rmtree(out, ignore_errors=True)
    seconds, peak_mb, code = run([sys.executable, "-m", "ducha", "build", "--ledger", str(root),
                                  "--out", str(out), "--as-of", AS_OF, "--no-cache"], REPO)
    if code != 0:
        raise SystemExit(f"build of {root} failed (exit {code})")
    # What a phone downloads before search works: ducha's item index and the
    # theme's (which holds only pages other than items, so little).
    search = out / "public" / "search"
    return seconds, peak_mb, sum((search / name).stat().st_size for name in INDEX_FILES)


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
    args = parser.parse_args()
    print(f"{'ledger':<18}{'items':>7}{'build':>9}{'peak':>9}{'index':>10}  search ready")
    seconds, peak, index = build(REPO, args.out / "site-demo")
    print(f"{'demo':<18}{30:>7}{seconds:>8.1f}s{peak:>6d} MB{index / 1e6:>7.2f} MB")
    for size in args.sizes:
        root = synth.write(args.out / f"ledger-{size}", size, all_public=True)
        seconds, peak, index = build(root, args.out / f"site-{size}")
        ready = ""
        if size == 5000:  # a word in every title (5,000 hits), and a unit's short name
            ready = ", ".join(f"{word} {search_ready(args.out / f'site-{size}' / 'public', word):.2f} s"
                              for word in ("民生", "住建局"))
        print(f"{'synthetic':<18}{size:>7}{seconds:>8.1f}s{peak:>6d} MB{index / 1e6:>7.2f} MB  {ready}")
    print("targets: 1,000 items < 15 s; 10,000 items < 90 s and < 1 GB; index < 5 MB at 10,000;"
          " search ready < 3 s at 5,000")


if __name__ == "__main__":
    main()
