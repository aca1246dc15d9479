"""One declaration per field kind: how a value of that kind is read.

`model.FieldSpec.kind` names one of `KINDS`; each `Kind` says, for that
kind, how the value is read from a YAML node (with a Chinese finding when it
cannot be), what JSON Schema fragment describes it to editors, how an Excel
cell becomes the value (`ducha import-xlsx`), and which click type a
command-line option of that kind takes. `validate`, `schema`, `excel` and
`cli` all go through this table, so adding a kind (or changing one) is one
edit here.

Three kinds are structure rather than values and are read by their owners:
`events` (an item's event log, `validate.read_events`), `list` and `map`
(sections of ledger.yaml, `validate.LEDGER_SECTIONS`).
"""
from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import loader
from .findings import Finding
from .loader import YMap, YNode, YScalar, YSeq
from .model import (
    CATEGORIES,
    ID_CHARS,
    ID_PATTERN,
    MAX_INT_DIGITS,
    MAX_YEAR,
    MIN_YEAR,
    SITE_URL_CHARS,
    SITE_URL_MAX,
    SITE_URL_PATTERN,
    UNIT_ID_CHARS,
    UNIT_ID_PATTERN,
    Delegation,
    FieldSpec,
    LedgerConfig,
)

STRUCTURE_KINDS = frozenset({"events", "list", "map"})

# Every pattern that guards input is matched whole (`fullmatch`) and takes
# ASCII digits only: Python's `\d` also matches ２ or ٢, and `$` matches
# before a final newline.
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_LOOSE_DATE = re.compile(r"\s*([0-9]{4})\s*(?:[-/.年]\s*)([0-9]{1,2})\s*(?:[-/.月]\s*)([0-9]{1,2})\s*日?\s*")
_COMPACT_DATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
ID_RE = re.compile(ID_CHARS)
UNIT_ID_RE = re.compile(UNIT_ID_CHARS)
_BOOL_TRUE = {"true", "True", "TRUE"}
_BOOL_FALSE = {"false", "False", "FALSE"}
_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_NON_ASCII_DIGIT = re.compile(r"[^\x00-\x7f]")
_SHOWN_MAX = 60


class Out:
    """Collects findings for one file."""

    def __init__(self, rel: str, item: str | None = None):
        self.rel = rel
        self.item = item
        self.findings: list[Finding] = []

    def add(self, node: YNode | None, code: str, message: str) -> None:
        line = node.line if node is not None else 1
        column = node.column if node is not None else None
        self.findings.append(Finding(self.rel, line, code, message, item=self.item, column=column))


def refused(node: YNode | None) -> bool:
    """A scalar the loader refused (control characters): already reported, never read."""
    return isinstance(node, YScalar) and node.tag == loader.REFUSED


def show(text: str) -> str:
    """`text` as a message may quote it: one line, no invisible characters, not too long."""
    text = loader.visible(text, newlines=False)
    return text if len(text) <= _SHOWN_MAX else text[:_SHOWN_MAX] + "…"


def ascii_digits(text: str) -> str:
    """`text` with every Unicode decimal digit (２, ٢ …) written as its ASCII digit."""
    if not _NON_ASCII_DIGIT.search(text):
        return text
    import unicodedata

    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def kind_zh(node: YNode) -> str:
    if isinstance(node, YMap):
        return "映射（键: 值）"
    if isinstance(node, YSeq):
        return "列表"
    return {
        loader.NULL: "空值", loader.BOOL: "布尔值", loader.INT: "整数",
        loader.FLOAT: "小数", loader.TIMESTAMP: "日期", loader.STR: "文字",
    }.get(node.tag, "值")


