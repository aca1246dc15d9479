"""Turn composed YAML trees into `Item`s and `LedgerConfig`, with findings.

Every problem becomes a finding that names the file, the line and the fix,
in Chinese. A field that cannot be read is left out of the value (and
reported); an item whose required fields cannot be read is not returned
at all, so the rules only ever see well-formed items.
"""
from __future__ import annotations

import datetime as dt
import difflib
import math
import re

from . import loader
from .findings import Finding
from .loader import YMap, YNode, YScalar, YSeq
from .model import (
    ASSESSMENT_KEYS, ASSESSMENT_WEIGHT, AUDIT_FIELDS, CALENDAR_FIELDS, CATEGORIES, COMMON_EVENT_KEYS, EVENT_FIELDS, EVENT_TYPE_FIELDS,
    EVENT_TYPES, ID_CHARS, INSPECTION_FIELDS, ITEM_FIELDS, LEADER_FIELDS, LEDGER_FIELDS, MAX_INT_DIGITS, MAX_YEAR,
    MIN_YEAR, PERSON_FIELDS, PRIVACY_FIELDS, UNIT_FIELDS, UNIT_ID_CHARS, Event, FieldSpec, Inspection, Item, Leader, LedgerConfig,
    Person, Unit,
)
from .model import SIGNAL_FIELDS, SIGNAL_LIMITS, SignalSettings

# Every pattern that guards input is matched whole (`fullmatch`) and takes
# ASCII digits only: Python's `\d` also matches ２ or ٢, and `$` matches
# before a final newline.
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_LOOSE_DATE = re.compile(r"\s*([0-9]{4})\s*(?:[-/.年]\s*)([0-9]{1,2})\s*(?:[-/.月]\s*)([0-9]{1,2})\s*日?\s*")
_COMPACT_DATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_ID_RE = re.compile(ID_CHARS)
_UNIT_ID_RE = re.compile(UNIT_ID_CHARS)
_BOOL_TRUE = {"true", "True", "TRUE"}
_BOOL_FALSE = {"false", "False", "FALSE"}
_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_NON_ASCII_DIGIT = re.compile(r"[^\x00-\x7f]")
_SHOWN_MAX = 60


class _Out:
    """Collects findings for one file."""

    def __init__(self, rel: str, item: str | None = None):
        self.rel = rel
        self.item = item
        self.findings: list[Finding] = []

    def add(self, node: YNode | None, code: str, message: str) -> None:
        line = node.line if node is not None else 1
        column = node.column if node is not None else None
        self.findings.append(Finding(self.rel, line, code, message, item=self.item, column=column))


def _refused(node: YNode | None) -> bool:
    """A scalar the loader refused (control characters): already reported, never read."""
    return isinstance(node, YScalar) and node.tag == loader.REFUSED


def _show(text: str) -> str:
    """`text` as a message may quote it: one line, no invisible characters, not too long."""
    text = loader.visible(text, newlines=False)
    return text if len(text) <= _SHOWN_MAX else text[:_SHOWN_MAX] + "…"


def _ascii_digits(text: str) -> str:
    """`text` with every Unicode decimal digit (２, ٢ …) written as its ASCII digit."""
    if not _NON_ASCII_DIGIT.search(text):
        return text
    import unicodedata

    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def _kind_zh(node: YNode) -> str:
    if isinstance(node, YMap):
        return "映射（键: 值）"
    if isinstance(node, YSeq):
        return "列表"
    return {
        loader.NULL: "空值", loader.BOOL: "布尔值", loader.INT: "整数",
        loader.FLOAT: "小数", loader.TIMESTAMP: "日期", loader.STR: "文字",
    }.get(node.tag, "值")


def _trap(node: YScalar) -> str | None:
    """Explain a YAML 1.1 surprise in a plain scalar, or None."""
    t = node.text
    if node.tag in (loader.INT, loader.FLOAT) and len(t) > 2 * MAX_INT_DIGITS:
        return f"不加引号的 {_show(t)} 会被读成一个很长的数字"
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


