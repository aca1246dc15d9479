"""Turn composed YAML trees into `Item`s and `LedgerConfig`, with findings.

Every problem becomes a finding that names the file, the line and the fix,
in Chinese. A field that cannot be read is left out of the value (and
reported); an item whose required fields cannot be read is not returned
at all, so the rules only ever see well-formed items.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable

from . import fields, loader
from .fields import ID_RE, UNIT_ID_RE, Out, is_null, kind_zh, refused, show
from .findings import Finding
from .loader import YMap, YNode, YScalar
from .model import (
    ASSESSMENT_KEYS,
    ASSESSMENT_WEIGHT,
    AUDIT_FIELDS,
    CALENDAR_FIELDS,
    COMMON_EVENT_KEYS,
    EVENT_FIELDS,
    EVENT_TYPE_FIELDS,
    EVENT_TYPES,
    INSPECTION_FIELDS,
    ITEM_FIELDS,
    LEADER_FIELDS,
    LEDGER_FIELDS,
    PERSON_FIELDS,
    PRIVACY_FIELDS,
    SIGNAL_FIELDS,
    SIGNAL_LIMITS,
    UNIT_FIELDS,
    Event,
    FieldSpec,
    Inspection,
    Item,
    Leader,
    LedgerConfig,
    Person,
    SignalSettings,
    Unit,
)


def check_keys(mapping: YMap, fields, out: Out, what: str, allowed: tuple[str, ...] | None = None) -> None:
    """Report keys that are not in `fields` (or `allowed`), with a suggestion."""
    names = list(allowed) if allowed is not None else list(fields)
    for key, (knode, _) in mapping.entries.items():
        if key in names or refused(knode):
            continue
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
        if close:
            hint = f"是不是想写 {close[0]}（{fields[close[0]].title}）？"
        elif key in fields:
            hint = "这种记录类型不用这个键，请删去。"
        else:
            hint = "可用的键：" + "、".join(names) + "。"
        out.add(knode, "invalid_field", f"{what}中有不认识的键 {show(key)}。{hint}")


def require_keys(mapping: YMap, fields, names, out: Out, what: str) -> bool:
    ok = True
    for name in names:
        if name not in mapping.entries:
            spec = fields[name]
            out.add(mapping, "invalid_field", f"{what}缺少必填项 {name}（{spec.title}）。{spec.help}")
            ok = False
    return ok


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
    out = Out(rel)
    if not isinstance(root, YMap):
        out.add(root, "invalid_field", f"事项文件应当是“键: 值”的映射（id:、title: 等），这里整个文件是{kind_zh(root)}。")
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
        if is_null(vnode) and not spec.required:
            continue  # an empty optional key, as in a template
        value = read_events(vnode, out) if spec.kind == "events" else fields.read(vnode, spec, out)
        if value is None:
            if _raw_name(vnode, spec) is not None:
                raw[key] = vnode.text
            if spec.required:
                failed.add(key)
            continue
        values[key] = value

    if "id" in values and not ID_RE.fullmatch(values["id"]):
        out.add(entries["id"][1], "invalid_field",
                f"事项编号 {show(values['id'])} 含有不允许的字符。编号会成为文件名和网址，"
                "只能用字母、数字、- 和 _（不超过 64 个字符），例如 2025-0042。")
        del values["id"]
        failed.add("id")
    if "source_id" in values and not ID_RE.fullmatch(values["source_id"]):
        out.add(entries["source_id"][1], "invalid_field",
                f"source_id（决策部署）{show(values['source_id'])} 含有不允许的字符。它是 sources/ 中文件的名称（不含 .yaml），"
                "只能用字母、数字、- 和 _（不超过 64 个字符），例如 2025-gzbg。")
        del values["source_id"]
    return ItemRead(values, lines, failed, raw, out.findings)


def _raw_name(node: YNode, spec: FieldSpec) -> str | None:
    """The words of a category or unit written by name (领导批示, 住建局) instead of its code, else None."""
    if spec.kind == "category":
        return node.text if fields.category_named(node) is not None else None  # type: ignore[union-attr]
    if spec.kind == "unit" and isinstance(node, YScalar) and node.tag == loader.STR and "\n" not in node.text:
        return node.text
    return None


def read_events(node: YNode, out: Out) -> list[Event] | None:
    """An item's event log: each event checked against its type, in date order."""
    seq = fields.read_seq(node, ITEM_FIELDS["events"], out)
    if seq is None:
        return None
    events: list[Event] = []
    last: Event | None = None
    for index, enode in enumerate(seq, start=1):
        what = f"第 {index} 条办理记录"
        if refused(enode):
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


def _read_event(enode: YMap, out: Out, what: str) -> Event | None:
    entries = enode.entries
    ok = require_keys(enode, EVENT_FIELDS, ("date", "type"), out, what)
    etype = fields.read(entries["type"][1], EVENT_FIELDS["type"], out) if "type" in entries else None
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
        if is_null(vnode) and not spec.required and key not in required:
            continue
        value = fields.read(vnode, spec, out)
        if value is None:
            if spec.required or key in required:
                ok = False
            continue
        values[key] = value
    if not ok or "date" not in values:
        return None
    return Event(**values)