def yaml_trap(node: YScalar) -> str | None:
    """Explain a YAML 1.1 surprise in a plain scalar, or None."""
    t = node.text
    if node.tag in (loader.INT, loader.FLOAT) and len(t) > 2 * MAX_INT_DIGITS:
        return f"不加引号的 {show(t)} 会被读成一个很长的数字"
    if node.tag == loader.BOOL and t not in _BOOL_TRUE | _BOOL_FALSE:
        value = "true" if t.lower() in {"yes", "y", "on"} else "false"
        return f"YAML 1.1 会把不加引号的 {t} 读成布尔值 {value}"
    if node.tag == loader.INT and not _DECIMAL.fullmatch(t.replace("_", "")):
        if ":" in t:
            return f"YAML 1.1 会把不加引号的 {t} 当作六十进制数读成 {_yaml_value(t)}"
        if t.lstrip("+-").startswith("0") and len(t.lstrip("+-")) > 1:
            return f"YAML 1.1 会把不加引号的 {t} 当作八进制或十六进制数读成 {_yaml_value(t)}"
    if node.tag == loader.INT and "_" in t:
        return f"YAML 1.1 会把不加引号的 {t} 读成数字 {_yaml_value(t)}"
    if node.tag == loader.FLOAT and ":" in t:
        return f"YAML 1.1 会把不加引号的 {t} 当作六十进制数读成 {_yaml_value(t)}"
    return None


def _yaml_value(text: str):
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:  # pragma: no cover - text came from a valid scalar
        return text


def is_null(node: YNode) -> bool:
    return isinstance(node, YScalar) and node.tag == loader.NULL


def where(spec: FieldSpec, key: str | None = None) -> str:
    return f"{key or spec.name}（{spec.title}）"


def suggest_date(text: str) -> str | None:
    text = ascii_digits(text)
    m = _LOOSE_DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text.strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def year_range() -> str:
    return f"{MIN_YEAR}–{MAX_YEAR} 年"


def read_date(node: YNode, spec: FieldSpec, out: Out, key: str | None = None) -> dt.date | None:
    """A date written as YYYY-MM-DD (plain or quoted), else a finding."""
    if refused(node):
        return None
    at = where(spec, key)
    if not isinstance(node, YScalar) or node.tag not in (loader.STR, loader.TIMESTAMP, loader.INT):
        out.add(node, "invalid_field", f"{at} 应当是日期（YYYY-MM-DD），这里写的是{kind_zh(node)}。")
        return None
    text = node.text.strip()
    m = _ISO_DATE.fullmatch(text)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        try:
            day = dt.date(y, mo, d)
        except ValueError:
            hint = "月份应在 1–12 之间" if not 1 <= mo <= 12 else f"{y}年{mo}月没有{d}日"
            out.add(node, "invalid_field", f"{at} 的日期 {text} 不存在（{hint}），请改成正确的日期。")
            return None
        if not MIN_YEAR <= y <= MAX_YEAR:
            out.add(node, "invalid_field",
                    f"{at} 的日期 {text} 超出了台账可用的范围（{year_range()}），请核对年份是否写错。")
            return None
        return day
    shown = show(text)
    suggestion = suggest_date(text)
    if suggestion and ascii_digits(text) != text:
        out.add(node, "invalid_field",
                f"{at} 的日期 {shown} 用了全角或其他文字的数字：请改用半角（ASCII）数字 0–9，写成 {suggestion}。")
    elif suggestion:
        out.add(node, "invalid_field", f"{at} 的日期 {shown} 格式不对：请写成 {suggestion}（YYYY-MM-DD，月和日各两位）。")
    else:
        out.add(node, "invalid_field", f"{at} 的值 {shown} 不是日期：请写成 YYYY-MM-DD（半角数字），例如 2025-03-05。")
    return None


def read_str(node: YNode, spec: FieldSpec, out: Out, key: str | None = None) -> str | None:
    if refused(node):
        return None
    at = where(spec, key)
    if isinstance(node, YScalar) and node.tag == loader.STR:
        if not node.text.strip() and spec.required:
            out.add(node, "invalid_field", f"{at} 不能为空，请填写。{spec.help}")
            return None
        if spec.kind != "text" and "\n" in node.text:
            out.add(node, "invalid_field",
                    f"{at} 只能写一行，这里含有换行符 U+000A（{show(node.text)}）。请把它写成一行"
                    "（不要用 | 或 > 块，也不要在引号中写 \\n）；需要分段的说明请写在 description 或 note 中。")
            return None
        if node.plain and loader.yaml12_not_text(node.text):
            out.add(node, "invalid_field",
                    f"{at} 应当是文字，但不加引号的 {show(node.text)} 在 YAML 1.2（编辑器等工具）中不是文字"
                    f"（会被读成数字{'，开头的 0 会丢失' if re.match('[-+]?0[0-9]', node.text) else ''}）。"
                    f"请加引号：'{show(node.text)}'。")
            return None
        return node.text
    if isinstance(node, YScalar) and node.tag != loader.NULL:
        trap = yaml_trap(node)
        why = f"{trap}" if trap else f"不加引号的 {show(node.text)} 会被读成{kind_zh(node)}"
        out.add(node, "invalid_field", f"{at} 应当是文字，但{why}。请加引号：'{show(node.text)}'。")
        return None
    if isinstance(node, YScalar):
        if spec.required:
            out.add(node, "invalid_field", f"{at} 不能为空，请填写。{spec.help}")
        return None
    out.add(node, "invalid_field", f"{at} 应当是一段文字，这里写的是{kind_zh(node)}。")
    return None


