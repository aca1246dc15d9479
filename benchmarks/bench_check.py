"""Time `ducha check` on a synthetic ledger against merely parsing its files.

    python benchmarks/bench_check.py [--items 10000] [--out benchmarks/out/ledger]

Measures, in one run on this machine:
- parse:    every item file loaded with PyYAML's C loader, one process;
- cold:     `ducha check --format json` with no cache (wall time, peak memory
            of the whole process tree, workers included);
- warm:     the same again, nothing changed;
- next day: `--as-of` one day later (results recomputed, items from cache);
- one edit: one item file changed;
- validate: `ducha validate FILE` of one file, as pre-commit calls it.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402
from common import run  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ducha.cache import cache_folder  # noqa: E402  (the ledger's folder in the user's cache)

AS_OF = "2026-11-26"


def parse_only(root: Path) -> float:
    files = sorted((root / "items").rglob("*.yaml"))
    start = time.perf_counter()
    for path in files:
        with open(path, "rb") as fh:
            yaml.load(fh.read(), Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "ledger")
    args = parser.parse_args()

    root = synth.write(args.out, args.items)
    size = sum(p.stat().st_size for p in (root / "items").rglob("*.yaml")) / args.items
    ducha = [sys.executable, "-m", "ducha"]
    check = [*ducha, "check", "--format", "json", "--as-of", AS_OF]
    print(f"ledger: {args.items} items, {size:.0f} bytes each on average, 6 events each")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, PyYAML {yaml.__version__}")

    parse = parse_only(root)
    print(f"parse only (PyYAML C loader)     {parse:6.2f} s")

    shutil.rmtree(cache_folder(root), ignore_errors=True)
    cold, cold_mb, code = run(check, root)
    print(f"check, cold                       {cold:6.2f} s  {cold_mb:4d} MB peak  "
          f"({cold / parse:.2f}x parse; target 1.5x, 300 MB)  exit {code}")
    warm, warm_mb, _ = run(check, root)
    print(f"check, nothing changed            {warm:6.2f} s  {warm_mb:4d} MB peak  (target 0.5 s)")
    next_day = (dt.date.fromisoformat(AS_OF) + dt.timedelta(days=1)).isoformat()
    day, day_mb, _ = run([*ducha, "check", "--format", "json", "--as-of", next_day], root)
    print(f"check, next day (items cached)    {day:6.2f} s  {day_mb:4d} MB peak")
    one = sorted((root / "items").rglob("*.yaml"))[0]
    one.write_text(one.read_text(encoding="utf-8").replace("推进", "加快推进", 1), encoding="utf-8")
    edit, edit_mb, _ = run(check, root)
    print(f"check, one file edited            {edit:6.2f} s  {edit_mb:4d} MB peak")
    rel = one.relative_to(root).as_posix()
    shutil.rmtree(cache_folder(root), ignore_errors=True)
    val, val_mb, code = run([*ducha, "validate", rel], root)
    print(f"validate one file (no cache)      {val:6.2f} s  {val_mb:4d} MB peak  (target 1 s)  exit {code}")


if __name__ == "__main__":
    main()
