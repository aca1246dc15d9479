"""Decisions and their tasks (issue 17): `sources/<id>.yaml`.

A source is one meeting, document, government work report, instruction…
whose decisions the office breaks down into items (责任分解). Items name
theirs with `source_id: <id>`; the rule `unknown_source` reports one that
names no source. Sources are few and small: read on every run, bounded
like item files (size, depth, control characters: `generator.loader`), and
never cached. Only the office changes them (the audit treats every path
outside `items/` as the office's).
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from . import loader
from .fields import ID_RE, Out, is_null, kind_zh, show
from .fields import read as read_field
from .findings import Finding
from .loader import YMap, YNode
from .model import SOURCE_FIELDS, Item, Source, id_from_file

SOURCES_DIR = "sources"
# Bound on how many sources one ledger reads: a city has a few dozen decisions a year.
MAX_SOURCES = 5000


def source_from_tree(root: YNode, rel: str) -> tuple[Source | None, list[Finding]]:
    """Validate one `sources/<id>.yaml` tree; the source, or None when a required field cannot be read."""
    from .validate import check_keys, require_keys

    out = Out(rel)
    if not isinstance(root, YMap):
        out.add(root, "invalid_field", f"决策部署文件应当是“键: 值”的映射（id:、title:、kind:、date: 等），这里整个文件是{kind_zh(root)}。")
        return None, out.findings
    check_keys(root, SOURCE_FIELDS, out, "决策部署")
    ok = require_keys(root, SOURCE_FIELDS, [n for n, s in SOURCE_FIELDS.items() if s.required], out, "决策部署")
    values: dict = {}
    for key, (_, vnode) in root.entries.items():
        spec = SOURCE_FIELDS.get(key)
        if spec is None or (is_null(vnode) and not spec.required):
            continue
        value = read_field(vnode, spec, out)
        if value is None:
            ok = ok and not spec.required
            continue
        values[key] = value
    expected = id_from_file(rel)
    if "id" in values:
        idnode = root.entries["id"][1]
        if not ID_RE.fullmatch(values["id"]):
            out.add(idnode, "invalid_field", f"决策部署编号 {show(values['id'])} 含有不允许的字符。编号会成为文件名和网址，"
                    "只能用字母、数字、- 和 _（不超过 64 个字符），例如 2025-cwh-12。")
            ok = False
        elif values["id"] != expected:
            out.add(idnode, "id_mismatch", f"决策部署编号 {show(values['id'])} 与文件名 {show(expected)}.yaml 不一致。"
                    f"请把 id 改为 {show(expected)}，或把文件改名为 {show(values['id'])}.yaml（事项的 source_id 写的是文件名）。")
            ok = False
    if not ok:
        return None, out.findings
    lines = {key: knode.line for key, (knode, _) in root.entries.items()}
    return Source(file=rel, lines=lines, **values), out.findings


def load_sources(root: Path) -> tuple[dict[str, Source], list[Finding], dict[str, tuple[int, int]]]:
    """Every readable source of the ledger at `root` by id, the findings, and each file's stat (for fingerprints)."""
    from .ledger import walk_yaml

    files, stats, findings, refused = walk_yaml(root, SOURCES_DIR)
    stats = {**stats, **refused}
    if len(files) > MAX_SOURCES:
        findings.append(Finding(SOURCES_DIR, None, "invalid_field",
                                f"{SOURCES_DIR}/ 中有 {len(files)} 个文件，超过上限 {MAX_SOURCES} 个，只读取了前 {MAX_SOURCES} 个。"
                                "决策部署（会议、文件、报告）一年通常只有几十项：请把不再需要的移出台账，或检查是否误放了事项文件。"))
        files = files[:MAX_SOURCES]
    sources: dict[str, Source] = {}
    for rel in files:
        tree, found = loader.load_file_bytes(os.path.join(root, rel), rel)
        findings += found
        if tree is None:
            continue
        source, found = source_from_tree(tree, rel)
        findings += found
        if source is None:
            continue
        if source.id in sources:
            first = sources[source.id].file
            findings.append(Finding(rel, 1, "duplicate_id",
                                    f"决策部署编号 {source.id} 重复：{first} 已经用了这个编号。请删除其中一个，或给它另起编号。"))
            continue
        sources[source.id] = source
    return sources, findings, stats


def items_of(source: Source, items: Iterable[Item]) -> list[Item]:
    """The items that name `source`, by id."""
    return sorted((i for i in items if i.source_id == source.id), key=lambda i: i.id)