def _is_null(node: YNode) -> bool:
    return isinstance(node, YScalar) and node.tag == loader.NULL


def _where(spec: FieldSpec, key: str | None = None) -> str:
    return f"{key or spec.name}（{spec.title}）"


def _suggest_date(text: str) -> str | None:
    text = _ascii_digits(text)
    m = _LOOSE_DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text.strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def _year_range() -> str:
    return f"{MIN_YEAR}–{MAX_YEAR} 年"


def read_date(node: YNode, spec: FieldSpec, out: _Out, key: str | None = None) -> dt.date | None:
    """A date written as YYYY-MM-DD (plain or quoted), else a finding."""
    if _refused(node):
        return None
    where = _where(spec, key)
    if not isinstance(node, YScalar) or node.tag not in (loader.STR, loader.TIMESTAMP, loader.INT):
        out.add(node, "invalid_field", f"{where} 应当是日期（YYYY-MM-DD），这里写的是{_kind_zh(node)}。")
        return None
    text = node.text.strip()
    m = _ISO_DATE.fullmatch(text)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        try:
            day = dt.date(y, mo, d)
        except ValueError:
            hint = "月份应在 1–12 之间" if not 1 <= mo <= 12 else f"{y}年{mo}月没有{d}日"
            out.add(node, "invalid_field", f"{where} 的日期 {text} 不存在（{hint}），请改成正确的日期。")
            return None
        if not MIN_YEAR <= y <= MAX_YEAR:
            out.add(node, "invalid_field",
                    f"{where} 的日期 {text} 超出了台账可用的范围（{_year_range()}），请核对年份是否写错。")
            return None
        return day
    shown = _show(text)
    suggestion = _suggest_date(text)
    if suggestion and _ascii_digits(text) != text:
        out.add(node, "invalid_field",
                f"{where} 的日期 {shown} 用了全角或其他文字的数字：请改用半角（ASCII）数字 0–9，写成 {suggestion}。")
    elif suggestion:
        out.add(node, "invalid_field", f"{where} 的日期 {shown} 格式不对：请写成 {suggestion}（YYYY-MM-DD，月和日各两位）。")
    else:
        out.add(node, "invalid_field", f"{where} 的值 {shown} 不是日期：请写成 YYYY-MM-DD（半角数字），例如 2025-03-05。")
    return None


def read_str(node: YNode, spec: FieldSpec, out: _Out, key: str | None = None) -> str | None:
    if _refused(node):
        return None
    where = _where(spec, key)
    if isinstance(node, YScalar) and node.tag == loader.STR:
        if not node.text.strip() and spec.required:
            out.add(node, "invalid_field", f"{where} 不能为空，请填写。{spec.help}")
            return None
        if spec.kind != "text" and "\n" in node.text:
            out.add(node, "invalid_field",
                    f"{where} 只能写一行，这里含有换行符 U+000A（{_show(node.text)}）。请把它写成一行"
                    "（不要用 | 或 > 块，也不要在引号中写 \\n）；需要分段的说明请写在 description 或 note 中。")
            return None
        return node.text
    if isinstance(node, YScalar) and node.tag != loader.NULL:
        trap = _trap(node)
        why = f"{trap}" if trap else f"不加引号的 {_show(node.text)} 会被读成{_kind_zh(node)}"
        out.add(node, "invalid_field", f"{where} 应当是文字，但{why}。请加引号：'{_show(node.text)}'。")
        return None
    if isinstance(node, YScalar):
        if spec.required:
            out.add(node, "invalid_field", f"{where} 不能为空，请填写。{spec.help}")
        return None
    out.add(node, "invalid_field", f"{where} 应当是一段文字，这里写的是{_kind_zh(node)}。")
    return None


