"""Time `ducha signals` on a synthetic ledger of 10,000 items with 30,000 commits.

    python benchmarks/bench_signals.py [--items 10000] [--commits 30000] [--out benchmarks/out/signals-repo]

The items are `synth.py`'s (every category, 14 units, 6 events each). Most
report texts are rewritten into distinct sentences built from phrase
pools, so the text comparison has tens of thousands of different texts to
work on (one in ten keeps synth's four stock sentences: copies to find).
The history is written with `git fast-import` as in `bench_audit.py`: the
office creates each item, then its unit adds the events in commits dated
a few days after the newest event they add, all commits in date order.
Measures `ducha signals --format json` without cache, filling the cache,
and warm (the figure the target applies to: under 10 s), then how the
text comparison alone grows with the number of texts.
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
sys.path.insert(0, str(REPO))
import synth  # noqa: E402
from common import run  # noqa: E402

OFFICE = ("李明", "li.ming@duchashi.example")
AS_OF = "2027-12-31"
TZ = dt.timezone(dt.timedelta(hours=8))

PLACES = ["城东片区", "高新区", "老城区", "经开区", "谯城区", "涡阳县", "蒙城县", "利辛县", "北部新区", "南部新城",
          "火车站片区", "工业园区", "农业示范区", "滨河片区", "大学城"]
WORKS = ["雨污分流改造", "老旧小区加装电梯", "道路提质工程", "污水管网建设", "农贸市场改造", "公办幼儿园建设",
         "社区养老服务中心", "城市公园绿地", "停车场建设", "供热管网改造", "安置房建设", "学校扩建"]
STEPS = ["完成立项审批", "完成施工招标", "主体结构封顶", "完成设备安装", "进入竣工验收", "完成征迁协议签订",
         "完成管线迁改", "完成初步设计", "开工建设", "完成投资计划"]
NEXT = ["下一步加快施工进度", "下周组织专题调度", "督促施工单位增加人员", "协调解决资金缺口", "抓紧办理规划手续",
        "倒排工期确保按期完成", "加强质量安全监管"]


SUFFIXES = ["路", "小区", "中学", "社区", "工业园", "大道", "公园", "街道", "村", "安置点"]


def project_name(rng: random.Random) -> str:
    """An item's own project, as real reports name it: 振兴路、梨花小区."""
    return "".join(chr(0x4E00 + rng.randrange(0, 6000)) for _ in range(2)) + rng.choice(SUFFIXES)


def varied_text(rng: random.Random, name: str | None = None) -> str:
    """A report sentence; `name`: the item's project (None: the template alone, figures aside)."""
    return (f"{rng.choice(PLACES)}{name or ''}{rng.choice(WORKS)}{rng.choice(STEPS)}，累计完成投资{rng.randrange(5, 100)}%"
            f"，{rng.choice(NEXT)}，涉及{rng.randrange(2, 400)}户")


def split_item(text: str) -> tuple[list[str], list[list[str]]]:
    """synth's item text → header lines (without `events:`) and the lines of each event."""
    lines = text.rstrip("\n").split("\n")
    at = lines.index("events:")
    events: list[list[str]] = []
    for line in lines[at + 1:]:
        if line.startswith("  - "):
            events.append([line])
        else:
            events[-1].append(line)
    return lines[:at], events


