"""The names people use for categories and units, resolved to the codes the files hold.

Office staff write 领导批示 or 住建局, not `leader_instruction` or `zjj`.
Every option that takes a category or a unit accepts the code, the Chinese
name, the short name (`short` in ledger.yaml) or an alias (`aliases` in
ledger.yaml; for categories the common names below), compared without
spaces, quotes, book-title marks or a difference in width or case. A unit's
name also matches with or without the leading 市 (住建局 = 市住建局). What
matches nothing gets "是不是想写 …" suggestions; what matches two units is
refused with both named. A number chooses from a numbered list (the
prompts of `ducha new`).

The files keep the codes: this is only how a person's words are read.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from .model import CATEGORIES, LedgerConfig

# Names in common use for each category, beyond its full name (docs/rules.md §1).
CATEGORY_ALIASES: dict[str, tuple[str, ...]] = {
    "work_report": ("政府工作报告", "工作报告", "政府工作报告目标任务"),
    "policy_document": ("政策性文件", "政策文件", "重要政策文件"),
    "meeting_decision": ("会议决定", "会议决定事项", "会议事项"),
    "leader_instruction": ("领导批示", "领导批示件", "批示件", "批示", "领导交办", "交办事项", "领导批示件和交办事项"),
    "leader_research": ("领导调研", "调研事项", "领导调研事项"),
    "npc_suggestion": ("人大建议", "代表建议", "人大代表建议"),
    "cppcc_proposal": ("政协提案", "委员提案", "提案"),
    "npc_motion": ("议案", "人大议案"),
    "npc_review": ("审议意见", "常委会审议意见"),
    "higher_assignment": ("上级交办", "上级交办事项", "上级政府交办"),
    "netizen_message": ("网友留言", "人民网留言", "留言"),
    "central_work": ("中心工作", "阶段性工作"),
}

MAX_NAME_CHARS = 100  # longer input is not a name; it is not compared at all


class UnknownName(ValueError):
    """The text names no category or unit (or names several); the message says what to write."""


@dataclass(frozen=True)
class Choice:
    code: str
    name: str  # the full Chinese name
    short: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """`市住房和城乡建设局（zjj，简称 市住建局）`."""
        extra = f"，简称 {self.short}" if self.short and self.short != self.name else ""
        return f"{self.name}（{self.code}{extra}）"

    def keys(self, strip_city: bool) -> set[str]:
        out = set()
        for text in (self.code, self.name, self.short, *self.aliases):
            if text:
                key = normalise(text)
                out.add(key)
                if strip_city:
                    out.add(_without_city(key))
        out.discard("")
        return out


_DROP = re.compile(r"[\s《》〈〉“”‘’\"'「」『』·・]+")


def normalise(text: str) -> str:
    """Compared form: NFKC (full-width → half-width), no spaces or quotes, lower case."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text)).lower()


def _without_city(key: str) -> str:
    return key[1:] if key.startswith("市") and len(key) > 2 else key


def category_choices() -> list[Choice]:
    return [Choice(c.key, c.name, None, CATEGORY_ALIASES.get(c.key, ())) for c in CATEGORIES.values()]


def unit_choices(config: LedgerConfig) -> list[Choice]:
    return [Choice(u.id, u.name, u.short, tuple(u.aliases)) for u in config.units.values()]


def resolve(text: str, choices: list[Choice], what: str, *, numbered: bool = False, units: bool = False) -> str:
    """The code `text` names among `choices`; UnknownName (Chinese, with suggestions) otherwise.

    `numbered`: a number 1..n picks the n-th choice (a numbered prompt).
    `units`: also match names with or without a leading 市.
    """
    raw = text if isinstance(text, str) else str(text)
    if len(raw) > MAX_NAME_CHARS:
        raise UnknownName(f"{what}写得太长（{len(raw)} 个字），不是编号或名称。请写编号、名称或简称。")
    key = normalise(raw)
    shown = _shown(raw)
    if not key:
        raise UnknownName(f"{what}不能为空。{_how(choices, what, numbered)}")
    if numbered and key.isascii() and key.isdigit():
        n = int(key)
        if 1 <= n <= len(choices):
            return choices[n - 1].code
        raise UnknownName(f"没有序号 {shown}：请输入 1–{len(choices)} 之间的序号，或直接写名称。")
    for strip in (False, True) if units else (False,):
        probe = _without_city(key) if strip else key
        found = [c for c in choices if probe in c.keys(strip)]
        if len(found) == 1:
            return found[0].code
        if len(found) > 1:
            both = "、".join(c.label for c in found)
            raise UnknownName(f"{what}“{shown}”同时是几个的名称：{both}。请写其中一个的编号。")
    hints = suggest(raw, choices, units=units)
    if hints:
        return _raise(f"{what}“{shown}”不认识。是不是想写 {'、'.join(c.label for c in hints)}？"
                      f"请写编号、名称或简称，例如 {hints[0].code}。")
    return _raise(f"{what}“{shown}”不认识。{_how(choices, what, numbered)}")


def _raise(message: str):
    raise UnknownName(message)


def suggest(text: str, choices: list[Choice], *, units: bool = False, n: int = 3) -> list[Choice]:
    """Choices close to `text`: names that contain it or that it contains, then similar spellings."""
    key = normalise(text)
    if units:
        key = _without_city(key)
    out: list[Choice] = []
    if len(key) >= 2:
        for c in choices:
            names = c.keys(units)
            if any(key in name or (len(name) >= 2 and name in key) for name in names):
                out.append(c)
    by_name = {}
    for c in choices:
        for name in c.keys(units):
            by_name.setdefault(name, c)
    for name in difflib.get_close_matches(key, list(by_name), n=n, cutoff=0.5):
        if by_name[name] not in out:
            out.append(by_name[name])
    return out[:n]


def _how(choices: list[Choice], what: str, numbered: bool) -> str:
    if len(choices) <= 15:
        listed = "；".join(c.label for c in choices)
        return f"可写编号、名称或简称{'，或序号' if numbered else ''}。可选：{listed}。"
    return f"可写编号、名称或简称{'，或序号' if numbered else ''}；全部{what}见 ledger.yaml 的 units。"


def _shown(text: str) -> str:
    from .loader import visible

    shown = visible(text, newlines=False)
    return shown if len(shown) <= 40 else shown[:40] + "…"


def category_label(code: str) -> str:
    c = CATEGORIES.get(code)
    return f"{c.name}（{code}）" if c else code


def unit_label(code: str, config: LedgerConfig) -> str:
    u = config.units.get(code)
    return Choice(u.id, u.name, u.short).label if u else code