# --- ledger.yaml --------------------------------------------------------------

Section = Callable[[YNode, LedgerConfig, Out], None]


def ledger_from_tree(root: YNode | None, rel: str) -> tuple[LedgerConfig, list[Finding]]:
    """Validate `ledger.yaml`; unreadable parts are reported and left out.

    Each key of `model.LEDGER_FIELDS` present is read in the order declared
    there: a value key by its kind into the `LedgerConfig` attribute of the
    same name (an empty or unreadable value keeps the default), a list or
    map section by its reader in `LEDGER_SECTIONS`.
    """
    out = Out(rel)
    config = LedgerConfig()
    if root is None:
        return config, out.findings
    if not isinstance(root, YMap):
        out.add(root, "invalid_field", f"ledger.yaml 应当是“键: 值”的映射（units:、people: 等），这里是{kind_zh(root)}。")
        return config, out.findings
    check_keys(root, LEDGER_FIELDS, out, "ledger.yaml ")
    require_keys(root, LEDGER_FIELDS, [n for n, s in LEDGER_FIELDS.items() if s.required], out, "ledger.yaml ")
    for key, spec in LEDGER_FIELDS.items():
        if key not in root.entries or key in READ_BY_LEDGER_FORMAT:
            continue
        node = root.entries[key][1]
        if spec.kind in fields.STRUCTURE_KINDS:
            LEDGER_SECTIONS[key](node, config, out)
            continue
        value = fields.read(node, spec, out)
        if value is not None and value != "":
            setattr(config, key, value)
    return config, out.findings


def _read_units(node: YNode, config: LedgerConfig, out: Out) -> None:
    units: dict[str, Unit] = {}
    for unode in fields.read_seq(node, LEDGER_FIELDS["units"], out) or []:
        unit = _read_record(unode, UNIT_FIELDS, out, "单位")
        if unit is None:
            continue
        if not UNIT_ID_RE.fullmatch(unit["id"]):
            out.add(unode, "invalid_field", f"单位编号 {show(unit['id'])} 只能用小写字母、数字、- 和 _，例如 zjj。")
            continue
        if unit["id"] in units:
            out.add(unode, "invalid_field", f"单位编号 {unit['id']} 重复定义，请删去其中一个。")
            continue
        units[unit["id"]] = Unit(**{**unit, "aliases": tuple(unit.get("aliases", ()))})
    config.units = units


def _read_people(node: YNode, config: LedgerConfig, out: Out) -> None:
    """`people:`; read after `units:` (LEDGER_FIELDS' order), since each names a unit."""
    for pnode in fields.read_seq(node, LEDGER_FIELDS["people"], out) or []:
        person = _read_record(pnode, PERSON_FIELDS, out, "人员")
        if person is None:
            continue
        if person["unit"] not in config.units:
            out.add(pnode, "unknown_unit", f"人员 {person['name']} 的单位 {person['unit']} 不在 units 中。"
                    f"{_unit_hint(person['unit'], config)}")
            continue
        config.people.append(Person(**person))


def _read_leaders(node: YNode, config: LedgerConfig, out: Out) -> None:
    for lnode in fields.read_seq(node, LEDGER_FIELDS["leaders"], out) or []:
        leader = _read_record(lnode, LEADER_FIELDS, out, "领导")
        if leader is None:
            continue
        if not UNIT_ID_RE.fullmatch(leader["id"]) or leader["id"] in config.leaders:
            out.add(lnode, "invalid_field", f"领导编号 {show(leader['id'])} 重复或含有不允许的字符（小写字母、数字、- 和 _）。")
            continue
        config.leaders[leader["id"]] = Leader(**leader)


def _read_assessment(node: YNode, config: LedgerConfig, out: Out) -> None:
    if refused(node):
        return
    if not isinstance(node, YMap):
        out.add(node, "invalid_field", f"assessment 应当是“项目: 分值”的映射，这里是{kind_zh(node)}。")
        return
    check_keys(node, {k: FieldSpec(k, "number", k, "") for k in ASSESSMENT_KEYS}, out, "assessment ")
    for key, (_, vnode) in node.entries.items():
        if key in ASSESSMENT_KEYS:
            value = fields.read_number(vnode, ASSESSMENT_WEIGHT, out, key)
            if value is not None:
                config.assessment_weights[key] = value


def _read_audit(node: YNode, config: LedgerConfig, out: Out) -> None:
    audit = _read_record(node, AUDIT_FIELDS, out, "audit 设置")
    if audit:
        config.backdate_days = audit.get("backdate_days", config.backdate_days)
        config.require_signed = audit.get("require_signed", config.require_signed)
        config.allowed_signers = audit.get("allowed_signers", config.allowed_signers)


