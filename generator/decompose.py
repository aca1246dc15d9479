"""`ducha decompose`: one decision's task table → one item per row (责任分解, issue 17).

The table is an .xlsx workbook (its first sheet) or a .csv file (UTF-8, or
GB18030 as Excel on Chinese Windows saves it) with a header row naming the
columns: the task, the lead unit, the co-units and the deadline (each under
one of several usual headers, `HEADERS`); units by code, full or short
name. Rows are read and checked with the Excel import's machinery
(`generator.excel`): every row becomes an item of the source (its date as
交办日期, the category its kind implies, `source_id`), checked like any new
item, and the files are written all or none.

The table is written by office staff, so its usual slips get messages in
the table's own words (row, column, what to write there): a title row above
the header, several lead units in one cell, co-units separated by spaces or
slashes, an empty task or lead unit, a deadline before the decision itself.
A row with such a slip is not checked further, so each slip is told once.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from .excel import (
    MAX_ROWS,
    CellProblem,
    ImportPlan,
    Mapping,
    WorkbookUnreadable,
    open_workbook,
    plan_files,
    plan_row,
    read_sheet,
)
from .fields import cell_shown, cell_str
from .model import CATEGORIES, LedgerConfig, Source

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
HEADER_SEARCH_ROWS = 5  # how far down a title row may have pushed the header
# Columns a task table often has that nothing is made of, and that lose nothing (a running number).
HARMLESS = ("序号", "编号", "No.", "no", "#")
# Between units in one cell: 、，,;；/／| and spaces (a co-unit cell), or the same in a lead-unit cell (a slip).
# A data row: (row number, [(field, header, column letter, value)]).
Row = tuple[int, list[tuple[str, str, str, object]]]
LEAD_MARK = re.compile(r"\s*[（(]\s*牵头\s*[)）]\s*$")
UNIT_SEPARATORS = re.compile(r"[、，,;；/／|｜\s]+")


def _columns(headers: list[str]) -> dict[str, str]:
    """Item field → the header of the table that holds it."""
    present = set(headers)
    found = {}
    for key, names in HEADERS.items():
        name = next((n for n in names if n in present), None)
        if name is not None:
            found[key] = name
    return found


def _missing(columns: dict[str, str], where: str, rows: list[list[str]]) -> CellProblem | None:
    """The problem of a header row without the task or lead-unit column; `rows` are the table's first rows,
    to tell where the header is when a title row sits above it."""
    missing = [k for k in REQUIRED if k not in columns]
    if not missing:
        return None
    for number, row in enumerate(rows[1:HEADER_SEARCH_ROWS], start=2):
        found = _columns([h for h in row if h])
        if all(k in found for k in REQUIRED):
            above = "、".join(f"“{cell_shown(t)}”" for r in rows[:number - 1] for t in r if t) or "空行"
            lines = "第 1 行" if number == 2 else f"第 1–{number - 1} 行"
            return CellProblem(where, 1, "", f"表头应在第 1 行，这张表的表头在第 {number} 行（上面是 {above}）："
                                             f"请删除{lines}（标题可写在文件名中），使表头位于第 1 行，然后重新运行")
    wanted = "；".join(f"{HEADERS[k][0]}（也可写作 {'、'.join(HEADERS[k][1:5])}）" for k in missing)
    return CellProblem(where, 1, "", f"表头缺少必需的列：{wanted}。第 1 行应是表头：任务、牵头单位、配合单位、完成时限")


def _ignored(headers: list[str], columns: dict[str, str]) -> list[str]:
    """A note naming the columns nothing is made of (their content would be lost silently)."""
    used = set(columns.values())
    left = [h for h in headers if h and h not in used and h not in HARMLESS]
    if not left:
        return []
    return [f"未读取的列：{'、'.join(cell_shown(h) for h in left)}。分解只读取任务、牵头单位、配合单位、完成时限、"
            "具体要求、联系人；其中的内容如需保留，请在建成的事项中补写（例如用 ducha progress），或把列名改为“具体要求”"]


def _plan_rows(name: str, rows: list[Row], source: Source, config: LedgerConfig, plan: ImportPlan) -> set[int]:
    """Plan each data row (number, [(field, header, letter, value)]); the numbers of rows with a slip."""
    bad: set[int] = set()
    needs_deadline = CATEGORIES[source.category].default is None
    mapping = Mapping(sheets=[name], columns={}, category=source.category, category_column=None,
                      events_sheet=None, event_columns={})
    for number, cells in rows:
        slips: list[CellProblem] = []
        kept = []
        given = {key for key, *_ in cells}
        for key, header, letter, value in cells:
            where = f"{letter}（{header}）"
            text = cell_str(value) if value is not None else None
            if key == "title" and not text:
                slips.append(CellProblem(name, number, where, "任务为空：请写明这一行要落实的任务，或删除这一行"))
                continue
            if key == "lead_unit":
                text = value = LEAD_MARK.sub("", text) if text else text  # 住建局（牵头）
                if not text:
                    slips.append(CellProblem(name, number, where, "牵头单位为空：请写一个牵头单位（编号、全称或简称，例如“住建局”）"))
                    continue
                parts = [p for p in UNIT_SEPARATORS.split(text) if p]
                if len(parts) > 1:
                    slips.append(CellProblem(
                        name, number, where, f"牵头单位只能写一个，这里写了 {len(parts)} 个（{cell_shown(text)}）："
                                             f"请只留牵头的“{cell_shown(parts[0])}”，把其余单位移到“配合单位”列"))
                    continue
            if key == "co_units" and text:
                value = "、".join(p for p in UNIT_SEPARATORS.split(text) if p)
            if key == "deadline" and not text and needs_deadline:
                slips.append(CellProblem(name, number, where, f"完成时限为空：{source.kind_name}分解的任务必须写明完成时限，"
                                                              "请写成 2025-06-30（也可写 2025/6/30 或 2025年6月30日）"))
                continue
            kept.append((key, header, letter, value))
        if "deadline" not in given and needs_deadline:
            slips.append(CellProblem(name, number, "", f"没有完成时限：{source.kind_name}分解的任务必须写明完成时限，"
                                                       "请在表中加一列“完成时限”"))
        plan.problems.extend(slips)
        before = len(plan.problems)
        values = plan_row(name, number, kept, mapping, config, plan)
        deadline = values.get("deadline")
        if deadline is not None and deadline < source.date:
            letter, header = next((c, h) for k, h, c, _ in cells if k == "deadline")
            plan.problems.append(CellProblem(name, number, f"{letter}（{header}）", f"完成时限 {deadline} 早于"
                                             f"{source.kind_name}日期 {source.date}，请检查年份"))
        if slips or len(plan.problems) > before:
            bad.add(number)
        plan.items.append(values)
    return bad


def _first_rows_xlsx(ws: Any) -> list[list[str]] | None:
    """The first rows of the sheet as text, where the header is looked for; None when they cannot be read."""
    try:
        return [[cell_str(v) or "" for v in row]
                for row in ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, max_col=50, values_only=True)]
    except Exception:  # noqa: BLE001 — a malformed sheet part (openpyxl and the XML parser raise many kinds)
        return None


def plan_xlsx(path: Path, source: Source, config: LedgerConfig) -> tuple[ImportPlan, set[int]]:
    """The first sheet of the workbook at `path`, row by row, through the import's reader."""
    with open_workbook(path) as wb:
        name = wb.sheetnames[0]
        ws = wb[name]
        first = _first_rows_xlsx(ws) if hasattr(ws, "iter_rows") else []
        if first is None:
            return ImportPlan(problems=[CellProblem(name, 1, "", "表头行无法读取，工作表可能已损坏，请在 Excel 中另存后再分解")]), set()
        headers = [t for t in (first[0] if first else []) if t]
        columns = _columns(headers)
        problem = _missing(columns, name, first)
        if problem:
            return ImportPlan(problems=[problem]), set()
        plan = ImportPlan(notes=_ignored(headers, columns))
        sheet = read_sheet(ws, name, columns, MAX_ROWS, plan)
        if sheet.full:
            return plan, set()
    return plan, _plan_rows(name, sheet.rows, source, config, plan)


