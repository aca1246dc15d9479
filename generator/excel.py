"""Excel in and out: `ducha export-xlsx` and `ducha import-xlsx`.

Export writes the ledger as of a date: a summary sheet, one sheet per
category (frozen header, filters, real Excel dates, a traffic-light fill on
the state), and a sheet of events. Import turns a ledger sheet into item
files through a column mapping (YAML); every bad cell is reported with
sheet, row and column, and nothing is written on a dry run or when any
row fails. `docs/excel-mapping.yaml` maps ducha's own export, so export
then import gives the same items back.
"""
from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .check import CheckResult
from .evaluate import STATE_NAMES, traffic_light
from .model import CATEGORIES, EVENT_FIELDS, EVENT_TYPES, ITEM_FIELDS, LedgerConfig

# Columns of an item sheet: (field, header). Derived values are marked "=" and not imported.
ITEM_COLUMNS = [
    ("id", "编号"), ("title", "标题"), ("source", "来源"), ("description", "具体内容"), ("assigned", "交办日期"),
    ("lead_unit", "主办单位"), ("co_units", "协办单位"), ("deadline", "办结期限"), ("=effective", "有效期限"),
    ("=state", "状态"), ("=days_overdue", "超期天数"), ("verify", "需复核"), ("follow_up", "回头看"),
    ("public", "公开"), ("contact", "联系人"), ("note", "内部备注"),
]
EVENT_COLUMNS = [("item", "编号"), *[(k, EVENT_FIELDS[k].title) for k in EVENT_FIELDS]]
EVENTS_SHEET = "办理记录"
SUMMARY_SHEET = "汇总"
FILLS = {
    "red": PatternFill("solid", fgColor="F4C7C3"), "yellow": PatternFill("solid", fgColor="FCE8B2"),
    "green": PatternFill("solid", fgColor="B7E1CD"), "done": PatternFill("solid", fgColor="C9DAF8"),
}
HEADER_FONT = Font(bold=True)
TRUE_WORDS = {"是", "true", "True", "TRUE", "yes", "y", "1", "√"}
FALSE_WORDS = {"否", "false", "False", "FALSE", "no", "n", "0", "×"}


def _sheet_name(category: str) -> str:
    name = CATEGORIES[category].name
    for bad in '[]:*?/\\':
        name = name.replace(bad, "")
    return name[:31]


def _header(ws, headers: list[str], widths: list[int]) -> None:
    ws.append(headers)
    for n, width in enumerate(widths, start=1):
        ws.cell(row=1, column=n).font = HEADER_FONT
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A2"