def _read_signals(node: YNode, config: LedgerConfig, out: Out) -> None:
    """`signals:` thresholds; a value outside its range is reported and the default kept."""
    values = _read_record(node, SIGNAL_FIELDS, out, "signals 设置") or {}
    kept = {}
    for key, value in values.items():
        low, high = SIGNAL_LIMITS[key]
        if low <= value <= high:
            kept[key] = value
            continue
        vnode = node.entries[key][1]  # type: ignore[union-attr]
        out.add(vnode, "invalid_field", f"signals 设置中 {key}（{SIGNAL_FIELDS[key].title}）应在 {low:g} 到 {high:g} 之间，"
                f"这里写的是 {value:g}，已按默认值 {getattr(SignalSettings(), key):g} 计算。{SIGNAL_FIELDS[key].help}")
    config.signals = SignalSettings(**kept)


def _read_privacy(node: YNode, config: LedgerConfig, out: Out) -> None:
    """`privacy: {allow: [...]}`: published numbers the personal_data check accepts."""
    if not isinstance(node, YMap):
        out.add(node, "invalid_field", f"privacy 应当是映射，例如 privacy: {{allow: [\"12345\"]}}，这里是{kind_zh(node)}。")
        config.privacy_allow = ()
        return
    check_keys(node, PRIVACY_FIELDS, out, "privacy ")
    if "allow" not in node.entries or is_null(node.entries["allow"][1]):
        config.privacy_allow = ()
        return
    config.privacy_allow = tuple(fields.read_strs(node.entries["allow"][1], PRIVACY_FIELDS["allow"], out) or ())


def _read_calendar(node: YNode, config: LedgerConfig, out: Out) -> None:
    if refused(node):
        return
    if not isinstance(node, YMap):
        out.add(node, "invalid_field", f"calendar 应当是映射（holidays:、workdays:、confirmed_years:），这里是{kind_zh(node)}。")
        return
    check_keys(node, CALENDAR_FIELDS, out, "calendar ")
    e = node.entries
    for key, attr in (("holidays", "extra_holidays"), ("workdays", "extra_workdays")):
        if key in e:
            days = fields.read(e[key][1], CALENDAR_FIELDS[key], out) or []
            setattr(config, attr, frozenset(days))
    clash = config.extra_holidays & config.extra_workdays
    if clash:
        out.add(e.get("workdays", e.get("holidays"))[1], "invalid_field",
                "calendar 中同一天既是放假日又是上班日：" + "、".join(sorted(str(d) for d in clash)) + "，请只保留一处。")
    if "confirmed_years" in e:
        config.confirmed_years = frozenset(fields.read(e["confirmed_years"][1], CALENDAR_FIELDS["confirmed_years"], out) or [])


# `format` and `min_ducha` say whether this ducha can read the ledger at all:
# `ledger_format` reads them first, before any of this.
READ_BY_LEDGER_FORMAT = frozenset({"format", "min_ducha"})

# The reader of each list or map section of ledger.yaml (model.LEDGER_FIELDS).
LEDGER_SECTIONS: dict[str, Section] = {
    "leaders": _read_leaders,
    "assessment": _read_assessment,
    "units": _read_units,
    "calendar": _read_calendar,
    "people": _read_people,
    "audit": _read_audit,
    "privacy": _read_privacy,
    "signals": _read_signals,
}


def _unit_hint(unit: str, config: LedgerConfig) -> str:
    close = difflib.get_close_matches(unit, list(config.units), n=1, cutoff=0.5)
    if close:
        return f"是不是想写 {close[0]}（{config.units[close[0]].name}）？"
    return "请写 ledger.yaml 中已有的单位编号，或先在 units 中添加这个单位。"


def _read_record(node: YNode, specs: dict[str, FieldSpec], out: Out, what: str) -> dict | None:
    if refused(node):
        return None
    if not isinstance(node, YMap):
        out.add(node, "invalid_field", f"{what}应当是“键: 值”的映射，这里是{kind_zh(node)}。")
        return None
    check_keys(node, specs, out, what)
    ok = require_keys(node, specs, [n for n, s in specs.items() if s.required], out, what)
    values = {}
    for key, (_, vnode) in node.entries.items():
        spec = specs.get(key)
        if spec is None:
            continue
        value = fields.read(vnode, spec, out)
        if value is None:
            ok = ok and not spec.required
            continue
        values[key] = value
    return values if ok else None


def inspection_from_tree(root: YNode, rel: str) -> tuple[Inspection | None, list[Finding]]:
    """Validate one `inspections/*.yaml` file."""
    out = Out(rel)
    if not isinstance(root, YMap):
        out.add(root, "invalid_field", f"督查记录文件应当是“键: 值”的映射（leader:、date: 等），这里是{kind_zh(root)}。")
        return None, out.findings
    check_keys(root, INSPECTION_FIELDS, out, "督查记录")
    ok = require_keys(root, INSPECTION_FIELDS, ("leader", "date"), out, "督查记录")
    values: dict = {}
    for key, (_, vnode) in root.entries.items():
        spec = INSPECTION_FIELDS.get(key)
        if spec is None or (is_null(vnode) and not spec.required):
            continue
        value = fields.read(vnode, spec, out)
        if value is None:
            ok = ok and not spec.required
            continue
        values[key] = value
    if not ok:
        return None, out.findings
    return Inspection(file=rel, **values), out.findings