def read_bool(node: YNode, spec: FieldSpec, out: Out, key: str | None = None) -> bool | None:
    if refused(node):
        return None
    at = where(spec, key)
    if isinstance(node, YScalar) and node.plain and node.tag == loader.BOOL:
        if node.text in _BOOL_TRUE:
            return True
        if node.text in _BOOL_FALSE:
            return False
        out.add(node, "invalid_field", f"{at} 请写 true 或 false：{yaml_trap(node)}，其他 YAML 工具却会读成文字，含义不一致。")
        return None
    shown = show(node.text) if isinstance(node, YScalar) else kind_zh(node)
    out.add(node, "invalid_field", f"{at} 应当是 true 或 false（不加引号），这里写的是 {shown}。")
    return None


def bounds_zh(spec: FieldSpec) -> str:
    if spec.minimum is not None and spec.maximum is not None:
        return f"{spec.minimum}–{spec.maximum} 之间"
    if spec.minimum is not None:
        return f"不小于 {spec.minimum}"
    return f"不大于 {spec.maximum}"


def out_of_bounds(value, spec: FieldSpec) -> bool:
    return (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum)


def read_int(node: YNode, spec: FieldSpec, out: Out, key: str | None = None) -> int | None:
    if refused(node):
        return None
    at = where(spec, key)
    if isinstance(node, YScalar) and node.plain and node.tag == loader.INT:
        digits = len(node.text.lstrip("+-"))
        if digits > MAX_INT_DIGITS:
            out.add(node, "invalid_field",
                    f"{at} 的数字太长（{digits} 位），台账中的整数最多 {MAX_INT_DIGITS} 位。请核对是否多写了数字。")
            return None
        trap = yaml_trap(node)
        if trap:
            out.add(node, "invalid_field", f"{at} 请写普通的十进制整数：{trap}。")
            return None
        value = int(node.text)
        if spec.choices and value not in spec.choices:
            allowed = "、".join(str(c) for c in spec.choices)
            out.add(node, "invalid_field", f"{at} 只能是 {allowed}，这里写的是 {value}。")
            return None
        if out_of_bounds(value, spec):
            out.add(node, "invalid_field", f"{at} 应在 {bounds_zh(spec)}，这里写的是 {value}。请改成合理的数值。")
            return None
        return value
    shown = show(node.text) if isinstance(node, YScalar) else kind_zh(node)
    out.add(node, "invalid_field", f"{at} 应当是整数（不加引号），这里写的是 {shown}。")
    return None


def read_number(node: YNode, spec: FieldSpec, out: Out, key: str | None = None) -> float | None:
    if refused(node):
        return None
    if isinstance(node, YScalar) and node.plain and node.tag in (loader.INT, loader.FLOAT) and not yaml_trap(node):
        try:
            value = float(node.text.replace("_", ""))
        except ValueError:
            value = math.nan
        if math.isfinite(value) and out_of_bounds(value, spec):
            out.add(node, "invalid_field",
                    f"{where(spec, key)} 应在 {bounds_zh(spec)}，这里写的是 {show(node.text)}。请改成合理的数值。")
            return None
        if math.isfinite(value):
            return value
    shown = show(node.text) if isinstance(node, YScalar) else kind_zh(node)
    out.add(node, "invalid_field", f"{where(spec, key)} 应当是数字，例如 86.5，这里写的是 {shown}。")
    return None