def export_workbook(result: CheckResult, config: LedgerConfig, path: Path) -> None:
    """Write the ledger as of `result.as_of` to an .xlsx workbook at `path`."""
    wb = Workbook()
    summary = wb.active
    summary.title = SUMMARY_SHEET
    summary.append([f"{config.name}（数据截至 {result.as_of.isoformat()}）"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([])
    headers = ["类别", "事项", *[STATE_NAMES[s] for s in STATE_NAMES], "超期"]
    summary.append(headers)
    for n in range(1, len(headers) + 1):
        summary.cell(row=3, column=n).font = HEADER_FONT
    for category in CATEGORIES:
        pairs = [(i, s) for i, s in result.items if i.category == category]
        if pairs:
            summary.append([CATEGORIES[category].name, len(pairs),
                            *[sum(1 for _, s in pairs if s.state == st) for st in STATE_NAMES],
                            sum(1 for _, s in pairs if s.overdue)])
    summary.column_dimensions["A"].width = 30
    summary.freeze_panes = "A4"

    date_format = "yyyy-mm-dd"
    for category in CATEGORIES:
        pairs = [(i, s) for i, s in result.items if i.category == category]
        if not pairs:
            continue
        ws = wb.create_sheet(_sheet_name(category))
        _header(ws, [h for _, h in ITEM_COLUMNS], [12, 40, 24, 40, 12, 10, 14, 12, 12, 16, 10, 8, 8, 8, 20, 30])
        for item, status in pairs:
            values = {
                "id": item.id, "title": item.title, "source": item.source, "description": item.description,
                "assigned": item.assigned, "lead_unit": item.lead_unit, "co_units": ", ".join(item.co_units) or None,
                "deadline": item.deadline, "=effective": status.effective_deadline,
                "=state": STATE_NAMES[status.state], "=days_overdue": status.days_overdue or None,
                "verify": "是" if item.verify else "否", "follow_up": "是" if item.follow_up else "否",
                "public": "是" if item.public else "否", "contact": item.contact, "note": item.note,
            }
            ws.append([values[k] for k, _ in ITEM_COLUMNS])
            row = ws.max_row
            for n, (key, _) in enumerate(ITEM_COLUMNS, start=1):
                cell = ws.cell(row=row, column=n)
                if isinstance(cell.value, dt.date):
                    cell.number_format = date_format
                if key in ("description", "note"):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.cell(row=row, column=[k for k, _ in ITEM_COLUMNS].index("=state") + 1).fill = \
                FILLS[traffic_light(status)]
        ws.auto_filter.ref = ws.dimensions

    events = wb.create_sheet(EVENTS_SHEET)
    _header(events, [h for _, h in EVENT_COLUMNS], [12, 12, 14, 40, 30, 10, 8] + [12] * (len(EVENT_COLUMNS) - 7))
    for item, _ in result.items:
        for e in item.events:
            row = []
            for key, _ in EVENT_COLUMNS:
                value = item.id if key == "item" else getattr(e, key)
                if isinstance(value, bool):
                    value = "是" if value else "否"
                row.append(value)
            events.append(row)
            for n, value in enumerate(row, start=1):
                if isinstance(value, dt.date):
                    events.cell(row=events.max_row, column=n).number_format = date_format
    events.auto_filter.ref = events.dimensions
    wb.save(path)


# --- import ----------------------------------------------------------------------------


@dataclass
class CellProblem:
    sheet: str
    row: int
    column: str  # "C（交办日期）"
    message: str

    def __str__(self) -> str:
        where = f"工作表“{self.sheet}”第 {self.row} 行" + (f" {self.column} 列" if self.column else "")
        return f"{where}：{self.message}"


@dataclass
class ImportPlan:
    items: list[dict] = field(default_factory=list)  # values for new.item_text, in sheet order
    problems: list[CellProblem] = field(default_factory=list)


@dataclass
class Mapping:
    sheets: list[str] | None
    columns: dict[str, str]
    category: str | None
    category_column: str | None
    events_sheet: str | None
    event_columns: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> "Mapping":
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        events = data.get("events") or {}
        return cls(
            sheets=data.get("sheets"),
            columns={str(k): str(v) for k, v in (data.get("columns") or {}).items()},
            category=data.get("category"),
            category_column=data.get("category_column"),
            events_sheet=events.get("sheet"),
            event_columns={str(k): str(v) for k, v in (events.get("columns") or {}).items()},
        )


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value) or ""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        from .validate import _suggest_date

        suggestion = _suggest_date(text)
        if suggestion:
            return dt.date.fromisoformat(suggestion)
        raise ValueError(f"“{text}”不是日期，请写成 2025-03-05 或使用 Excel 日期格式") from None


def _bool(value) -> bool | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"“{text}”应当是“是”或“否”")


def _unit(value, config: LedgerConfig) -> str:
    text = _text(value) or ""
    if text in config.units:
        return text
    by_name = {u.name: u.id for u in config.units.values()} | {u.short: u.id for u in config.units.values() if u.short}
    if text in by_name:
        return by_name[text]
    close = difflib.get_close_matches(text, list(config.units) + list(by_name), n=1, cutoff=0.5)
    hint = f"，是不是“{close[0]}”？" if close else "，请填写 ledger.yaml 中的单位编号或全称"
    raise ValueError(f"不认识的单位“{text}”{hint}")


def _category(value, sheet: str) -> str:
    text = _text(value) or ""
    if text in CATEGORIES:
        return text
    by_name = {c.name: key for key, c in CATEGORIES.items()} | {_sheet_name(k): k for k in CATEGORIES}
    if text in by_name:
        return by_name[text]
    raise ValueError(f"不认识的类别“{text}”，可写英文代码（如 work_report）或中文名称")


_ITEM_CONVERTERS = {
    "assigned": lambda v, c: _date(v), "deadline": lambda v, c: _date(v) if _text(v) else None,
    "verify": lambda v, c: bool(_bool(v)), "follow_up": lambda v, c: bool(_bool(v)),
    "public": lambda v, c: bool(_bool(v)), "lead_unit": lambda v, c: _unit(v, c),
    "co_units": lambda v, c: [_unit(u, c) for u in str(v).replace("，", ",").replace("、", ",").split(",")
                              if u.strip()] if _text(v) else [],
}


def _event_value(key: str, value):
    spec = EVENT_FIELDS[key]
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if spec.kind == "date":
        return _date(value)
    if spec.kind == "bool":
        return _bool(value)
    if spec.kind == "int":
        return int(float(value))
    if spec.kind == "number":
        return float(value)
    return _text(value)


def _headers(ws) -> dict[str, int]:
    return {str(c.value).strip(): c.column for c in ws[1] if c.value is not None}


def _rows(ws, columns: dict[str, str]):
    """Each non-empty data row: (row number, [(field, header, cell)] for the mapped columns present)."""
    headers = _headers(ws)
    for row in ws.iter_rows(min_row=2):
        if all(c.value is None or str(c.value).strip() == "" for c in row):
            continue
        number = row[0].row
        yield number, [(key, header, ws.cell(row=number, column=headers[header]))
                       for key, header in columns.items() if header in headers]


