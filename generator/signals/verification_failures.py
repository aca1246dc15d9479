"""`verification_failures`: a unit's completions that did not hold up.

Per lead unit, the failed verifications (`verified` with `result: fail`),
failed follow-ups (`reinspection` with `result: fail`) and returns for
poor quality (`returned`) dated in the period. A unit with
`signals.failures` (default 2) or more is signalled, with how many
verifications it had in all, so the office can plan follow-ups ("回头看").

SHOWS: one failed verification and one return for the same unit in 2025.
QUIET: verifications that passed.
"""
from __future__ import annotations

from ..findings import WARNING
from .base import Evidence, Signal

CODE = "verification_failures"
TITLE = "复核未通过与退回重办"
WHY = "一个单位报告的办结多次经复核未通过、回头看未通过或因质量不高被退回重办，报告与实际可能不符，宜组织回访复查。"
QUOTE = ("四、(五)", "对落实不到位的事项,要组织开展回访复查,督促责任单位整改落实到位,针对已报告反馈情况的重点事项,"
         "适时组织开展“回头看”、 “再督查”,切实增强督促检查的执行力和权威性。")
NEEDS_HISTORY = False

KINDS = {"verified": "复核未通过", "reinspection": "回头看未通过", "returned": "退回重办"}


def find(ctx):
    failures: dict[str, list] = {}
    checks: dict[str, int] = {}
    for item in ctx.items:
        for e in ctx.events(item):
            if not ctx.in_period(e.date):
                continue
            if e.type in ("verified", "reinspection") and e.result:
                checks[item.lead_unit] = checks.get(item.lead_unit, 0) + 1
            if e.type == "returned" or (e.type in ("verified", "reinspection") and e.result == "fail"):
                failures.setdefault(item.lead_unit, []).append((item, e))
    for unit in sorted(failures):
        rows = sorted(failures[unit], key=lambda r: (r[1].date, r[0].id))
        if len(rows) < ctx.settings.failures:
            continue
        counts = {k: sum(1 for _, e in rows if e.type == k) for k in KINDS}
        parts = "，".join(f"{name} {counts[k]} 次" for k, name in KINDS.items() if counts[k])
        yield Signal(
            CODE, WARNING,
            f"{ctx.unit_name(unit)}{ctx.label}{parts}（共复核 {checks.get(unit, 0)} 次），"
            f"涉及 {len({i.id for i, _ in rows})} 个事项。请对其已报办结的事项组织回访复查（回头看）。",
            rows[-1][1].date, unit=unit,
            evidence=[Evidence(f"{i.id} {e.date} {KINDS[e.type]}" + (f"：{e.text}" if e.text else ""), i.id, i.file,
                               e.line, e.date) for i, e in rows],
        )