def read_choice(node: YNode, spec: FieldSpec, out: Out, key: str | None = None) -> str | None:
    if refused(node):
        return None
    if isinstance(node, YScalar) and node.tag == loader.STR and node.text in spec.choices:
        return node.text
    at = where(spec, key)
    allowed = "、".join(str(c) for c in spec.choices)
    if isinstance(node, YScalar) and node.tag == loader.STR:
        close = difflib.get_close_matches(node.text, [str(c) for c in spec.choices], n=1, cutoff=0.5)
        hint = f"是不是想写 {close[0]}？" if close else ""
        out.add(node, "invalid_field", f"{at} 不认识 {show(node.text)}。{hint}可选：{allowed}。")
        return None
    shown = show(node.text) if isinstance(node, YScalar) else kind_zh(node)
    out.add(node, "invalid_field", f"{at} 应当是以下之一：{allowed}；这里写的是 {shown}。")
    return None


def read_seq(node: YNode, spec: FieldSpec, out: Out) -> list[YNode] | None:
    if refused(node):
        return None
    if isinstance(node, YSeq):
        return node.items
    if isinstance(node, YScalar) and node.tag == loader.NULL:
        return []
    out.add(node, "invalid_field", f"{where(spec)} 应当是列表（每行以 - 开头，或写成 [a, b]），这里写的是{kind_zh(node)}。")
    return None




def read_strs(node: YNode, spec: FieldSpec, out: Out, key: str | None = None) -> list[str] | None:
    seq = read_seq(node, spec, out)
    if seq is None:
        return None
    values = [read_str(n, FieldSpec(spec.name, "str", spec.title, spec.help, required=True), out) for n in seq]
    return [v for v in values if v is not None]


def read_unit_id(node: YNode, spec: FieldSpec, out: Out, key: str | None = None) -> str | None:
    value = read_str(node, FieldSpec(spec.name, "str", spec.title, spec.help, required=True), out)
    if value is not None and not UNIT_ID_RE.fullmatch(value):
        out.add(node, "invalid_field", f"{where(spec)} 的 {show(value)} 不是单位编号："
                "请写 ledger.yaml 中 units 的 id（小写字母、数字、- 和 _），例如 zjj。")
        return None
    return value


def read_unit_ids(node: YNode, spec: FieldSpec, out: Out, key: str | None = None) -> list[str] | None:
    seq = read_seq(node, spec, out)
    if seq is None:
        return None
    ids: list[str] = []
    for n in seq:
        unit = read_unit_id(n, spec, out)
        if unit is not None and unit in ids:
            out.add(n, "invalid_field", f"{where(spec, key)} 中单位 {unit} 写了不止一次，请删去重复的一个。")
        elif unit is not None:
            ids.append(unit)
    return ids


_SITE_URL_RE = re.compile(SITE_URL_CHARS)
SITE_URL_HELP = (f"请写以 http:// 或 https:// 开头的完整地址，只含英文字母、数字和 . - / _ ~ %，不含空格、账号、? 和 #，"
                 f"不超过 {SITE_URL_MAX} 个字符，例如 https://ducha.example.gov.cn/ 或 https://example.gitlab.io/ledger/"
                 "（中文域名请写成 xn-- 开头的形式）。")


def site_url(text: str) -> str | None:
    """`text` as a site's address ending in "/", or None when it is not one ducha accepts."""
    text = text.strip()
    if len(text) <= SITE_URL_MAX and _SITE_URL_RE.fullmatch(text):
        return text if text.endswith("/") else text + "/"
    return None


def read_url(node: YNode, spec: FieldSpec, out: Out, key: str | None = None) -> str | None:
    """A web site's address (http or https), ending in "/"; else a finding saying how to write it."""
    value = read_str(node, spec, out, key)
    if value is None:
        return None
    url = site_url(value)
    if url is None:
        out.add(node, "invalid_field", f"{where(spec, key)} 的 {show(value.strip())} 不是可用的网址：{SITE_URL_HELP}")
    return url


