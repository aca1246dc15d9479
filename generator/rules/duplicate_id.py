"""`duplicate_id`: no two item files may carry the same id.

Ids equal file names, so two files with one id sit in different folders
(`items/2025/x.yaml` and `items/2026/x.yaml`), or one file's `id` copies
another's. Found from file names as well as from the ids read, so even an
unreadable duplicate is caught.

FAIL: `items/2025/2025-0001.yaml` and `items/archive/2025-0001.yaml`.
"""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ..findings import ERROR, Finding
from ..model import id_from_file

if TYPE_CHECKING:
    from collections.abc import Iterator

    from . import Context

CODE = "duplicate_id"
SCOPE = "ledger"
NEEDS_AS_OF = False
SEVERITY = ERROR
TITLE = "事项编号重复"
SECTION = None  # no section of docs/rules.md beyond the list of rules
EXPLANATION = (
    "两个事项文件不能使用同一个编号。编号就是文件名，"
    "所以重复的编号出现在不同的文件夹中（如 `items/2025/x.yaml` 和 `items/2026/x.yaml`）"
    "，或是一个文件的 `id` 抄了另一个文件的编号。按文件名和读到的编号两方面查找，"
    "即使重复的文件无法读取也能发现。请给其中一个事项换一个新编号（文件名和 `id` 一起改）。"
)


def check(ctx: Context) -> Iterator[Finding]:
    claims: dict[str, dict[str, int]] = defaultdict(dict)
    for rel in ctx.files:
        claims[id_from_file(rel)][rel] = 1
    for item in ctx.items:
        claims[item.id][item.file] = item.line_of("id")
    for ident, files in claims.items():
        if len(files) < 2:
            continue
        for rel, line in sorted(files.items()):
            others = "、".join(f for f in sorted(files) if f != rel)
            yield Finding(
                rel, line, CODE,
                f"编号 {ident} 重复：{others} 也使用了这个编号。每个事项的编号必须唯一，"
                "请给其中一个换一个未使用的编号（同时修改文件名）。",
                item=ident,
            )