def read_bool(node: YNode, spec: FieldSpec, out: _Out, key: str | None = None) -> bool | None:
    if _refused(node):
        return None
    where = _where(spec, key)
    if isinstance(node, YScalar) and node.plain and node.tag == loader.BOOL:
        if node.text in _BOOL_TRUE:
            return True
        if node.text in _BOOL_FALSE:
            return False
        out.add(node, "invalid_field", f"{where} 请写 true 或 false：{_trap(node)}，其他 YAML 工具却会读成文字，含义不一致。")
        return None
    shown = _show(node.text) if isinstance(node, YScalar) else _kind_zh(node)
    out.add(node, "invalid_field", f"{where} 应当是 true 或 false（不加引号），这里写的是 {shown}。")
    return None


def _bounds_zh(spec: FieldSpec) -> str:
    if spec.minimum is not None and spec.maximum is not None:
        return f"{spec.minimum}–{spec.maximum} 之间"
    if spec.minimum is not None:
        return f"不小于 {spec.minimum}"
    return f"不大于 {spec.maximum}"


def _out_of_bounds(value, spec: FieldSpec) -> bool:
    return (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum)


def read_int(node: YNode, spec: FieldSpec, out: _Out, key: str | None = None) -> int | None:
    if _refused(node):
        return None
    where = _where(spec, key)
    if isinstance(node, YScalar) and node.plain and node.tag == loader.INT:
        digits = len(node.text.lstrip("+-"))
        if digits > MAX_INT_DIGITS:
            out.add(node, "invalid_field",
                    f"{where} 的数字太长（{digits} 位），台账中的整数最多 {MAX_INT_DIGITS} 位。请核对是否多写了数字。")
            return None
        trap = _trap(node)
        if trap:
            out.add(node, "invalid_field", f"{where} 请写普通的十进制整数：{trap}。")
            return None
        value = int(node.text)
        if spec.choices and value not in spec.choices:
            allowed = "、".join(str(c) for c in spec.choices)
            out.add(node, "invalid_field", f"{where} 只能是 {allowed}，这里写的是 {value}。")
            return None
        if _out_of_bounds(value, spec):
            out.add(node, "invalid_field", f"{where} 应在 {_bounds_zh(spec)}，这里写的是 {value}。请改成合理的数值。")
            return None
        return value
    shown = _show(node.text) if isinstance(node, YScalar) else _kind_zh(node)
    out.add(node, "invalid_field", f"{where} 应当是整数（不加引号），这里写的是 {shown}。")
    return None


def read_number(node: YNode, spec: FieldSpec, out: _Out, key: str | None = None) -> float | None:
    if _refused(node):
        return None
    if isinstance(node, YScalar) and node.plain and node.tag in (loader.INT, loader.FLOAT) and not _trap(node):
        try:
            value = float(node.text.replace("_", ""))
        except ValueError:
            value = math.nan
        if math.isfinite(value) and _out_of_bounds(value, spec):
            out.add(node, "invalid_field",
                    f"{_where(spec, key)} 应在 {_bounds_zh(spec)}，这里写的是 {_show(node.text)}。请改成合理的数值。")
            return None
        if math.isfinite(value):
            return value
    shown = _show(node.text) if isinstance(node, YScalar) else _kind_zh(node)
    out.add(node, "invalid_field", f"{_where(spec, key)} 应当是数字，例如 86.5，这里写的是 {shown}。")
    return None


def read_choice(node: YNode, spec: FieldSpec, out: _Out, key: str | None = None) -> str | None:
    if _refused(node):
        return None
    if isinstance(node, YScalar) and node.tag == loader.STR and node.text in spec.choices:
        return node.text
    where = _where(spec, key)
    allowed = "、".join(str(c) for c in spec.choices)
    if isinstance(node, YScalar) and node.tag == loader.STR:
        close = difflib.get_close_matches(node.text, [str(c) for c in spec.choices], n=1, cutoff=0.5)
        hint = f"是不是想写 {close[0]}？" if close else ""
        out.add(node, "invalid_field", f"{where} 不认识 {_show(node.text)}。{hint}可选：{allowed}。")
        return None
    shown = _show(node.text) if isinstance(node, YScalar) else _kind_zh(node)
    out.add(node, "invalid_field", f"{where} 应当是以下之一：{allowed}；这里写的是 {shown}。")
    return None


