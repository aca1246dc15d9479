"""`ducha decompose`: one decision's task table → one item per row (责任分解, issue 17).

The table is an .xlsx workbook (its first sheet) or a .csv file (UTF-8, or
GB18030 as Excel on Chinese Windows saves it) with a header row naming the
columns: the task, the lead unit, the co-units and the deadline (each under
one of several usual headers, `HEADERS`); units by code, full or short
name. Rows are read and checked with the Excel import's machinery
(`generator.excel`): every row becomes an item of the source (its date as
交办日期, the category its kind implies, `source_id`), checked like any new
item, and the files are written all or none.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl.utils import get_column_letter

from .excel import (
    MAX_ROWS,
    CellProblem,
    ImportPlan,
    Mapping,
    WorkbookUnreadable,
    open_workbook,
    plan_files,
    plan_import,
    plan_row,
)
from .fields import cell_shown, cell_str
from .model import LedgerConfig, Source

# Item field → the headers a task table may use for it (first match wins).
HEADERS: dict[str, tuple[str, ...]] = {
    "title": ("任务", "工作任务", "重点任务", "任务内容", "议定事项", "事项", "目标任务", "标题", "task", "title"),
    "lead_unit": ("牵头单位", "主办单位", "责任单位", "承办单位", "lead", "lead_unit"),
    "co_units": ("配合单位", "协办单位", "参与单位", "co_units", "co"),
    "deadline": ("完成时限", "办结期限", "完成时间", "时限", "期限", "deadline"),
    "description": ("具体要求", "工作要求", "具体内容", "description"),
    "contact": ("联系人", "联系人及电话", "contact"),
}
REQUIRED = ("title", "lead_unit")
MAX_CSV_BYTES = 20 * 2**20


def _columns(headers: list[str]) -> dict[str, str]:
    """Item field → the header of the table that holds it."""
    present = set(headers)
    found = {}
    for key, names in HEADERS.items():
        name = next((n for n in names if n in present), None)
        if name is not None:
            found[key] = name
    return found


def _missing(columns: dict[str, str], where: str) -> CellProblem | None:
    missing = [k for k in REQUIRED if k not in columns]
    if not missing:
        return None
    wanted = "；".join(f"{HEADERS[k][0]}（也可写作 {'、'.join(HEADERS[k][1:4])}）" for k in missing)
    return CellProblem(where, 1, "", f"表头缺少必需的列：{wanted}。第 1 行应是表头：任务、牵头单位、配合单位、完成时限")


def plan_xlsx(path: Path, source: Source, config: LedgerConfig) -> ImportPlan:
    """The first sheet of the workbook at `path`, row by row, through the import's reader."""
    with open_workbook(path) as wb:
        name = wb.sheetnames[0]
        ws = wb[name]
        try:
            header_row = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ()) if hasattr(ws, "iter_rows") else ()
        except Exception:  # noqa: BLE001 — a malformed sheet part (openpyxl and the XML parser raise many kinds)
            return ImportPlan(problems=[CellProblem(name, 1, "", "表头行无法读取，工作表可能已损坏，请在 Excel 中另存后再分解")])
        headers = [t for t in (cell_str(v) for v in header_row) if t]
    columns = _columns(headers)
    problem = _missing(columns, name)
    if problem:
        return ImportPlan(problems=[problem])
    mapping = Mapping(sheets=[name], columns=columns, category=source.category, category_column=None,
                      events_sheet=None, event_columns={})
    return plan_import(path, mapping, config)


def _csv_text(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise WorkbookUnreadable(f"{name} 既不是 UTF-8 也不是 GB18030（GBK）编码的 CSV 文件，无法读取："
                             "请在 Excel 或 WPS 中“另存为” CSV UTF-8 后再分解。")


def plan_csv(path: Path, source: Source, config: LedgerConfig) -> ImportPlan:
    """The rows of the CSV file at `path` (bounded in bytes and rows), through the import's row reader."""
    name = path.name
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_CSV_BYTES + 1)
    except OSError as err:
        raise WorkbookUnreadable(f"无法读取 {path}：{err.strerror or err}") from None
    if len(data) > MAX_CSV_BYTES:
        raise WorkbookUnreadable(f"{path} 超过 {MAX_CSV_BYTES // 2**20} MB，一次分解不了这么多任务：请拆成几个文件。")
    if b"\x00" in data:
        raise WorkbookUnreadable(f"{path} 不是文本格式的 CSV 文件（含有二进制内容）：Excel 工作簿请用 .xlsx 扩展名。")
    reader = csv.reader(io.StringIO(_csv_text(data, name), newline=""))
    plan = ImportPlan()
    try:
        header = next(reader, [])
    except csv.Error as err:
        return ImportPlan(problems=[CellProblem(name, 1, "", f"表头行无法按 CSV 读取（{err}），请在 Excel 中另存为 CSV 后重试")])
    headers = [h.strip().lstrip("\ufeff") for h in header]
    columns = _columns(headers)
    problem = _missing(columns, name)
    if problem:
        return ImportPlan(problems=[problem])
    where = {key: headers.index(h) for key, h in columns.items()}
    mapping = Mapping(sheets=None, columns=columns, category=source.category, category_column=None,
                      events_sheet=None, event_columns={})
    number = 1
    try:
        for number, row in enumerate(reader, start=2):
            cells = [(key, columns[key], get_column_letter(col + 1), row[col] if col < len(row) else None)
                     for key, col in where.items()]
            cells = [(k, h, c, None if v is None or not str(v).strip() else v) for k, h, c, v in cells]
            if all(v is None for _, _, _, v in cells):
                continue
            if len(plan.items) >= MAX_ROWS:
                plan.problems.append(CellProblem(name, number, "", f"任务超过 {MAX_ROWS} 行，请拆成几个文件分批分解"))
                plan.items = []  # as the import does: say so, and spend no time checking any of them
                break
            plan.items.append(plan_row(name, number, cells, mapping, config, plan))
    except csv.Error as err:
        plan.problems.append(CellProblem(name, number, "", f"这一行无法按 CSV 读取（{cell_shown(str(err))}），"
                                                        "常见原因是引号不成对，请修改后重试"))
    return plan


def plan_decompose(table: Path, source: Source, config: LedgerConfig,
                   files: list[str]) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """(files to write as (relative path, text), problems, notes) for `table`'s rows as tasks of `source`."""
    if table.suffix.lower() == ".csv":
        plan = plan_csv(table, source, config)
    else:
        plan = plan_xlsx(table, source, config)
    if not plan.items and not plan.problems:
        plan.problems.append(CellProblem(table.name, 2, "", "表中没有任务：第 1 行是表头，从第 2 行起每行写一项任务"))
    defaults = {"assigned": source.date, "source_id": source.id, "category": source.category, "public": source.public}
    planned, problems = plan_files(plan, config, files, defaults)
    if table.suffix.lower() == ".csv":  # a CSV file has no sheets: 「t.csv 第 3 行」
        problems = [p.replace(f"工作表“{table.name}”", table.name, 1) for p in problems]
    return planned, problems, plan.notes
