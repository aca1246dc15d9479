"""Chinese text for a terminal: findings grouped by item, a summary line."""
from __future__ import annotations

from collections import defaultdict

from ..findings import ERROR, INFO, WARNING, sort_key

LABELS = {ERROR: "错误", WARNING: "警告", INFO: "提示"}
COLORS = {ERROR: "31", WARNING: "33", INFO: "36"}


def _paint(s: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{s}\x1b[0m" if color else s


def render(report, color: bool = False) -> str:
    groups: dict[tuple, list] = defaultdict(list)
    for f in sorted(report.findings, key=sort_key):
        groups[(f.file or "", f.item or "")].append(f)
    lines = []
    for (file, item), found in sorted(groups.items(), key=lambda kv: (kv[0][0] == "", kv[0])):
        if not file:
            head = "台账整体"
        else:
            title = report.titles.get(item, "")
            head = f"{item} {title}".strip() if item else file
            head = f"{head}  ({file})" if item else head
        lines.append(_paint(head, "1", color))
        for f in found:
            where = f"第 {f.line} 行" if f.line else "      "
            label = _paint(f"{LABELS[f.severity]}", COLORS[f.severity], color)
            lines.append(f"  {where:<8} {label} {f.code}  {f.message}")
        lines.append("")
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in LABELS}
    what = {"audit": "审计完毕", "validate": "校验完毕"}.get(report.command, "检查完毕")
    scope = f"共 {report.checked} 个事项" if report.command != "audit" else f"共 {report.checked} 个提交"
    if not report.findings:
        summary = f"{what}：{scope}，没有发现问题。"
    else:
        summary = f"{what}：{scope}，错误 {counts[ERROR]} 个，警告 {counts[WARNING]} 个，提示 {counts[INFO]} 个。"
    lines.append(_paint(summary, "1", color))
    return "\n".join(lines) + "\n"