def read_seq(node: YNode, spec: FieldSpec, out: _Out) -> list[YNode] | None:
    if _refused(node):
        return None
    if isinstance(node, YSeq):
        return node.items
    if isinstance(node, YScalar) and node.tag == loader.NULL:
        return []
    out.add(node, "invalid_field", f"{_where(spec)} 应当是列表（每行以 - 开头，或写成 [a, b]），这里写的是{_kind_zh(node)}。")
    return None


def check_keys(mapping: YMap, fields, out: _Out, what: str, allowed: tuple[str, ...] | None = None) -> None:
    """Report keys that are not in `fields` (or `allowed`), with a suggestion."""
    names = list(allowed) if allowed is not None else list(fields)
    for key, (knode, _) in mapping.entries.items():
        if key in names or _refused(knode):
            continue
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
        if close:
            hint = f"是不是想写 {close[0]}（{fields[close[0]].title}）？"
        elif key in fields:
            hint = "这种记录类型不用这个键，请删去。"
        else:
            hint = "可用的键：" + "、".join(names) + "。"
        out.add(knode, "invalid_field", f"{what}中有不认识的键 {_show(key)}。{hint}")


def require_keys(mapping: YMap, fields, names, out: _Out, what: str) -> bool:
    ok = True
    for name in names:
        if name not in mapping.entries:
            spec = fields[name]
            out.add(mapping, "invalid_field", f"{what}缺少必填项 {name}（{spec.title}）。{spec.help}")
            ok = False
    return ok


_READERS = {
    "str": read_str, "text": read_str, "date": read_date, "bool": read_bool,
    "int": read_int, "number": read_number, "enum": read_choice,
}


# --- Items --------------------------------------------------------------------


def item_from_tree(root: YNode, rel: str) -> tuple[Item | None, list[Finding]]:
    """Validate the tree of one item file; return the item (or None) and findings."""
    read = read_item(root, rel)
    if read is None or not read.complete:
        return None, read.findings if read else []
    return Item(file=rel, lines=read.lines, **read.values), read.findings


class ItemRead:
    """What `read_item` made of one item file: the fields it could read, and findings.

    `failed`: required fields missing or unreadable (the item is then not
    `complete`); `raw`: the text of a unit field that is not a unit id
    (e.g. 住建局), kept for suggestions only, never for an item.
    """

    def __init__(self, values: dict, lines: dict[str, int], failed: set[str], raw: dict[str, str],
                 findings: list[Finding]) -> None:
        self.values, self.lines, self.failed, self.raw, self.findings = values, lines, failed, raw, findings

    @property
    def complete(self) -> bool:
        return not self.failed