def read_delegations(node: YNode, spec: FieldSpec, out: Out, key: str | None = None) -> list[Delegation] | None:
    """`delegated:` of a province's item: a list of {city: <id>, item: <city item id>}, each pair once."""
    seq = read_seq(node, spec, out)
    if seq is None:
        return None
    example = "{city: bozhou, item: 2025-0042}"
    found: list[Delegation] = []
    seen: dict[tuple[str, str], int] = {}
    for n, entry in enumerate(seq, start=1):
        what = f"{where(spec)} 的第 {n} 项"
        if refused(entry):
            continue
        if not isinstance(entry, YMap):
            out.add(entry, "invalid_field", f"{what}应当是映射，写城市编号和该市的事项编号，例如 {example}。")
            continue
        extra = [k for k in entry.entries if k not in ("city", "item")]
        if extra:
            out.add(entry.entries[extra[0]][0], "invalid_field",
                    f"{what}有不认识的键 {show(extra[0])}：只能写 city 和 item，例如 {example}。")
        city_node = entry.entries.get("city", (None, None))[1]
        item_node = entry.entries.get("item", (None, None))[1]
        if city_node is None or item_node is None:
            out.add(entry, "invalid_field", f"{what}缺少 {'city' if city_node is None else 'item'}：例如 {example}。")
            continue
        city = city_node.text if isinstance(city_node, YScalar) and city_node.tag == loader.STR else None
        if city is None or not UNIT_ID_RE.fullmatch(city):
            out.add(city_node, "invalid_field", f"{what}的 city 应当是汇总清单（sources.yaml）中的城市编号："
                    "小写字母、数字、- 和 _，例如 bozhou。")
            continue
        item = item_node.text if isinstance(item_node, YScalar) and item_node.tag in (loader.STR, loader.INT) else None
        if item is None or not ID_RE.fullmatch(item):
            out.add(item_node, "invalid_field", f"{what}的 item 应当是该市台账中的事项编号（字母、数字、- 和 _），例如 2025-0042。")
            continue
        if (city, item) in seen:
            out.add(entry, "invalid_field", f"{what}与第 {seen[(city, item)]} 项重复（{city} 的 {item}）：请删去一项。")
            continue
        seen[(city, item)] = n
        found.append(Delegation(city, item, entry.line))
    return found


def read_category(node: YNode, spec: FieldSpec, out: Out, key: str | None = None) -> str | None:
    """A category code; one written as its Chinese name (领导批示) is told which code to write."""
    value = read_choice(node, FieldSpec(spec.name, "enum", spec.title, spec.help, choices=tuple(CATEGORIES)), out)
    if value is None:
        code = category_named(node)
        if code is not None and out.findings:
            last = out.findings[-1]
            out.findings[-1] = Finding(last.file, last.line, last.code,
                                       f"{where(spec)} 写的是 {show(node.text)}：文件中请写类别编号 {code}"
                                       f"（{CATEGORIES[code].name}），即 category: {code}。",
                                       item=last.item, column=last.column)
    return value


def category_named(node: YNode) -> str | None:
    """The category code a text scalar names in words (领导批示 → leader_instruction), else None."""
    from .names import UnknownName, category_choices, resolve

    if not (isinstance(node, YScalar) and node.tag == loader.STR):
        return None
    try:
        return resolve(node.text, category_choices(), "类别")
    except UnknownName:
        return None


def read_dates(node: YNode, spec: FieldSpec, out: Out, key: str | None = None) -> list[dt.date] | None:
    seq = read_seq(node, spec, out)
    if seq is None:
        return None
    days = [read_date(n, FieldSpec(spec.name, "date", spec.title, spec.help), out) for n in seq]
    return [d for d in days if d]


def read_years(node: YNode, spec: FieldSpec, out: Out, key: str | None = None) -> list[int] | None:
    seq = read_seq(node, spec, out)
    if seq is None:
        return None
    years = []
    for n in seq:
        y = read_int(n, FieldSpec(spec.name, "int", spec.title, spec.help), out)
        if y is not None:
            if MIN_YEAR <= y <= MAX_YEAR:
                years.append(y)
            else:
                out.add(n, "invalid_field", f"{spec.name} 中的 {y} 不是合理的年份：台账只用 {year_range()}。")
    return years


# --- JSON Schema fragments ----------------------------------------------------------

