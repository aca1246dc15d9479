"""docs/rules.md §10, one section per rule, written from the rule modules.

Each module in `generator/rules/` carries its `CODE`, `SEVERITY`, Chinese
`TITLE` and `EXPLANATION`, and the `SECTION` of docs/rules.md that explains
the computation; this module turns them into Markdown between two marker
lines of docs/rules.md, so the rules and their only Chinese explanation
never part. `python -m ducha.rulesdoc` rewrites that part;
tests/test_rules_doc.py fails when it is stale.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .findings import ERROR, INFO, WARNING
from .rules import RULES

BEGIN = "<!-- 以下各节由 generator/rules/ 中的规则模块生成（python -m ducha.rulesdoc），请勿手改 -->"
END = "<!-- 生成结束 -->"
SEVERITY_NAMES = {ERROR: "错误", WARNING: "警告", INFO: "提示"}
DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def heading(code: str) -> str:
    """The heading of a rule's section, e.g. ### `overdue`：已超期."""
    return f"### `{code}`：{RULES[code].TITLE}"


def sections() -> str:
    """The Markdown of every rule, in the order `ducha check` runs them, between the markers."""
    parts = [BEGIN]
    for code, rule in RULES.items():
        where = f"计算方法见第 {rule.SECTION} 节。" if rule.SECTION else ""
        as_of = "随日期变化（`ducha validate` 不检查）" if rule.NEEDS_AS_OF else "不随日期变化"
        parts += ["", heading(code), "", f"级别：{SEVERITY_NAMES[rule.SEVERITY]}；{as_of}。{where}", "", rule.EXPLANATION]
    parts += ["", END]
    return "\n".join(parts)


def updated(text: str) -> str:
    """`text` (docs/rules.md) with its generated part replaced by `sections()`."""
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + sections() + text[end:]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DOC
    text = path.read_text(encoding="utf-8")
    new = updated(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
        print(f"已更新 {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