def read_item(root: YNode, rel: str) -> ItemRead | None:
    """Read every field of an item tree, reporting each problem; None when it is not a mapping."""
    out = _Out(rel)
    if not isinstance(root, YMap):
        out.add(root, "invalid_field", f"事项文件应当是“键: 值”的映射（id:、title: 等），这里整个文件是{_kind_zh(root)}。")
        return ItemRead({}, {}, {"id"}, {}, out.findings)
    entries = root.entries
    idnode = entries.get("id", (None, None))[1]
    if isinstance(idnode, YScalar) and idnode.tag == loader.STR:
        out.item = idnode.text
    check_keys(root, ITEM_FIELDS, out, "事项")
    required = [n for n, s in ITEM_FIELDS.items() if s.required]
    require_keys(root, ITEM_FIELDS, required, out, "事项")
    failed = {n for n in required if n not in entries}
    raw: dict[str, str] = {}

    values: dict = {}
    lines: dict[str, int] = {}
    for key, (knode, vnode) in entries.items():
        spec = ITEM_FIELDS.get(key)
        if spec is None:
            continue
        lines[key] = knode.line
        if _is_null(vnode) and not spec.required:
            continue  # an empty optional key, as in a template
        if spec.kind == "category":
            value = read_choice(vnode, FieldSpec(spec.name, "enum", spec.title, spec.help, choices=tuple(CATEGORIES)), out)
            if value is None and _hint_category_name(vnode, out):
                raw[key] = vnode.text
        elif spec.kind == "unit":
            value = _read_unit_id(vnode, spec, out)
            if value is None and isinstance(vnode, YScalar) and vnode.tag == loader.STR and "\n" not in vnode.text:
                raw[key] = vnode.text
        elif spec.kind == "units":
            seq = read_seq(vnode, spec, out)
            value = None
            if seq is not None:
                ids = [_read_unit_id(n, spec, out) for n in seq]
                value = [i for i in ids if i is not None]
        elif spec.kind == "events":
            value = _read_events(vnode, out)
        else:
            value = _READERS[spec.kind](vnode, spec, out)
        if value is None:
            if spec.required:
                failed.add(key)
            continue
        values[key] = value

    if "id" in values and not _ID_RE.fullmatch(values["id"]):
        out.add(entries["id"][1], "invalid_field",
                f"事项编号 {_show(values['id'])} 含有不允许的字符。编号会成为文件名和网址，"
                "只能用字母、数字、- 和 _（不超过 64 个字符），例如 2025-0042。")
        del values["id"]
        failed.add("id")
    return ItemRead(values, lines, failed, raw, out.findings)


def _hint_category_name(node: YNode, out: _Out) -> bool:
    """A category written as its Chinese name (领导批示): say which code to write (True when so)."""
    from .names import UnknownName, category_choices, resolve

    if not (isinstance(node, YScalar) and node.tag == loader.STR) or not out.findings:
        return False
    try:
        code = resolve(node.text, category_choices(), "类别")
    except UnknownName:
        return False
    last = out.findings[-1]
    out.findings[-1] = Finding(last.file, last.line, last.code,
                               f"{_where(ITEM_FIELDS['category'])} 写的是 {_show(node.text)}：文件中请写类别编号 {code}"
                               f"（{CATEGORIES[code].name}），即 category: {code}。",
                               item=last.item, column=last.column)
    return True


def _read_unit_id(node: YNode, spec: FieldSpec, out: _Out) -> str | None:
    value = read_str(node, FieldSpec(spec.name, "str", spec.title, spec.help, required=True), out)
    if value is not None and not _UNIT_ID_RE.fullmatch(value):
        out.add(node, "invalid_field", f"{_where(spec)} 的 {_show(value)} 不是单位编号：请写 ledger.yaml 中 units 的 id（小写字母、数字、- 和 _），例如 zjj。")
        return None
    return value


def _read_events(node: YNode, out: _Out) -> list[Event] | None:
    seq = read_seq(node, ITEM_FIELDS["events"], out)
    if seq is None:
        return None
    events: list[Event] = []
    last: Event | None = None
    for index, enode in enumerate(seq, start=1):
        what = f"第 {index} 条办理记录"
        if _refused(enode):
            continue
        if not isinstance(enode, YMap):
            out.add(enode, "invalid_field", f"{what}应当是“键: 值”的映射，例如 {{date: 2025-03-15, type: progress, text: …}}。")
            continue
        event = _read_event(enode, out, what)
        if event is None:
            continue
        if last is not None and event.date < last.date:
            out.add(enode, "invalid_field",
                    f"{what}的日期 {event.date} 早于上一条（第 {last.line} 行，{last.date}）。"
                    "办理记录只能按日期先后追加：请把它移到正确的位置，或核对日期。")
        else:
            last = event
        events.append(event)
    events.sort(key=lambda e: e.date)  # stable: same-day events keep file order
    return events


