"""The ledger format version: `format` and `min_ducha` in `ledger.yaml`.

`ducha init` writes both. A ducha that changes what a ledger may contain
raises `FORMAT` and writes, beside the new number, the first release that
reads it (`min_ducha`), so an older ducha can name the release to install
instead of reporting every new key as unknown:

    format: 1          # PASS for this ducha
    format: 2          # FAIL (exit 2): 台账格式为 2 版，请升级 ducha 到 <min_ducha> 以上
    min_ducha: 9.0.0   # FAIL (exit 2) when this ducha is older
    (neither key)      # PASS: a ledger from before the format was recorded is format 1

A malformed value (`format: zwei`, `min_ducha: latest`) is an
`invalid_field` finding like any other, never a refusal.
"""
from __future__ import annotations

import re

from .findings import Finding
from .loader import INT, YMap, YScalar

FORMAT = 1  # the ledger format this ducha reads and `ducha init` writes
FORMAT_SINCE = {1: "0.1.0"}  # format -> the first ducha release that reads it
_VERSION = re.compile(r"[0-9]{1,6}(?:\.[0-9]{1,6}){0,3}\Z")


def ducha_version() -> str:
    """The running ducha's version (the installed distribution's, else the package's)."""
    try:
        from importlib.metadata import version

        return version("ducha")
    except Exception:  # running from a source tree without metadata
        from . import __version__

        return __version__


def _key(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"[0-9]+", text)[:4])


def too_new(tree, rel: str = "ledger.yaml") -> tuple[str | None, list[Finding]]:
    """(the refusal message if this ducha cannot read the ledger, findings on malformed values)."""
    if not isinstance(tree, YMap):
        return None, []
    findings = []
    fmt = min_ducha = None
    if "format" in tree.entries:
        node = tree.entries["format"][1]
        if isinstance(node, YScalar) and node.tag == INT and node.text.isascii() and node.text.isdigit() \
                and len(node.text) <= 6 and int(node.text) >= 1:
            fmt = int(node.text)
        else:
            text = node.text if isinstance(node, YScalar) else "（不是一个数）"
            findings.append(Finding(rel, node.line, "invalid_field",
                                    f"format（台账格式版本）应当是 1 以上的整数，这里写的是 {text}。"
                                    f"本 ducha 读写的是第 {FORMAT} 版：请写 format: {FORMAT}。"))
    if "min_ducha" in tree.entries:
        node = tree.entries["min_ducha"][1]
        if isinstance(node, YScalar) and _VERSION.match(node.text):
            min_ducha = node.text
        else:
            text = node.text if isinstance(node, YScalar) else "（不是版本号）"
            findings.append(Finding(rel, node.line, "invalid_field",
                                    f"min_ducha（所需最低 ducha 版本）应当是版本号，例如 {FORMAT_SINCE[FORMAT]}，"
                                    f"这里写的是 {text}。请加引号写成 min_ducha: \"{FORMAT_SINCE[FORMAT]}\"。"))
    mine = ducha_version()
    newer_ducha = min_ducha is not None and _key(min_ducha) > _key(mine)
    if (fmt is not None and fmt > FORMAT) or newer_ducha:
        need = min_ducha if newer_ducha else f"{mine} 之后支持第 {fmt} 版格式的版本"
        shown = fmt if fmt is not None else FORMAT
        return (f"台账格式为 {shown} 版，请升级 ducha 到 {need} 以上（本机的 ducha 是 {mine}，"
                f"读取第 {FORMAT} 版及以前的台账）。例如：pipx upgrade ducha，或 pip install -U ducha。"), findings
    return None, findings
