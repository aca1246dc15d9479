"""Time `ducha audit` on a generated repository of 5,000 items and 30,000 commits.

    python benchmarks/bench_audit.py [--items 5000] [--commits 30000] [--out benchmarks/out/audit-repo]

The repository is written with `git fast-import`: the office creates the
items, then units append progress events to their items, one commit each,
with authors, dates and signatures-free commits as a real ledger has them.
Measures a full audit (no cache), an audit with the cache warm, and an
incremental audit after one new commit.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from common import run  # noqa: E402
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ducha.cache import cache_folder  # noqa: E402  (the ledger's folder in the user's cache)

UNITS = ["zjj", "fgw", "jtj", "wjw"]
PEOPLE = {"zjj": ("王芳", "wang.fang@zjj.example"), "fgw": ("陈静", "chen.jing@fgw.example"),
          "jtj": ("刘洋", "liu.yang@jtj.example"), "wjw": ("孙丽", "sun.li@wjw.example")}
OFFICE = ("李明", "li.ming@duchashi.example")


def item_text(ident: str, unit: str, events: list[str]) -> str:
    head = (f"id: {ident}\ntitle: 第{ident}号督查事项：推进重点民生工程建设并按期完成年度目标任务\n"
            f"category: work_report\nsource: 2025年市政府常务会议\nassigned: 2025-01-06\nlead_unit: {unit}\n"
            "public: true\n")
    return head + ("events:\n" + "".join(events) if events else "")


def fast_import_stream(items: int, commits: int, seed: int = 7):
    rng = random.Random(seed)
    ledger = (REPO / "ledger.yaml").read_bytes()
    start = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    step = dt.timedelta(seconds=(365 * 86400) // commits)
    when = start
    events: dict[str, list[str]] = {}
    mark = 0

    def commit(who, message, path, content):
        nonlocal mark, when
        mark += 1
        when += step
        ts = f"{int(when.timestamp())} +0800"
        msg = message.encode()
        out = [f"commit refs/heads/main\nmark :{mark}\n".encode(),
               f"author {who[0]} <{who[1]}> {ts}\ncommitter {who[0]} <{who[1]}> {ts}\n".encode(),
               f"data {len(msg)}\n".encode(), msg, b"\n"]
        if mark > 1:
            out.append(f"from :{mark - 1}\n".encode())
        for p, data in ([("ledger.yaml", ledger)] if mark == 1 else []) + [(path, content)]:
            out.append(f"M 100644 inline {p}\ndata {len(data)}\n".encode())
            out += [data, b"\n"]
        return b"".join(out)

    for n in range(1, items + 1):
        ident = f"2025-{n:05d}"
        unit = UNITS[n % len(UNITS)]
        events[ident] = []
        yield commit(OFFICE, f"新建 {ident}", f"items/2025/{ident}.yaml",
                     item_text(ident, unit, []).encode("utf-8"))
    for _ in range(commits - items):
        n = rng.randrange(1, items + 1)
        ident = f"2025-{n:05d}"
        unit = UNITS[n % len(UNITS)]
        day = (when + step).date()
        events[ident].append(f"  - {{date: {day}, type: progress, text: 已完成阶段性任务，正在推进。}}\n")
        yield commit(PEOPLE[unit], f"{ident} 报告进展", f"items/2025/{ident}.yaml",
                     item_text(ident, unit, events[ident]).encode("utf-8"))


def build_repo(out: Path, items: int, commits: int) -> Path:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=out, check=True)
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=out, stdin=subprocess.PIPE)
    for chunk in fast_import_stream(items, commits):
        proc.stdin.write(chunk)
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=out, check=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--commits", type=int, default=30000)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "audit-repo")
    args = parser.parse_args()
    start = time.perf_counter()
    root = build_repo(args.out, args.items, args.commits)
    print(f"repository: {args.items} items, {args.commits} commits (fast-import {time.perf_counter() - start:.1f} s)")
    audit = [sys.executable, "-m", "ducha", "audit", "--ledger", str(root), "--format", "json"]
    full, full_mb, code = run([*audit, "--no-cache"], root)
    print(f"full audit, no cache          {full:6.2f} s  {full_mb:4d} MB peak  (target 30 s)  exit {code}")
    shutil.rmtree(cache_folder(root), ignore_errors=True)
    cold, cold_mb, _ = run(audit, root)
    print(f"full audit, filling the cache {cold:6.2f} s  {cold_mb:4d} MB peak")
    warm, _, _ = run(audit, root)
    print(f"again, nothing new            {warm:6.2f} s")
    item = root / "items" / "2025" / "2025-00001.yaml"
    item.write_text(item.read_text(encoding="utf-8") + "events:\n" if "events:" not in item.read_text(encoding="utf-8")
                    else item.read_text(encoding="utf-8"), encoding="utf-8")
    with item.open("a", encoding="utf-8") as fh:
        fh.write("  - {date: 2026-01-05, type: progress, text: 新的进展}\n")
    env = {"GIT_AUTHOR_NAME": PEOPLE["fgw"][0], "GIT_AUTHOR_EMAIL": PEOPLE["fgw"][1],
           "GIT_COMMITTER_NAME": PEOPLE["fgw"][0], "GIT_COMMITTER_EMAIL": PEOPLE["fgw"][1],
           "GIT_AUTHOR_DATE": "2026-01-05T10:00:00+08:00", "GIT_COMMITTER_DATE": "2026-01-05T10:00:00+08:00"}
    import os
    subprocess.run(["git", "commit", "-q", "-am", "one more"], cwd=root, check=True, env={**os.environ, **env})
    inc, inc_mb, code = run(audit, root)
    print(f"incremental, one new commit   {inc:6.2f} s  {inc_mb:4d} MB peak  (target 1 s)  exit {code}")


if __name__ == "__main__":
    main()