# ASCII digits, years MIN_YEAR–MAX_YEAR (2000–2100), as `ducha validate` checks
# (tests/test_schema.py keeps the two in step).
# Month 01–12 and day 01–31 in the pattern, for editors that do not check
# `format`; the day within its month is for `format: date` (check-jsonschema checks it).
DATE = {"type": "string", "pattern": r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", "format": "date"}

Schema = dict[str, Any]


def _string_schema(spec: FieldSpec, unit_ids: list[str]) -> Schema:
    schema: Schema = {"type": "string", "minLength": 1} if spec.required else {"type": "string"}
    if spec.kind == "str":  # one line, as `read_str` wants (multi-line text is the `text` kind)
        schema["pattern"] = "^[^\\n]*$"
    return schema


def _bounds(spec: FieldSpec) -> Schema:
    return {**({"minimum": spec.minimum} if spec.minimum is not None else {}),
            **({"maximum": spec.maximum} if spec.maximum is not None else {})}


def _int_schema(spec: FieldSpec, unit_ids: list[str]) -> Schema:
    return {"type": "integer", **({"enum": list(spec.choices)} if spec.choices else {}), **_bounds(spec)}


def _unit_schema(unit_ids: list[str]) -> Schema:
    return {"type": "string", "pattern": UNIT_ID_PATTERN, **({"enum": unit_ids} if unit_ids else {})}


_SCHEMAS: dict[str, Callable[[FieldSpec, list[str]], Schema]] = {
    "str": _string_schema,
    "text": _string_schema,
    "date": lambda spec, units: dict(DATE),
    "bool": lambda spec, units: {"type": "boolean"},
    "int": _int_schema,
    "number": lambda spec, units: {"type": "number", **_bounds(spec)},
    "enum": lambda spec, units: {"type": "string", "enum": list(spec.choices)},
    "category": lambda spec, units: {"type": "string", "enum": list(CATEGORIES),
                                     "markdownEnumDescriptions": [c.name for c in CATEGORIES.values()]},
    "unit": lambda spec, units: _unit_schema(units),
    "units": lambda spec, units: {"type": "array", "items": _unit_schema(units), "uniqueItems": True},
    "dates": lambda spec, units: {"type": "array", "items": DATE},
    "strs": lambda spec, units: {"type": "array", "items": {"type": "string"}},
    "url": lambda spec, units: {"type": "string", "pattern": SITE_URL_PATTERN, "maxLength": SITE_URL_MAX},
    "years": lambda spec, units: {"type": "array", "items": {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}},
    "delegations": lambda spec, units: {"type": "array", "items": {
        "type": "object", "required": ["city", "item"], "additionalProperties": False,
        "properties": {"city": {"type": "string", "pattern": UNIT_ID_PATTERN, "title": "城市编号"},
                       "item": {"type": ["string", "integer"], "pattern": ID_PATTERN, "title": "该市的事项编号"}}}},
}


def schema_of(spec: FieldSpec, unit_ids: list[str]) -> Schema:
    """The JSON Schema of one field: its Chinese title and help (the editor's hover text), then its kind."""
    return {"title": spec.title, "description": spec.help, **KINDS[spec.kind].schema(spec, unit_ids)}


# --- Excel cells (`ducha import-xlsx`) ---------------------------------------------

TRUE_WORDS = {"是", "true", "True", "TRUE", "yes", "y", "1", "√"}
FALSE_WORDS = {"否", "false", "False", "FALSE", "no", "n", "0", "×"}
MAX_NUMBER = 10**15  # Excel keeps 15 significant digits; anything larger is not a ledger value
YEARS = (MIN_YEAR, MAX_YEAR)  # dates of a ledger lie in these years


def sheet_name(category: str) -> str:
    """The worksheet a category's items go to: its Chinese name, as Excel allows."""
    name = CATEGORIES[category].name
    for bad in '[]:*?/\\':
        name = name.replace(bad, "")
    return name[:31]


def cell_str(value: object) -> str | None:
    """A cell as stripped text (a whole number without its .0), None when empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < MAX_NUMBER:
        value = int(value)
    text = str(value).strip()
    return text or None


def cell_shown(value: object) -> str:
    """A cell value as quoted in a message: short, and infinity named in Chinese."""
    if isinstance(value, float) and not math.isfinite(value):
        return "超出范围的数（无穷大）"
    text = str(value).strip()
    return text if len(text) <= 30 else text[:30] + "…"


def cell_text(value: object) -> str | None:
    """A text field's value; a number too big for Excel is an error, not the word "inf"."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("数值超出范围（无穷大），请改为正常的数字或文字")
    return cell_str(value)


_CELL_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def cell_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = cell_str(value) if not (isinstance(value, float) and not math.isfinite(value)) else None
        text = text or ""
        try:
            if not _CELL_ISO_DATE.match(text):
                raise ValueError
            day = dt.date.fromisoformat(text)
        except ValueError:
            suggestion = suggest_date(text) if len(text) <= 30 else None
            if not suggestion:
                raise ValueError(f"“{cell_shown(value)}”不是日期，请写成 2025-03-05（也可写 2025/3/5 或 2025年3月5日）"
                                 "或使用 Excel 日期格式；“6月底”“长期坚持”等请写出具体日期（如阶段目标的完成日期）") from None
            day = dt.date.fromisoformat(suggestion)
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise ValueError(f"日期 {day.isoformat()} 超出范围：台账中的日期应在 {YEARS[0]}–{YEARS[1]} 年之间，请检查年份")
    return day


def cell_bool(value: object) -> bool | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    text = cell_str(value)
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"“{cell_shown(value)}”应当是“是”或“否”")