def _read_event(enode: YMap, out: _Out, what: str) -> Event | None:
    entries = enode.entries
    ok = require_keys(enode, EVENT_FIELDS, ("date", "type"), out, what)
    etype = read_choice(entries["type"][1], EVENT_FIELDS["type"], out) if "type" in entries else None
    if etype is None:
        # Without a known type we cannot tell which keys belong; report keys
        # that no event type knows and stop here.
        check_keys(enode, EVENT_FIELDS, out, what)
        return None
    required, optional = EVENT_TYPE_FIELDS[etype]
    check_keys(enode, EVENT_FIELDS, out, f"{what}（{EVENT_TYPES[etype]}）", COMMON_EVENT_KEYS + required + optional)
    ok = require_keys(enode, EVENT_FIELDS, required, out, f"{what}（{EVENT_TYPES[etype]}）") and ok
    values: dict = {"type": etype, "line": enode.line}
    for key, (_, vnode) in entries.items():
        if key == "type" or key not in EVENT_FIELDS or key not in COMMON_EVENT_KEYS + required + optional:
            continue
        spec = EVENT_FIELDS[key]
        if _is_null(vnode) and not spec.required and key not in required:
            continue
        value = _READERS[spec.kind](vnode, spec, out)
        if value is None:
            if spec.required or key in required:
                ok = False
            continue
        values[key] = value
    if not ok or "date" not in values:
        return None
    return Event(**values)


# --- ledger.yaml --------------------------------------------------------------


def ledger_from_tree(root: YNode | None, rel: str) -> tuple[LedgerConfig, list[Finding]]:
    """Validate `ledger.yaml`; unreadable parts are reported and left out."""
    out = _Out(rel)
    config = LedgerConfig()
    if root is None:
        return config, out.findings
    if not isinstance(root, YMap):
        out.add(root, "invalid_field", f"ledger.yaml 应当是“键: 值”的映射（units:、people: 等），这里是{_kind_zh(root)}。")
        return config, out.findings
    check_keys(root, LEDGER_FIELDS, out, "ledger.yaml ")
    require_keys(root, LEDGER_FIELDS, ("units",), out, "ledger.yaml ")
    e = root.entries
    if "name" in e:
        config.name = read_str(e["name"][1], LEDGER_FIELDS["name"], out) or config.name
    if "units" in e:
        units = {}
        for unode in read_seq(e["units"][1], LEDGER_FIELDS["units"], out) or []:
            unit = _read_record(unode, UNIT_FIELDS, out, "单位")
            if unit is None:
                continue
            if not _UNIT_ID_RE.fullmatch(unit["id"]):
                out.add(unode, "invalid_field", f"单位编号 {_show(unit['id'])} 只能用小写字母、数字、- 和 _，例如 zjj。")
                continue
            if unit["id"] in units:
                out.add(unode, "invalid_field", f"单位编号 {unit['id']} 重复定义，请删去其中一个。")
                continue
            units[unit["id"]] = Unit(**{**unit, "aliases": tuple(unit.get("aliases", ()))})
        config.units = units
    if "people" in e:
        for pnode in read_seq(e["people"][1], LEDGER_FIELDS["people"], out) or []:
            person = _read_record(pnode, PERSON_FIELDS, out, "人员")
            if person is None:
                continue
            if person["unit"] not in config.units:
                out.add(pnode, "unknown_unit", f"人员 {person['name']} 的单位 {person['unit']} 不在 units 中。{_unit_hint(person['unit'], config)}")
                continue
            config.people.append(Person(**person))
    if "calendar" in e:
        _read_calendar(e["calendar"][1], config, out)
    if "leaders" in e:
        for lnode in read_seq(e["leaders"][1], LEDGER_FIELDS["leaders"], out) or []:
            leader = _read_record(lnode, LEADER_FIELDS, out, "领导")
            if leader is None:
                continue
            if not _UNIT_ID_RE.fullmatch(leader["id"]) or leader["id"] in config.leaders:
                out.add(lnode, "invalid_field", f"领导编号 {_show(leader['id'])} 重复或含有不允许的字符（小写字母、数字、- 和 _）。")
                continue
            config.leaders[leader["id"]] = Leader(**leader)
    if "assessment" in e and not _refused(e["assessment"][1]):
        node = e["assessment"][1]
        if not isinstance(node, YMap):
            out.add(node, "invalid_field", f"assessment 应当是“项目: 分值”的映射，这里是{_kind_zh(node)}。")
        else:
            check_keys(node, {k: FieldSpec(k, "number", k, "") for k in ASSESSMENT_KEYS}, out, "assessment ")
            for key, (_, vnode) in node.entries.items():
                if key in ASSESSMENT_KEYS:
                    value = read_number(vnode, ASSESSMENT_WEIGHT, out, key)
                    if value is not None:
                        config.assessment_weights[key] = value
    if "follow_up_months" in e:
        months = read_int(e["follow_up_months"][1], LEDGER_FIELDS["follow_up_months"], out)
        if months is not None:
            config.follow_up_months = months
    if "inspections_from" in e:
        config.inspections_from = read_date(e["inspections_from"][1], LEDGER_FIELDS["inspections_from"], out)
    if "audit" in e:
        audit = _read_record(e["audit"][1], AUDIT_FIELDS, out, "audit 设置")
        if audit:
            config.backdate_days = audit.get("backdate_days", config.backdate_days)
            config.require_signed = audit.get("require_signed", config.require_signed)
            config.allowed_signers = audit.get("allowed_signers", config.allowed_signers)
    if "privacy" in e:
        config.privacy_allow = _read_privacy(e["privacy"][1], out)
    if "signals" in e:
        config.signals = _read_signals(e["signals"][1], out)
    return config, out.findings