def plan_import(workbook: Path, mapping: Mapping, config: LedgerConfig) -> ImportPlan:
    """Read `workbook` through `mapping` into item values, collecting every problem."""
    wb = load_workbook(workbook, data_only=True)
    plan = ImportPlan()
    names = mapping.sheets or [n for n in wb.sheetnames if n not in (mapping.events_sheet, SUMMARY_SHEET)]
    for name in names:
        if name not in wb.sheetnames:
            plan.problems.append(CellProblem(name, 0, "", f"工作簿中没有这个工作表（现有：{'、'.join(wb.sheetnames)}）"))
            continue
        ws = wb[name]
        headers = _headers(ws)
        missing = [h for f, h in mapping.columns.items() if h not in headers and f != "id"  # ids can be allocated
                   and f in ITEM_FIELDS and ITEM_FIELDS[f].required]
        if missing:
            plan.problems.append(CellProblem(name, 1, "", f"表头缺少必需的列：{'、'.join(missing)}"))
            continue
        for number, cells in _rows(ws, mapping.columns):
            values: dict = {}
            for key, header, cell in cells:
                try:
                    convert = _ITEM_CONVERTERS.get(key)
                    if convert:
                        value = convert(cell.value, config)
                    elif key in ITEM_FIELDS and ITEM_FIELDS[key].kind == "text":
                        value = cell.value if isinstance(cell.value, str) and cell.value.strip() else _text(cell.value)
                    else:
                        value = _text(cell.value)
                except (ValueError, TypeError) as e:
                    plan.problems.append(CellProblem(name, number, f"{cell.column_letter}（{header}）", str(e)))
                    continue
                if value is not None:
                    values[key] = value
            try:
                if mapping.category_column and mapping.category_column in headers:
                    values["category"] = _category(ws.cell(row=number, column=headers[mapping.category_column]).value, name)
                else:
                    values["category"] = mapping.category or _category(name, name)
            except ValueError as e:
                plan.problems.append(CellProblem(name, number, mapping.category_column or "", str(e)))
            values["_where"] = (name, number)
            plan.items.append(values)

    if mapping.events_sheet:
        _plan_events(wb, mapping, plan)
    return plan


def _plan_events(wb, mapping: Mapping, plan: ImportPlan) -> None:
    name = mapping.events_sheet
    if name not in wb.sheetnames:
        return  # a ledger sheet without events: items only
    ws = wb[name]
    by_id = {v.get("id"): v for v in plan.items if v.get("id")}
    for number, cells in _rows(ws, mapping.event_columns):
        event: dict = {}
        item_id = None
        for key, header, cell in cells:
            try:
                if key == "item":
                    item_id = _text(cell.value)
                else:
                    value = _event_value(key, cell.value)
                    if value is not None:
                        event[key] = value
            except (ValueError, TypeError) as e:
                plan.problems.append(CellProblem(name, number, f"{cell.column_letter}（{header}）", str(e)))
        if item_id not in by_id:
            plan.problems.append(CellProblem(name, number, "", f"记录所属的事项编号“{item_id}”不在事项工作表中"))
            continue
        if event.get("type") not in EVENT_TYPES:
            plan.problems.append(CellProblem(name, number, "", f"不认识的记录类型“{event.get('type')}”"))
            continue
        by_id[item_id].setdefault("events", []).append(event)


def run_import(root: Path, workbook: Path, mapping: Mapping, config: LedgerConfig, files: list[str],
               dry_run: bool) -> tuple[list[str], list[str]]:
    """Import `workbook`; return (files written or to be written, problems as text).

    Nothing is written when any row has a problem, or on a dry run.
    """
    from .calendar import WorkingCalendar
    from .edit import write_atomic
    from .new import check_item, item_text, next_id

    plan = plan_import(workbook, mapping, config)
    problems = [str(p) for p in plan.problems]
    calendar = WorkingCalendar.for_ledger(config)
    existing = [f.rsplit("/", 1)[-1][:-5] for f in files]
    planned: list[tuple[str, str]] = []
    for values in plan.items:
        sheet, row = values.pop("_where")
        if "assigned" not in values:
            problems.append(str(CellProblem(sheet, row, "", "缺少交办日期")))
            continue
        values.setdefault("id", next_id(existing, values["assigned"].year))
        existing.append(values["id"])
        values.setdefault("public", False)
        rel = f"items/{values['assigned'].year}/{values['id']}.yaml"
        if rel in files:
            problems.append(str(CellProblem(sheet, row, "", f"事项 {values['id']} 已存在于台账中（{rel}）")))
            continue
        text = item_text(values)
        item, errors = check_item(text, rel, config, calendar, [*files, *[p for p, _ in planned]])
        for f in errors:
            problems.append(str(CellProblem(sheet, row, "", f.message)))
        if item is not None and not errors:
            planned.append((rel, text))
    if problems or dry_run:
        return [p for p, _ in planned], problems
    for rel, text in planned:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"))
    return [p for p, _ in planned], []