def _csv_text(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise WorkbookUnreadable(f"{name} 既不是 UTF-8 也不是 GB18030（GBK）编码的 CSV 文件，无法读取："
                             "请在 Excel 或 WPS 中“另存为” CSV UTF-8 后再分解。")


def plan_csv(path: Path, source: Source, config: LedgerConfig) -> tuple[ImportPlan, set[int]]:
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
    text = _csv_text(data, name)
    try:
        first = [[c.strip().lstrip("\ufeff") for c in row]
                 for _, row in zip(range(HEADER_SEARCH_ROWS), csv.reader(io.StringIO(text, newline="")))]
    except csv.Error as err:
        return ImportPlan(problems=[CellProblem(name, 1, "", f"表头行无法按 CSV 读取（{err}），请在 Excel 中另存为 CSV 后重试")]), set()
    headers = first[0] if first else []
    columns = _columns(headers)
    problem = _missing(columns, name, first)
    if problem:
        return ImportPlan(problems=[problem]), set()
    plan = ImportPlan(notes=_ignored(headers, columns))
    where = {key: headers.index(h) for key, h in columns.items()}
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    rows: list[Row] = []
    number = 1
    try:
        for number, row in enumerate(reader, start=2):
            cells: list[tuple[str, str, str, object]] = [
                (key, columns[key], get_column_letter(col + 1), row[col] if col < len(row) and row[col].strip() else None)
                for key, col in where.items()]
            if all(v is None for _, _, _, v in cells):
                continue
            if len(rows) >= MAX_ROWS:
                plan.problems.append(CellProblem(name, number, "", f"任务超过 {MAX_ROWS} 行，请拆成几个文件分批分解"))
                return plan, set()
            rows.append((number, cells))
    except csv.Error as err:
        plan.problems.append(CellProblem(name, number, "", f"这一行无法按 CSV 读取（{cell_shown(str(err))}），"
                                                        "常见原因是引号不成对，请修改后重试"))
    return plan, _plan_rows(name, rows, source, config, plan)


_ROW = re.compile(r"第 ([0-9]+) 行")


def plan_decompose(table: Path, source: Source, config: LedgerConfig,
                   files: list[str]) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """(files to write as (relative path, text), problems, notes) for `table`'s rows as tasks of `source`."""
    if table.suffix.lower() == ".csv":
        plan, bad = plan_csv(table, source, config)
    else:
        plan, bad = plan_xlsx(table, source, config)
    if not plan.items and not plan.problems:
        plan.problems.append(CellProblem(table.name, 2, "", "表中没有任务：第 1 行是表头，从第 2 行起每行写一项任务"))
    # A row with a slip already told is not checked again as an item (its follow-on errors would repeat it).
    plan.items = [v for v in plan.items if v["_where"][1] not in bad]
    defaults = {"assigned": source.date, "source_id": source.id, "category": source.category, "public": source.public}
    planned, problems = plan_files(plan, config, files, defaults)
    if table.suffix.lower() == ".csv":  # a CSV file has no sheets: 「t.csv 第 3 行」
        problems = [p.replace(f"工作表“{table.name}”", f"{table.name} ", 1) for p in problems]
    # Row by row, as the user goes through the table (a problem of the whole table, row 0 or 1, first).
    problems.sort(key=lambda p: int(m.group(1)) if (m := _ROW.search(p)) else 0)
    return planned, problems, plan.notes