def _read_signals(node: YNode, out: _Out) -> SignalSettings:
    """`signals:` thresholds; a value outside its range is reported and the default kept."""
    values = _read_record(node, SIGNAL_FIELDS, out, "signals 设置") or {}
    kept = {}
    for key, value in values.items():
        low, high = SIGNAL_LIMITS[key]
        if low <= value <= high:
            kept[key] = value
            continue
        vnode = node.entries[key][1]
        out.add(vnode, "invalid_field", f"signals 设置中 {key}（{SIGNAL_FIELDS[key].title}）应在 {low:g} 到 {high:g} 之间，"
                f"这里写的是 {value:g}，已按默认值 {getattr(SignalSettings(), key):g} 计算。{SIGNAL_FIELDS[key].help}")
    return SignalSettings(**kept)


def _read_privacy(node: YNode, out: _Out) -> tuple[str, ...]:
    """`privacy: {allow: [...]}`: published numbers the personal_data check accepts."""
    if not isinstance(node, YMap):
        out.add(node, "invalid_field", f"privacy 应当是映射，例如 privacy: {{allow: [\"12345\"]}}，这里是{_kind_zh(node)}。")
        return ()
    check_keys(node, PRIVACY_FIELDS, out, "privacy ")
    if "allow" not in node.entries or _is_null(node.entries["allow"][1]):
        return ()
    return tuple(read_strs(node.entries["allow"][1], PRIVACY_FIELDS["allow"], out) or ())


def _unit_hint(unit: str, config: LedgerConfig) -> str:
    close = difflib.get_close_matches(unit, list(config.units), n=1, cutoff=0.5)
    if close:
        return f"是不是想写 {close[0]}（{config.units[close[0]].name}）？"
    return "请写 ledger.yaml 中已有的单位编号，或先在 units 中添加这个单位。"