_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")


def cell_number(value: object, integer: bool) -> int | float:
    """A number cell (or text that is a number) within ±10^15; ValueError in Chinese otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"这里应当是数字，写的是“{'是' if value else '否'}”")
    number: int | float
    if isinstance(value, (int, float)):
        number = value
    else:
        text = str(value).strip()
        if not _NUMBER_TEXT.match(text):
            raise ValueError(f"“{cell_shown(value)}”不是数字")
        # float() of a long digit string is inf, never an error; int() of one may be slow.
        number = int(text) if len(text) <= 16 and re.fullmatch(r"[+-]?[0-9]+", text) else float(text)
    if (isinstance(number, float) and not math.isfinite(number)) or abs(number) > MAX_NUMBER:
        raise ValueError(f"数值“{cell_shown(value)}”超出范围：这里只能填绝对值不超过 10 的 15 次方的数字，请填写正确的值")
    if integer:
        if isinstance(number, float) and not number.is_integer():
            raise ValueError(f"“{cell_shown(value)}”应当是整数")
        return int(number)
    return float(number)


def cell_unit(value: object, config: LedgerConfig | None) -> str:
    text = cell_text(value) or ""
    units = config.units if config is not None else {}
    if text in units:
        return text
    by_name = {u.name: u.id for u in units.values()} | {u.short: u.id for u in units.values() if u.short}
    by_name |= {a: u.id for u in units.values() for a in u.aliases if a not in by_name}  # 市住建局 (ledger.yaml aliases)
    if text in by_name:
        return by_name[text]
    close = difflib.get_close_matches(text[:100], list(units) + list(by_name), n=1, cutoff=0.5)
    hint = f"，是不是“{close[0]}”？" if close else "，请填写 ledger.yaml 中的单位编号或全称"
    raise ValueError(f"不认识的单位“{cell_shown(text)}”{hint}")


def cell_category(value: object) -> str:
    text = cell_str(value) or ""
    if text in CATEGORIES:
        return text
    by_name = {c.name: key for key, c in CATEGORIES.items()} | {sheet_name(k): k for k in CATEGORIES}
    if text in by_name:
        return by_name[text]
    raise ValueError(f"不认识的类别“{cell_shown(text)}”，可写英文代码（如 work_report）或中文名称")


def _cell_delegations(value: object) -> list[Delegation]:
    """"bozhou:2025-0042；fuyang:2025-0007" → delegations."""
    text = cell_text(value) or ""
    found = []
    for part in re.split(r"[,，;；、\s]+", text):
        if not part:
            continue
        city, sep, item = part.replace("：", ":").partition(":")
        if not sep or not UNIT_ID_RE.fullmatch(city) or not ID_RE.fullmatch(item):
            raise ValueError(f"“{cell_shown(part)}”应写成 城市编号:事项编号，例如 bozhou:2025-0042，多个用“；”分隔")
        found.append(Delegation(city, item))
    return found


def _cell_units(value: object, config: LedgerConfig | None) -> list[str]:
    if not cell_text(value):
        return []
    return [cell_unit(u, config) for u in str(value).replace("，", ",").replace("、", ",").split(",") if u.strip()]


Cell = Callable[[object, FieldSpec, "LedgerConfig | None"], object]

_CELLS: dict[str, Cell] = {
    "str": lambda v, spec, config: cell_text(v),
    "enum": lambda v, spec, config: cell_text(v),
    # Text as written (several lines, spaces kept); only an empty cell is None.
    "text": lambda v, spec, config: v if isinstance(v, str) and v.strip() else cell_text(v),
    "date": lambda v, spec, config: cell_date(v) if spec.required or cell_str(v) else None,
    "bool": lambda v, spec, config: bool(cell_bool(v)),
    "int": lambda v, spec, config: cell_number(v, integer=True),
    "number": lambda v, spec, config: cell_number(v, integer=False),
    "category": lambda v, spec, config: cell_category(v),
    "unit": lambda v, spec, config: cell_unit(v, config),
    "units": lambda v, spec, config: _cell_units(v, config),
    "delegations": lambda v, spec, config: _cell_delegations(v),
}


def from_cell(value: object, spec: FieldSpec, config: LedgerConfig | None = None) -> object:
    """The value of `spec` an Excel cell holds; ValueError (Chinese) when it holds none."""
    return KINDS[spec.kind].cell(value, spec, config)


# --- Command-line options -----------------------------------------------------------


def _click_int(spec: FieldSpec) -> Any:
    import click

    if spec.choices:
        return click.IntRange(min(spec.choices), max(spec.choices))
    if spec.minimum is not None or spec.maximum is not None:
        return click.IntRange(spec.minimum, spec.maximum)
    return click.INT


def _click_simple(name: str) -> Callable[[FieldSpec], Any]:
    def make(spec: FieldSpec) -> Any:
        import click

        return getattr(click, name)
    return make


def _click_choice(spec: FieldSpec) -> Any:
    import click

    return click.Choice([str(c) for c in spec.choices])


def click_type(spec: FieldSpec) -> Any:
    """The click type of a command-line option that sets `spec` (dates and units stay text: the command reads them)."""
    return KINDS[spec.kind].click(spec)


# --- The table ----------------------------------------------------------------------

Reader = Callable[[YNode, FieldSpec, Out, "str | None"], Any]


@dataclass(frozen=True)
class Kind:
    """Everything ducha does with one kind of field value."""

    name: str
    read: Reader  # YAML node → value, or None with a finding in `out`
    schema: Callable[[FieldSpec, list[str]], Schema]  # the JSON Schema fragment (without title/description)
    cell: Cell  # Excel cell → value; ValueError in Chinese
    click: Callable[[FieldSpec], Any]  # the click type of an option


def _no_cell(value: object, spec: FieldSpec, config: LedgerConfig | None) -> object:
    return cell_text(value)


def _kind(name: str, read: Reader, click: Callable[[FieldSpec], Any]) -> Kind:
    return Kind(name, read, _SCHEMAS[name], _CELLS.get(name, _no_cell), click)


_TEXT = _click_simple("STRING")

KINDS: dict[str, Kind] = {k.name: k for k in [
    _kind("str", read_str, _TEXT),
    _kind("text", read_str, _TEXT),
    _kind("date", read_date, _TEXT),  # the command parses it, saying how to write a date
    _kind("bool", read_bool, _click_simple("BOOL")),
    _kind("int", read_int, _click_int),
    _kind("number", read_number, _click_simple("FLOAT")),
    _kind("enum", read_choice, _click_choice),
    _kind("category", read_category, _TEXT),  # codes or Chinese names, resolved by the command
    _kind("unit", read_unit_id, _TEXT),
    _kind("units", read_unit_ids, _TEXT),
    _kind("strs", read_strs, _TEXT),
    _kind("dates", read_dates, _TEXT),
    _kind("years", read_years, _TEXT),
    _kind("url", read_url, _TEXT),
    _kind("delegations", read_delegations, _TEXT),
]}


def read(node: YNode, spec: FieldSpec, out: Out, key: str | None = None) -> Any:
    """The value of `spec` in `node`, or None with a finding in `out` saying how to fix it."""
    return KINDS[spec.kind].read(node, spec, out, key)
