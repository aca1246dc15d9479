"""Time `ducha audit` on a generated repository of 5,000 items and 30,000 commits.

    python benchmarks/bench_audit.py [--items 5000] [--commits 30000] [--out benchmarks/out/audit-repo]
    python benchmarks/bench_audit.py --backends [--rounds 5]

The repository is written with `git fast-import`: the office creates the
items, then units append progress events to their items, one commit each,
with authors, dates and signatures-free commits as a real ledger has them.
Measures a full audit (no cache), an audit with the cache warm, and an
incremental audit after one new commit.

`--backends` instead compares the two ways of running Git that
`ducha.gitrepo` could use, on the same repository: its plain subprocesses
(one `git` per command, one pipelined `cat-file --batch` per call) against
GitPython (`Repo.git` for commands, its persistent `cat-file --batch`).
Workloads: the import alone (included in the others too), read every item
blob of the history, read the whole `git log --raw`, run 300 small
commands (`rev-parse`). Each measurement runs in its own
process; CPU time (user + system, Git's own processes included) is the
figure that counts on a loaded machine, wall time is shown beside it. The
backends alternate within each round; the median of the rounds is printed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
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


# --- GitPython against ducha.gitrepo ---------------------------------------------------

WORKLOADS = ("import", "blobs", "log", "commands")
BACKENDS = ("subprocess", "gitpython")
COMMANDS = 300


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def backend_worker(backend: str, workload: str, root: Path, names_file: Path) -> dict:
    """One measurement, in this process: {cpu, wall, size}. Imports count (ducha would pay them too)."""
    names = names_file.read_text().split()
    shas = names[names.index("--shas") + 1:]
    blobs = names[:names.index("--shas")]
    cpu, wall = _cpu(), time.perf_counter()
    log_args = ["--no-walk=unsorted", "--stdin", "--raw", "--no-renames", "--no-abbrev", "-z", "--first-parent",
                "--format=%H%x00%P%x00%aI%x00%cI%x00%ae%x00%an%x00%s"]
    stdin = "\n".join(shas).encode() + b"\n"
    if backend == "subprocess":
        from ducha import gitrepo

        if workload == "import":
            size = 0
        elif workload == "blobs":
            size = sum(len(v[1]) for v in gitrepo.read_objects(root, blobs).values() if v)
        elif workload == "log":
            size = len(gitrepo.run(root, "log", *log_args, input=stdin))
        else:
            size = sum(len(gitrepo.resolve(root, "HEAD") or "") for _ in range(COMMANDS))
    else:
        import git

        repo = git.Repo(root)
        if workload == "import":
            size = 0
        elif workload == "blobs":
            size = sum(len(repo.git.get_object_data(b)[3]) for b in blobs)
        elif workload == "log":
            import tempfile

            with tempfile.TemporaryFile() as fh:  # GitPython feeds stdin from a real file
                fh.write(stdin)
                fh.seek(0)
                size = len(repo.git.log(*log_args, istream=fh, stdout_as_string=False))
        else:
            size = sum(len(repo.git.rev_parse("--verify", "--quiet", "HEAD^{commit}")) for _ in range(COMMANDS))
        repo.git.clear_cache()  # ends (and waits for) the persistent cat-file, so its CPU time is counted
        repo.close()
    return {"cpu": _cpu() - cpu, "wall": time.perf_counter() - wall, "size": size}


def compare_backends(root: Path, rounds: int) -> None:
    sys.path.insert(0, str(REPO))
    from ducha import gitrepo

    shas = [sha for sha, _ in gitrepo.commits_with_parents(root, ["HEAD"], oldest_first=True)]
    blobs = sorted({f.new for e in gitrepo.read_log(root, shas) for f in e.files if f.new != gitrepo.ZERO})
    names_file = root.parent / "backend-names.txt"
    names_file.write_text("\n".join([*blobs, "--shas", *shas]) + "\n")
    print(f"GitPython against subprocess: {len(blobs)} blobs, {len(shas)} commits, {COMMANDS} commands; "
          f"{rounds} rounds, median")
    results: dict[tuple[str, str], list[dict]] = {}
    for n in range(rounds):
        for workload in WORKLOADS:
            for backend in (BACKENDS if n % 2 == 0 else BACKENDS[::-1]):
                out = subprocess.run([sys.executable, __file__, "--backend-worker", backend, workload, str(root),
                                      str(names_file)], capture_output=True, text=True, check=True).stdout
                results.setdefault((workload, backend), []).append(json.loads(out))
    sizes = {}
    for (workload, _backend), runs in results.items():
        sizes.setdefault(workload, set()).add(runs[0]["size"])
    for workload in WORKLOADS:
        line = [f"{workload:9s}"]
        for backend in BACKENDS:
            runs = results[(workload, backend)]
            line.append(f"{backend} {statistics.median(r['cpu'] for r in runs):6.2f} s CPU "
                        f"({statistics.median(r['wall'] for r in runs):6.2f} s wall)")
        same = "same bytes" if len(sizes[workload]) == 1 else f"DIFFERENT sizes {sorted(sizes[workload])}"
        print("  ".join(line) + f"  [{same}]")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--backend-worker":
        backend, workload, root, names = sys.argv[2:6]
        print(json.dumps(backend_worker(backend, workload, Path(root), Path(names))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--commits", type=int, default=30000)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "audit-repo")
    parser.add_argument("--backends", action="store_true", help="compare GitPython with ducha.gitrepo instead")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.backends:
        root = args.out if (args.out / ".git").is_dir() else build_repo(args.out, args.items, args.commits)
        compare_backends(root, args.rounds)
        return
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
    subprocess.run(["git", "commit", "-q", "-am", "one more"], cwd=root, check=True, env={**os.environ, **env})
    inc, inc_mb, code = run(audit, root)
    print(f"incremental, one new commit   {inc:6.2f} s  {inc_mb:4d} MB peak  (target 1 s)  exit {code}")


if __name__ == "__main__":
    main()