def _read_record(node: YNode, fields: dict[str, FieldSpec], out: _Out, what: str) -> dict | None:
    if _refused(node):
        return None
    if not isinstance(node, YMap):
        out.add(node, "invalid_field", f"{what}应当是“键: 值”的映射，这里是{_kind_zh(node)}。")
        return None
    check_keys(node, fields, out, what)
    ok = require_keys(node, fields, [n for n, s in fields.items() if s.required], out, what)
    values = {}
    for key, (_, vnode) in node.entries.items():
        spec = fields.get(key)
        if spec is None:
            continue
        reader = _READERS.get(spec.kind, read_str)
        if spec.kind == "unit":
            value = _read_unit_id(vnode, spec, out)
        elif spec.kind == "strs":
            value = read_strs(vnode, spec, out)
        else:
            value = reader(vnode, spec, out)
        if value is None:
            ok = ok and not spec.required
            continue
        values[key] = value
    return values if ok else None


def _read_calendar(node: YNode, config: LedgerConfig, out: _Out) -> None:
    if _refused(node):
        return
    if not isinstance(node, YMap):
        out.add(node, "invalid_field", f"calendar 应当是映射（holidays:、workdays:、confirmed_years:），这里是{_kind_zh(node)}。")
        return
    check_keys(node, CALENDAR_FIELDS, out, "calendar ")
    e = node.entries
    for key, attr in (("holidays", "extra_holidays"), ("workdays", "extra_workdays")):
        if key in e:
            spec = CALENDAR_FIELDS[key]
            seq = read_seq(e[key][1], spec, out) or []
            days = [read_date(n, FieldSpec(key, "date", spec.title, spec.help), out) for n in seq]
            setattr(config, attr, frozenset(d for d in days if d))
    clash = config.extra_holidays & config.extra_workdays
    if clash:
        out.add(e.get("workdays", e.get("holidays"))[1], "invalid_field",
                "calendar 中同一天既是放假日又是上班日：" + "、".join(sorted(str(d) for d in clash)) + "，请只保留一处。")
    if "confirmed_years" in e:
        spec = CALENDAR_FIELDS["confirmed_years"]
        years = []
        for n in read_seq(e["confirmed_years"][1], spec, out) or []:
            y = read_int(n, FieldSpec("confirmed_years", "int", spec.title, spec.help), out)
            if y is not None:
                if MIN_YEAR <= y <= MAX_YEAR:
                    years.append(y)
                else:
                    out.add(n, "invalid_field", f"confirmed_years 中的 {y} 不是合理的年份：台账只用 {_year_range()}。")
        config.confirmed_years = frozenset(years)


def read_strs(node: YNode, spec: FieldSpec, out: _Out) -> list[str] | None:
    seq = read_seq(node, spec, out)
    if seq is None:
        return None
    values = [read_str(n, FieldSpec(spec.name, "str", spec.title, spec.help, required=True), out) for n in seq]
    return [v for v in values if v is not None]


def inspection_from_tree(root: YNode, rel: str) -> tuple[Inspection | None, list[Finding]]:
    """Validate one `inspections/*.yaml` file."""
    out = _Out(rel)
    if not isinstance(root, YMap):
        out.add(root, "invalid_field", f"督查记录文件应当是“键: 值”的映射（leader:、date: 等），这里是{_kind_zh(root)}。")
        return None, out.findings
    check_keys(root, INSPECTION_FIELDS, out, "督查记录")
    ok = require_keys(root, INSPECTION_FIELDS, ("leader", "date"), out, "督查记录")
    values: dict = {}
    for key, (_, vnode) in root.entries.items():
        spec = INSPECTION_FIELDS.get(key)
        if spec is None or (_is_null(vnode) and not spec.required):
            continue
        value = read_strs(vnode, spec, out) if spec.kind == "strs" else _READERS[spec.kind](vnode, spec, out)
        if value is None:
            ok = ok and not spec.required
            continue
        values[key] = value
    if not ok:
        return None, out.findings
    return Inspection(file=rel, **values), out.findings