def plan(items: int, commits: int, seed: int = 20):
    """Every commit as (time, who, message, path, content), in date order."""
    rng = random.Random(seed)
    synth_rng = random.Random(20251)
    out = []
    per_item = max(1, (commits - items) // items)
    for n in range(1, items + 1):
        ident, text = synth.item_text(n, synth_rng)
        head, events = split_item(text)
        name = project_name(rng)
        for ev in events:
            for k, line in enumerate(ev):
                if line.startswith("    text: ") and rng.random() < 0.9:
                    ev[k] = "    text: " + varied_text(rng, name)
        unit = next(line.split(": ", 1)[1] for line in head if line.startswith("lead_unit: "))
        who = (f"{unit}承办人", f"staff@{unit}.example")
        path = f"items/{ident[:4]}/{ident}.yaml"
        assigned = dt.date.fromisoformat(next(line.split(": ", 1)[1] for line in head if line.startswith("assigned: ")))
        when = dt.datetime.combine(assigned, dt.time(9), TZ) + dt.timedelta(hours=rng.randrange(0, 48))
        out.append((when, OFFICE, f"新建 {ident}", path, "\n".join(head) + "\n"))
        cuts = sorted(rng.sample(range(1, len(events)), min(per_item, len(events)) - 1)) + [len(events)]
        done = 0
        for cut in cuts:
            newest = max(dt.date.fromisoformat(ev[0].split(": ", 1)[1]) for ev in events[done:cut])
            when = max(when + dt.timedelta(minutes=1),
                       dt.datetime.combine(newest, dt.time(10), TZ) + dt.timedelta(hours=rng.randrange(0, 96)))
            body = "\n".join(head + ["events:"] + [line for ev in events[:cut] for line in ev]) + "\n"
            out.append((when, who, f"{ident} 报告进展", path, body))
            done = cut
    out.sort(key=lambda c: c[0])
    return out


def fast_import_stream(commits_plan, ledger: bytes):
    for mark, (when, who, message, path, content) in enumerate(commits_plan, start=1):
        ts = f"{int(when.timestamp())} +0800"
        msg = message.encode()
        out = [f"commit refs/heads/main\nmark :{mark}\n".encode(),
               f"author {who[0]} <{who[1]}> {ts}\ncommitter {who[0]} <{who[1]}> {ts}\n".encode(),
               f"data {len(msg)}\n".encode(), msg, b"\n"]
        if mark > 1:
            out.append(f"from :{mark - 1}\n".encode())
        for p, data in ([("ledger.yaml", ledger)] if mark == 1 else []) + [(path, content.encode("utf-8"))]:
            out.append(f"M 100644 inline {p}\ndata {len(data)}\n".encode())
            out += [data, b"\n"]
        yield b"".join(out)


def build_repo(out: Path, items: int, commits: int) -> tuple[Path, int]:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=out, check=True)
    commits_plan = plan(items, commits)
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=out, stdin=subprocess.PIPE)
    for chunk in fast_import_stream(commits_plan, (REPO / "ledger.yaml").read_bytes()):
        proc.stdin.write(chunk)
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=out, check=True)
    return out, len(commits_plan)


def similarity_scaling() -> None:
    """The text comparison alone: distinct texts in, exact verifications and seconds out.

    Two corpora: report sentences naming their item's project (as real
    reports do), and the bare template with only the figures changing (the
    worst case for an inverted index: no shingle is rare).
    """
    from ducha.signals.similarity import NearDuplicates, normalise

    for kind, named in (("named projects", True), ("template only", False)):
        for n in (12_500, 25_000, 50_000):
            rng = random.Random(3)
            names = [project_name(rng) for _ in range(n // 5)]
            texts = list(dict.fromkeys(normalise(varied_text(rng, names[k // 5] if named else None))
                                       for k in range(n)))
            start = time.process_time()
            near = NearDuplicates(texts, 0.9)
            found = sum(near.earlier(i) is not None for i in range(len(texts)))
            took = time.process_time() - start
            print(f"  {kind:15s} {len(texts):6d} distinct texts: {near.compared:7d} exact comparisons, "
                  f"{found:5d} near-copies, {took:5.2f} s CPU (all pairs: {len(texts) * (len(texts) - 1) // 2:,})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=30_000)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "signals-repo")
    parser.add_argument("--runs", type=int, default=3, help="warm runs")
    args = parser.parse_args()
    start = time.perf_counter()
    root, made = build_repo(args.out, args.items, args.commits)
    print(f"repository: {args.items} items, {made} commits (built in {time.perf_counter() - start:.1f} s)")
    command = [sys.executable, "-m", "ducha", "signals", "--ledger", str(root), "--format", "json",
               "--as-of", AS_OF]
    cold, cold_mb, code = run([*command, "--no-cache"], REPO)
    print(f"ducha signals, no cache        {cold:6.2f} s  {cold_mb:4d} MB peak  exit {code}")
    fill, _, _ = run(command, REPO)
    print(f"ducha signals, filling caches  {fill:6.2f} s")
    import resource

    warm, cpu = [], []
    for _ in range(args.runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        took, mb, code = run(command, REPO)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        warm.append(took)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    # CPU time too: on a shared machine the wall time mostly measures the neighbours.
    print(f"ducha signals, warm            {min(warm):6.2f}–{max(warm):.2f} s  ({min(cpu):.2f}–{max(cpu):.2f} s CPU)  "
          f"{mb:4d} MB peak  (target 10 s)  exit {code}")
    out = subprocess.run(command, cwd=REPO, capture_output=True, text=True).stdout
    import json

    data = json.loads(out)
    counts: dict[str, int] = {}
    for s in data["signals"]:
        counts[s["code"]] = counts.get(s["code"], 0) + 1
    print("signals:", ", ".join(f"{k} {v}" for k, v in counts.items()))
    print("text comparison alone (grows with the number of texts, not its square):")
    similarity_scaling()


if __name__ == "__main__":
    main()
