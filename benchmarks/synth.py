"""Write a synthetic ledger: N items of about 1.5 KB with 6 events each.

    python benchmarks/synth.py OUT_DIR [--items 10000]

Realistic shape: every category, several units, Chinese titles and texts,
block-style events; deterministic (seeded) so runs compare.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CATEGORIES = ["work_report", "policy_document", "meeting_decision", "leader_instruction", "leader_research",
              "npc_suggestion", "cppcc_proposal", "npc_motion", "npc_review", "higher_assignment",
              "netizen_message", "central_work"]
NEEDS_DEADLINE = {"meeting_decision", "leader_instruction", "leader_research", "npc_review", "central_work"}
UNITS = ["zjj", "fgw", "rsj", "jxj", "jtj", "gaj", "swj", "scjgj", "slj", "sthjj", "zrzyj", "cgj", "wjw", "czj"]
TEXTS = ["已完成摸底调查，形成工作方案，明确责任分工和时间节点。", "项目已开工建设，完成投资进度的百分之四十，正在加快推进。",
         "召开专题推进会，协调解决用地、资金等问题，整体进度符合预期。", "完成阶段性目标任务，下一步将加强督导检查，确保按期完成。"]


def item_text(n: int, rng: random.Random, all_public: bool = False) -> str:
    category = CATEGORIES[n % len(CATEGORIES)]
    assigned = dt.date(2025, 1, 6) + dt.timedelta(days=rng.randrange(0, 600))
    ident = f"{assigned.year}-{n:05d}"
    lines = [
        "# yaml-language-server: $schema=../../schema/item.schema.json",
        f"id: {ident}",
        f"title: 第{n}号督查事项：推进重点民生工程建设并按期完成年度目标任务",
        f"category: {category}",
        f"source: {assigned.year}年市政府常务会议第{n % 40 + 1}次会议",
        "description: |",
        "  按照市政府工作部署，加快推进项目建设，确保按期完成目标任务，",
        "  及时报告工作进展情况，对存在的困难和问题提出解决建议。",
        "  涉及多个部门的，由主办单位牵头协调，协办单位积极配合。",
        f"assigned: {assigned}",
        f"lead_unit: {UNITS[n % len(UNITS)]}",
        f"co_units: [{UNITS[(n + 3) % len(UNITS)]}, {UNITS[(n + 5) % len(UNITS)]}]",
    ]
    if category in NEEDS_DEADLINE:
        lines.append(f"deadline: {assigned + dt.timedelta(days=rng.randrange(60, 300))}")
    public = all_public or n % 3
    lines += [f"public: {'true' if public else 'false'}", "contact: 联系人 0558-5550000", "events:"]
    day = assigned
    kinds = ["progress", "progress", "urge", "progress", "progress", "completed"]
    for k, kind in enumerate(kinds):
        day += dt.timedelta(days=rng.randrange(10, 40))
        lines.append(f"  - date: {day}")
        lines.append(f"    type: {kind}")
        if kind != "urge":
            lines.append(f"    text: {TEXTS[(n + k) % len(TEXTS)]}")
        else:
            lines.append("    note: 进展报告逾期，电话催办。")
        if kind == "progress":
            lines.append("    by: 承办科室")
    return ident, "\n".join(lines) + "\n"


def write(out: Path, count: int, seed: int = 20251, all_public: bool = False) -> Path:
    if out.exists():
        shutil.rmtree(out)
    (out / "items").mkdir(parents=True)
    shutil.copy(REPO / "ledger.yaml", out / "ledger.yaml")
    rng = random.Random(seed)
    for n in range(1, count + 1):
        ident, text = item_text(n, rng, all_public)
        folder = out / "items" / ident[:4]
        folder.mkdir(exist_ok=True)
        (folder / f"{ident}.yaml").write_text(text, encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--all-public", action="store_true", help="mark every item public")
    args = parser.parse_args()
    write(args.out, args.items, all_public=args.all_public)
    print(f"wrote {args.items} items to {args.out}")


if __name__ == "__main__":
    main()
