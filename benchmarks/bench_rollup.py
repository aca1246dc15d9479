"""Time `ducha rollup` over 16 synthetic cities of 10,000 items each, served from 127.0.0.1.

    python benchmarks/bench_rollup.py [--cities 16] [--items 10000] [--out /tmp/ducha-bench-rollup] [--no-git]

What each city publishes: a full `ducha build` of 16 × 10,000 items would
take far longer than the roll-up itself, so each city publishes only what
the roll-up reads, made by ducha's own build code path
(`ducha.rollup.opendata.publish`: the build's load → evaluate → public view
stages and its `site.files` writers): `ledger-head.json`,
`data/items.json`, `data/items.csv` and `data/items.schema.json`. Every
item is public (synth.py --all-public), so every item is verified. Each
city's ledger is a Git repository (one commit) pushed to a bare repository
that serves as the read-only mirror (`git:` in sources.yaml), unless --no-git;
both are written by one `git fast-import` stream (no index, no `git add`
of 10,000 files), and the cities are made side by side, one per core.

Printed for each run: wall time, peak memory of the process tree, exit
status and CPU time (user + system of the whole tree: on a shared machine
the figure that depends least on the other load).
BENCH_PROFILE=FILE records the one-changed run with py-spy (raw stacks).

Measured, wall time and peak memory of the whole process tree:
- cold:    first roll-up, empty cache (every city fetched, every mirror
           cloned, every ledger recomputed from its commit, site built);
- one city changed: one city commits one event and publishes again; the
           others answer 304.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402
from common import _tree_rss_kb  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import datetime as dt  # noqa: E402

from ducha.rollup.opendata import publish  # noqa: E402

AS_OF = dt.date(2026, 11, 26)
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@ducha.example", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "bench@ducha.example", "GIT_AUTHOR_DATE": "2026-11-25T10:00:00+08:00",
           "GIT_COMMITTER_DATE": "2026-11-25T10:00:00+08:00"}


def git(cwd: Path, *args: str, input: bytes | None = None) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, input=input, env={**os.environ, **GIT_ENV})


def fast_commit(repos: list[Path], ledger: Path, paths: list[str], message: str, first: bool) -> None:
    """Commit `paths` of `ledger` (as they are on disk) on main of each of `repos`, with `git fast-import`:
    one stream, no index, so 10,000 files take a second, not a `git add` of minutes. Deterministic
    (fixed author and date), so every repository gets the same commit."""
    msg = message.encode()
    out = [b"commit refs/heads/main\n", b"author bench <bench@ducha.example> 1764036000 +0800\n",
           b"committer bench <bench@ducha.example> 1764036000 +0800\n", f"data {len(msg)}\n".encode(), msg, b"\n"]
    if not first:
        out.append(b"from refs/heads/main^0\n")
    for rel in paths:
        data = (ledger / rel).read_bytes()
        out += [f"M 100644 inline {rel}\ndata {len(data)}\n".encode(), data, b"\n"]
    stream = b"".join(out)
    for repo in repos:
        git(repo, "fast-import", "--quiet", input=stream)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def make_city(base: Path, n: int, items: int, with_git: bool) -> tuple[str, Path, Path]:
    cid = f"city{n:02d}"
    ledger = synth.write(base / "ledgers" / cid, items, seed=1000 + n, all_public=True)
    mirror = base / "mirrors" / f"{cid}.git"
    if with_git:
        mirror.parent.mkdir(parents=True, exist_ok=True)
        git(ledger, "init", "-q", "-b", "main")
        git(base, "init", "-q", "--bare", "-b", "main", str(mirror))
        files = ["ledger.yaml", *(p.relative_to(ledger).as_posix() for p in sorted((ledger / "items").rglob("*.yaml")))]
        fast_commit([ledger, mirror], ledger, files, "台账", first=True)
    publish(ledger, base / "www" / cid, AS_OF)
    return cid, ledger, mirror


def timed(command: list[str], base: Path) -> tuple[float, int, int, float]:
    """(wall seconds, peak memory of the process tree in MB, exit status, CPU seconds of the tree).

    As `common.run`, and the CPU time (user + system) of every process of the tree, read from /proc
    while it runs: the roll-up's workers are children of a fork server that nobody waits for, so
    `getrusage(RUSAGE_CHILDREN)` would miss them. Processes shorter than the sampling interval (a
    `git rev-parse`) are missed: the figure is a little low. On a shared machine the wall time
    depends on the other load, the CPU time much less."""
    tick = os.sysconf("SC_CLK_TCK")
    start = time.perf_counter()
    errors = tempfile.TemporaryFile()
    proc = subprocess.Popen(command, cwd=base, stdout=subprocess.DEVNULL, stderr=errors)
    peak, cpu, done = 0, {}, threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            for pid in _tree(proc.pid):
                try:
                    with open(f"/proc/{pid}/stat") as fh:
                        fields = fh.read().rsplit(")", 1)[1].split()
                    cpu[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime, this process only
                except (OSError, IndexError, ValueError):
                    pass
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    proc.wait()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode:
        errors.seek(0)
        print(errors.read().decode("utf-8", "replace")[-3000:], file=sys.stderr)
    errors.close()
    return seconds, peak // 1024, proc.returncode, sum(cpu.values())


def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    children.setdefault(int(fh.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=16)
    parser.add_argument("--items", type=int, default=10_000)
    # Outside any Git work tree: ducha keeps no cache inside one (a commit could supply it), and the
    # roll-up needs its cache folder for the cities' mirrors.
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "ducha-bench-rollup")
    parser.add_argument("--no-git", action="store_true", help="no mirrors: schema checks only")
    args = parser.parse_args()
    base = args.out.resolve()
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    start = time.perf_counter()
    os.environ["DUCHA_CACHE_DIR"] = str(base / "setup-cache")  # the cities' own build caches, apart from the roll-up's
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # the cities are independent: one per core
        cities = list(pool.map(make_city, [base] * args.cities, range(1, args.cities + 1),
                                [args.items] * args.cities, [not args.no_git] * args.cities))
    size = sum((base / "www" / c / "data" / "items.json").stat().st_size for c, _, _ in cities) / len(cities)
    print(f"setup: {args.cities} cities × {args.items} items, items.json {size / 1e6:.1f} MB each "
          f"({time.perf_counter() - start:.0f} s)")

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(base / "www")))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = httpd.server_address[1]
    lines = ["name: 基准测试省督查汇总", "cities:"]
    for cid, _, mirror in cities:
        lines.append(f"  - id: {cid}\n    name: 第{cid[4:]}市\n    url: http://127.0.0.1:{port}/{cid}/")
        if not args.no_git:
            lines.append(f"    git: file://{mirror}")
    (base / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    os.environ["DUCHA_CACHE_DIR"] = str(base / "cache")  # a cold cache: state, mirrors, item caches
    command = [sys.executable, "-m", "ducha", "rollup", "--sources", str(base / "sources.yaml"),
               "--out", str(base / "province"), "--fail-on", "stale"]
    seconds, peak, code, cpu = timed(command, base)
    print(f"cold roll-up                 {seconds:6.1f} s  peak {peak:5d} MB  exit {code}  CPU {cpu:6.1f} s  (target < 60 s)")

    cid, ledger, mirror = cities[0]
    item = sorted((ledger / "items").rglob("*.yaml"))[0]
    item.write_text(item.read_text(encoding="utf-8") + "  - date: 2026-11-20\n    type: progress\n    text: 新进展\n",
                    encoding="utf-8")
    if not args.no_git:
        fast_commit([ledger, mirror], ledger, [item.relative_to(ledger).as_posix()], "新进展", first=False)
    publish(ledger, base / "www" / cid, AS_OF)
    for path in (base / "www" / cid).rglob("*"):  # If-Modified-Since has one-second resolution
        st = path.stat()
        os.utime(path, (st.st_atime + 5, st.st_mtime + 5))
    if os.environ.get("BENCH_PROFILE"):  # e.g. BENCH_PROFILE=/tmp/one.txt: py-spy's raw stacks of this run
        command = [str(Path(sys.executable).parent / "py-spy"), "record", "-o", os.environ["BENCH_PROFILE"], "-f", "raw",
                   "--subprocesses", "-r", "100", "--", *command]
    seconds, peak, code, cpu = timed(command, base)
    print(f"one city changed             {seconds:6.1f} s  peak {peak:5d} MB  exit {code}  CPU {cpu:6.1f} s  (target < 10 s)")
    httpd.shutdown()


if __name__ == "__main__":
    main()
