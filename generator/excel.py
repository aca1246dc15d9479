"""Excel in and out: `ducha export-xlsx` and `ducha import-xlsx`.

Export writes the ledger as of a date: a summary sheet, one sheet per
category (frozen header, filters, real Excel dates, a traffic-light fill on
the state), and a sheet of events. Cells show names (unit names, Chinese
event types); the codes a program needs are in their own columns at the
right, outside the printed area. Every sheet prints on A4 landscape, one
page wide, with its header row repeated on each page (`print_setup`). Import turns a ledger sheet into item
files through a column mapping (YAML); every bad cell is reported with
sheet, row and column, and nothing is written on a dry run or when any
row fails. `docs/excel-mapping.yaml` maps ducha's own export, so export
then import gives the same items back.
"""
from __future__ import annotations

import bisect
import datetime as dt
import errno
import os
import secrets
import unicodedata
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.exceptions import IllegalCharacterError

from .check import CheckResult
from .errors import DuchaError
from .evaluate import STATE_NAMES, traffic_light
from .fields import cell_category, cell_shown, cell_str, cell_text, from_cell, sheet_name
from .model import CATEGORIES, CHOICE_NAMES, EVENT_FIELDS, EVENT_TYPES, ITEM_FIELDS, LedgerConfig, id_from_file

# Columns of an item sheet: (field, header). Derived values are marked "=" and not imported.
ITEM_COLUMNS = [
    ("id", "编号"), ("title", "标题"), ("source", "来源"), ("source_id", "决策部署编号"), ("description", "具体内容"),
    ("assigned", "交办日期"),
    ("lead_unit", "主办单位"), ("co_units", "协办单位"), ("deadline", "办结期限"), ("=effective", "有效期限"),
    ("=state", "状态"), ("=days_overdue", "超期天数"), ("verify", "需复核"), ("follow_up", "回头看"),
    ("public", "公开"), ("contact", "联系人"), ("note", "内部备注"),
]
# Column widths (characters) of the item sheet, and the columns whose text wraps.
ITEM_WIDTHS = [10, 24, 14, 12, 30, 11, 14, 14, 11, 11, 8, 6, 6, 6, 5, 12, 20]
WRAPPED = {"title", "source", "description", "lead_unit", "co_units", "contact", "note", "text"}
EVENT_COLUMNS = [("item", "编号"), *[(k, EVENT_FIELDS[k].title) for k in EVENT_FIELDS]]
EVENT_WIDTHS = {"item": 10, "date": 11, "type": 12, "text": 40, "note": 28, "by": 10, "public": 6}
# The codes behind the names, for programs: in their own columns right of the printed area.
ITEM_CODE_COLUMNS = [("lead_unit", "主办单位编号"), ("co_units", "协办单位编号")]
EVENT_CODE_COLUMNS = [("type", "记录类型代码"), ("kind", "通报性质代码"), ("result", "复核结果代码")]
# Event choices are written as their Chinese names and read back as names or codes.
CHOICE_CODES: dict[str, dict[str, str]] = {
    "type": {name: code for code, name in EVENT_TYPES.items()},
    **{key: {name: code for code, name in names.items()} for key, names in CHOICE_NAMES.items()},
}
EVENTS_SHEET = "办理记录"
SUMMARY_SHEET = "汇总"
FILLS = {
    "red": PatternFill("solid", fgColor="F4C7C3"), "yellow": PatternFill("solid", fgColor="FCE8B2"),
    "green": PatternFill("solid", fgColor="B7E1CD"), "done": PatternFill("solid", fgColor="C9DAF8"),
}
HEADER_FONT = Font(bold=True)


def _header(ws, headers: list[str], widths: list[int]) -> None:
    ws.append(headers)
    for n, width in enumerate(widths, start=1):
        cell = ws.cell(row=1, column=n)
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A2"


LINE_HEIGHT = 15  # points, one line of 11 pt text


def _lines(text: str, width: float) -> int:
    """How many lines `text` takes in a column `width` characters wide (a Chinese character is two)."""
    per_line = max(width - 1, 1)
    return sum(max(1, -(-sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in part) // per_line))
               for part in text.split("\n"))


def fit_row_heights(ws, first_row: int = 1) -> None:
    """Give each row the height its wrapped text needs, so no line hides another when printed
    (neither Excel nor LibreOffice measures rows it is given without a height)."""
    widths = {letter: dim.width for letter, dim in ws.column_dimensions.items()}
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if cell.value is not None and cell.alignment.wrap_text:
                lines = max(lines, _lines(str(cell.value), widths.get(cell.column_letter) or 8.43))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = min(lines, 30) * LINE_HEIGHT


def print_setup(ws, *, title_rows: str, columns: int | None = None) -> None:
    """Print `ws` on A4 landscape, one page wide (as many pages tall as it takes), `title_rows`
    (e.g. "1:1") repeated at the top of every page, and page numbers at the foot.

    `columns`: only the first so many columns are printed (the code columns
    to their right are for programs).
    """
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # 0: as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddHeader.center.text = "&A"  # the sheet's name
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if columns is not None:
        ws.print_area = f"A1:{get_column_letter(columns)}{max(ws.max_row, 1)}"


class ExportFailed(DuchaError):
    """The workbook could not be written; the message is Chinese. No partial file is left."""


def texts_as_strings(wb: Workbook) -> None:
    """Make every text a string cell, whatever it starts with.

    openpyxl turns a str beginning with "=" into a formula and "#N/A" and the
    like into an error value; ledger text is data, never either. Text that a
    spreadsheet would read as a formula when retyped also gets Excel's
    "quote prefix" (as if typed with a leading '), which is not part of the value.
    """
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                    if cell.value.startswith(("=", "+", "-", "@")):
                        cell.quotePrefix = True


def _append(ws, row: list, file: str) -> None:
    try:
        ws.append(row)
    except IllegalCharacterError:
        raise ExportFailed(f"{file} 中有文字含有 Excel 不能保存的控制字符（如 \\x00–\\x1f 中除换行和制表符以外的字符）："
                           "请运行 ducha check 找到并删除后再导出") from None


def export_workbook(result: CheckResult, config: LedgerConfig, path: Path) -> None:
    """Write the ledger as of `result.as_of` to an .xlsx workbook at `path`.

    Raises ExportFailed when a text cannot go into a workbook or the file
    cannot be written; an existing file at `path` is then left as it was.
    """
    try:
        wb = _build_workbook(result, config)
    except IllegalCharacterError:
        raise ExportFailed("台账名称含有 Excel 不能保存的控制字符：请修改 ledger.yaml 的 name") from None
    texts_as_strings(wb)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        reason = _WRITE_REASONS.get(err.errno, err.strerror or str(err))
        raise ExportFailed(f"无法写入 {path}：{reason}") from None


def _build_workbook(result: CheckResult, config: LedgerConfig) -> Workbook:
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
    print_setup(summary, title_rows="3:3")
    units = {u.id: u.name for u in config.units.values()}

    def unit_names(ids: list[str]) -> str | None:
        return "、".join(units.get(u, u) for u in ids) or None

    date_format = "yyyy-mm-dd"
    for category in CATEGORIES:
        pairs = [(i, s) for i, s in result.items if i.category == category]
        if not pairs:
            continue
        ws = wb.create_sheet(sheet_name(category))
        _header(ws, [h for _, h in ITEM_COLUMNS + ITEM_CODE_COLUMNS], ITEM_WIDTHS + [12, 16])
        for item, status in pairs:
            values = {
                "id": item.id, "title": item.title, "source": item.source, "source_id": item.source_id,
                "description": item.description,
                "assigned": item.assigned, "lead_unit": unit_names([item.lead_unit]),
                "co_units": unit_names(item.co_units), "deadline": item.deadline,
                "=effective": status.effective_deadline,
                "=state": STATE_NAMES[status.state], "=days_overdue": status.days_overdue or None,
                "verify": "是" if item.verify else "否", "follow_up": "是" if item.follow_up else "否",
                "public": "是" if item.public else "否", "contact": item.contact, "note": item.note,
            }
            codes = [item.lead_unit, ", ".join(item.co_units) or None]
            _append(ws, [values[k] for k, _ in ITEM_COLUMNS] + codes, item.file)
            row = ws.max_row
            for n, (key, _) in enumerate(ITEM_COLUMNS, start=1):
                cell = ws.cell(row=row, column=n)
                if isinstance(cell.value, dt.date):
                    cell.number_format = date_format
                cell.alignment = Alignment(wrap_text=key in WRAPPED, vertical="top")
            ws.cell(row=row, column=[k for k, _ in ITEM_COLUMNS].index("=state") + 1).fill = \
                FILLS[traffic_light(status)]
        ws.auto_filter.ref = ws.dimensions
        fit_row_heights(ws)
        print_setup(ws, title_rows="1:1", columns=len(ITEM_COLUMNS))

    events = wb.create_sheet(EVENTS_SHEET)
    _header(events, [h for _, h in EVENT_COLUMNS + EVENT_CODE_COLUMNS],
            [EVENT_WIDTHS.get(k, 10) for k, _ in EVENT_COLUMNS] + [12] * len(EVENT_CODE_COLUMNS))
    for item, _ in result.items:
        for e in item.events:
            row = []
            for key, _ in EVENT_COLUMNS:
                value = item.id if key == "item" else getattr(e, key)
                if isinstance(value, bool):
                    value = "是" if value else "否"
                elif key == "type":
                    value = EVENT_TYPES.get(value, value)
                elif key in CHOICE_NAMES and value is not None:
                    value = CHOICE_NAMES[key].get(value, value)
                row.append(value)
            _append(events, row + [getattr(e, key) for key, _ in EVENT_CODE_COLUMNS], item.file)
            for n, (value, (key, _)) in enumerate(zip(row, EVENT_COLUMNS), start=1):
                cell = events.cell(row=events.max_row, column=n)
                if isinstance(value, dt.date):
                    cell.number_format = date_format
                cell.alignment = Alignment(wrap_text=key in WRAPPED, vertical="top")
    events.auto_filter.ref = events.dimensions
    fit_row_heights(events)
    print_setup(events, title_rows="1:1", columns=len(EVENT_COLUMNS))
    return wb


# --- import ----------------------------------------------------------------------------

# Bounds on what one import reads. A workbook past them is refused with a message
# saying which bound and how to split the work, never read into memory blindly.
MAX_ROWS = 20_000  # data rows of all item sheets of one workbook
MAX_EVENT_ROWS = 100_000  # data rows of the events sheet
MAX_UNPACKED = 200 * 2**20  # bytes of all the workbook's parts once unzipped
MAX_PARTS = 10_000  # files inside the workbook's zip
MAX_MERGES = 100_000  # merged ranges in one sheet
EXCEL_LAST_ROW = 1_048_576
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # Excel 97–2003 .xls (and other OLE2 files)


class WorkbookUnreadable(DuchaError):
    """The file is not an .xlsx workbook ducha can read; the message is Chinese and names the file."""


class ImportWriteFailed(DuchaError):
    """Writing the item files failed; everything this import had written was removed again."""


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
    notes: list[str] = field(default_factory=list)  # merged cells filled down


@dataclass
class ImportResult:
    written: list[str]  # files written, or to be written on a dry run
    problems: list[str]  # nothing was written when there is any
    notes: list[str]  # what the import did that the user should know (merged cells filled down)


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
        """Read a mapping file; ValueError (Chinese) when its shape is wrong."""
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        example = "请参照 docs/excel-mapping.yaml"

        def table(value, where: str) -> dict[str, str]:
            if value is None:
                return {}
            if not isinstance(value, dict):
                raise ValueError(f"{where} 应当是“字段: 表头”的对应表，{example}")
            return {str(k): str(v) for k, v in value.items()}

        def text(value, where: str) -> str | None:
            if value is not None and not isinstance(value, (str, int)):
                raise ValueError(f"{where} 应当是一个名称，{example}")
            return None if value is None else str(value)

        if not isinstance(data, dict):
            raise ValueError(f"列对应关系应当是 columns:、events: 等键组成的映射，{example}")
        events = data.get("events") or {}
        if not isinstance(events, dict):
            raise ValueError(f"events 应当包含 sheet: 和 columns:，{example}")
        sheets = data.get("sheets")
        if sheets is not None and not isinstance(sheets, list):
            raise ValueError(f"sheets 应当是工作表名称的列表，{example}")
        return cls(
            sheets=[str(s) for s in sheets] if sheets is not None else None,
            columns=table(data.get("columns"), "columns"),
            category=text(data.get("category"), "category"),
            category_column=text(data.get("category_column"), "category_column"),
            events_sheet=text(events.get("sheet"), "events.sheet"),
            event_columns=table(events.get("columns"), "events.columns"),
        )


def _event_value(key: str, value):
    """An events-sheet cell as the value of event field `key` (a text cell read without its surrounding spaces)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    value = from_cell(value.strip() if isinstance(value, str) else value, EVENT_FIELDS[key])
    return CHOICE_CODES.get(key, {}).get(value, value) if isinstance(value, str) else value  # 进展报告 → progress


# --- reading a workbook, bounded --------------------------------------------------------


@contextmanager
def _opened(path: Path):
    """The workbook at `path`, read-only (streamed); WorkbookUnreadable with the reason in Chinese."""
    redo = "请在 Excel（或 WPS）中打开它，“另存为” Excel 工作簿（*.xlsx）后再导入"
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as err:
        raise WorkbookUnreadable(f"无法读取 {path}：{err.strerror or err}") from None
    if head.startswith(OLE_MAGIC):
        raise WorkbookUnreadable(f"{path} 是旧版 Excel 97–2003 工作簿（.xls），ducha 只能读取 .xlsx：{redo}。")
    if not head.startswith(b"PK\x03\x04"):
        raise WorkbookUnreadable(f"{path} 不是 Excel 工作簿（.xlsx 文件是 zip 压缩格式，这个文件不是）：{redo}。")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise WorkbookUnreadable(f"{path} 已损坏（zip 结构无法读取），可能是没有下载或复制完整：{redo}。") from None
    unpacked = sum(p.file_size for p in parts)
    if len(parts) > MAX_PARTS or unpacked > MAX_UNPACKED:
        raise WorkbookUnreadable(
            f"{path} 解压后有 {unpacked // 2**20} MB、{len(parts)} 个部件，超过一次导入的上限"
            f"（{MAX_UNPACKED // 2**20} MB、{MAX_PARTS} 个）：请删除无关的工作表、图片后再导入，或拆成几个工作簿分批导入。")
    fh = open(path, "rb")
    try:
        try:
            # A file object, not the name: openpyxl would refuse a workbook by its extension alone.
            wb = load_workbook(fh, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 — openpyxl raises many kinds on a malformed part
            raise WorkbookUnreadable(f"{path} 无法作为 Excel 工作簿读取，文件可能已损坏或不是 .xlsx 格式：{redo}。") from None
        try:
            yield wb
        finally:
            wb.close()
    finally:
        fh.close()


def _merged_ranges(ws) -> list[str]:
    """The `ref`s of the sheet's merged cells (openpyxl's read-only sheets do not read them)."""
    refs: list[str] = []

    def start(tag: str, attrs: dict) -> None:
        if tag.rsplit(" ", 1)[-1] == "mergeCell" and "ref" in attrs:
            refs.append(attrs["ref"])
            if len(refs) > MAX_MERGES:
                raise _TooManyMerges

    def no_dtd(*_args) -> None:
        raise ValueError("DTD")  # a sheet never has one; refusing it keeps entity expansion out

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = no_dtd
    with ws._get_source() as src:  # the sheet's XML part, streamed
        parser.ParseFile(src)
    return refs


class _TooManyMerges(Exception):
    pass


@dataclass
class _SheetRows:
    headers: dict[str, int]  # header text → column number
    # Each data row: (row number, [(field, header, column letter, value)] for the mapped columns present).
    rows: list[tuple[int, list[tuple[str, str, str, object]]]]
    full: bool = False  # the row budget was used up: stop reading the workbook


def _read_sheet(ws, name: str, columns: dict[str, str], budget: int, plan: ImportPlan) -> _SheetRows:
    """The data rows of `ws` for the mapped `columns`, read in one streamed pass.

    Bounded whatever the sheet claims: the stored used range is ignored (it may
    say A1:XFD1048576), only the mapped columns are kept, empty rows cost no
    memory, and at most `budget` data rows are read. A row is a data row when
    one of its mapped cells is filled. A merged cell within one column is filled
    down (a note says so); a merged cell across columns is reported.
    """
    out = _SheetRows({}, [])
    if not hasattr(ws, "iter_rows"):
        plan.problems.append(CellProblem(name, 0, "", "这是图表工作表，不是数据表，请在列对应关系的 sheets 中去掉它"))
        return out
    ws.reset_dimensions()
    try:
        header_row = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    except Exception:  # noqa: BLE001 — a malformed sheet part
        plan.problems.append(CellProblem(name, 1, "", "表头行无法读取，工作表可能已损坏，请在 Excel 中另存后再导入"))
        return out
    wanted = set(columns.values())
    for n, value in enumerate(header_row, start=1):
        text = cell_str(value)
        if text is None:
            continue
        if text in out.headers:
            if text in wanted:
                plan.problems.append(CellProblem(name, 1, "", f"表头“{cell_shown(text)}”同时出现在 {get_column_letter(out.headers[text])} "
                                                              f"列和 {get_column_letter(n)} 列，请只保留一列"))
            continue
        out.headers[text] = n
    mapped = [(key, header, out.headers[header]) for key, header in columns.items() if header in out.headers]
    if not mapped:
        return out
    max_col = max(col for _, _, col in mapped)
    cols = sorted({col for _, _, col in mapped})

    # Merged cells: vertical ones in a mapped column are filled down, the others reported.
    try:
        refs = _merged_ranges(ws)
    except _TooManyMerges:
        plan.problems.append(CellProblem(name, 0, "", f"合并单元格超过 {MAX_MERGES} 处，请取消合并后再导入"))
        return out
    except Exception:  # noqa: BLE001 — expat or zip errors on a malformed part
        plan.problems.append(CellProblem(name, 0, "", "工作表内容无法读取，可能已损坏，请在 Excel 中另存后再导入"))
        return out
    header_of = {col: header for _, header, col in mapped}
    fills: dict[int, list[tuple[int, int, str]]] = {}  # column → sorted (top, bottom, ref)
    for ref in refs:
        try:
            min_col, min_row, max_col_m, max_row = range_boundaries(ref)
        except (ValueError, TypeError):
            continue
        touched = [c for c in cols if min_col <= c <= max_col_m]
        if not touched or (min_row == max_row and min_col == max_col_m):
            continue
        if min_row == 1:
            if max_row > 1:
                plan.problems.append(CellProblem(name, 1, "", f"表头的合并单元格 {ref} 延伸到了数据行：请取消合并，表头只占第 1 行"))
            continue
        if min_col != max_col_m:
            names = "、".join(f"{get_column_letter(c)}（{header_of[c]}）" for c in touched)
            plan.problems.append(CellProblem(
                name, min_row, "", f"合并单元格 {ref} 跨了多列（{names}），无法判断值属于哪一列："
                                   "请取消合并，在每一列分别填写"))
            continue
        fills.setdefault(min_col, []).append((min_row, max_row, ref))
    for ranges in fills.values():
        ranges.sort()
    tops = {col: [r[0] for r in ranges] for col, ranges in fills.items()}
    top_values: dict[tuple[int, int], object] = {}
    noted: set[str] = set()

    number = 1
    try:
        for number, row in enumerate(ws.iter_rows(min_row=2, max_col=max_col, values_only=True), start=2):
            if number > EXCEL_LAST_ROW:
                plan.problems.append(CellProblem(name, number, "", f"行号超出了 Excel 的最大行数 {EXCEL_LAST_ROW}，文件已损坏"))
                break
            if row.count(None) == len(row):
                continue  # an empty row, or the padding openpyxl yields for rows absent from the file
            own = {c: (None if isinstance(row[c - 1], str) and not row[c - 1].strip() else row[c - 1]) for c in cols}
            for col in fills:
                top = bisect.bisect_right(tops[col], number) - 1
                if top >= 0 and fills[col][top][0] == number:
                    top_values[(col, number)] = own[col]
            if all(v is None for v in own.values()):
                continue
            values = dict(own)
            for col, ranges in fills.items():
                k = bisect.bisect_right(tops[col], number) - 1
                if k < 0:
                    continue
                first, last, ref = ranges[k]
                if first < number <= last:
                    values[col] = top_values.get((col, first))
                    if values[col] is not None and ref not in noted:
                        noted.add(ref)
                        span = f"{first + 1}–{last}" if last > first + 1 else f"{last}"
                        plan.notes.append(f"工作表“{name}”的合并单元格 {ref}（{header_of[col]}）：第 {span} 行"
                                          f"按第 {first} 行的值“{cell_shown(values[col])}”导入（合并单元格的值向下填充）。")
            if len(out.rows) >= budget:
                plan.problems.append(CellProblem(
                    name, number, "", f"数据超过 {budget} 行，一次最多导入这么多行：请把工作簿拆成几个文件分批导入"))
                out.full = True
                break
            out.rows.append((number, [(key, header, get_column_letter(col), values[col]) for key, header, col in mapped]))
    except Exception:  # noqa: BLE001 — openpyxl fails on a number with thousands of digits, a date out of range…
        plan.problems.append(CellProblem(
            name, number + 1, "", "从这一行起有无法读取的单元格（常见原因：位数过多的数字、超出范围的日期），请检查修改后重新保存"))
    return out


def plan_import(workbook: Path, mapping: Mapping, config: LedgerConfig) -> ImportPlan:
    """Read `workbook` through `mapping` into item values, collecting every problem.

    Raises WorkbookUnreadable when the file is not a readable .xlsx workbook.
    """
    plan = ImportPlan()
    with _opened(workbook) as wb:
        names = mapping.sheets or [n for n in wb.sheetnames if n not in (mapping.events_sheet, SUMMARY_SHEET)]
        columns = dict(mapping.columns)
        if mapping.category_column:
            columns["_category"] = mapping.category_column
        budget = MAX_ROWS
        seen_ids: dict[str, tuple[str, int]] = {}
        for name in names:
            if name not in wb.sheetnames:
                plan.problems.append(CellProblem(name, 0, "", f"工作簿中没有这个工作表（现有：{'、'.join(wb.sheetnames)}）"))
                continue
            sheet = _read_sheet(wb[name], name, columns, budget, plan)
            if not sheet.headers and not sheet.rows:
                continue
            missing = [h for f, h in mapping.columns.items() if h not in sheet.headers and f != "id"  # ids can be allocated
                       and f in ITEM_FIELDS and ITEM_FIELDS[f].required]
            if missing:
                plan.problems.append(CellProblem(name, 1, "", f"表头缺少必需的列：{'、'.join(missing)}"))
                continue
            if sheet.full:  # too many rows: say so, and spend no time checking any of them
                plan.items = []
                return plan
            budget -= len(sheet.rows)
            for number, cells in sheet.rows:
                values = _plan_item(name, number, cells, mapping, config, plan)
                item_id = values.get("id")
                if isinstance(item_id, str):
                    if item_id in seen_ids:
                        first_sheet, first_row = seen_ids[item_id]
                        plan.problems.append(CellProblem(
                            name, number, "", f"编号 {cell_shown(item_id)} 重复：工作表“{first_sheet}”第 {first_row} 行已经用了这个编号。"
                                              "请删除重复的一行，或改正其中一个编号（编号留空时自动分配）"))
                    else:
                        seen_ids[item_id] = (name, number)
                plan.items.append(values)
        if mapping.events_sheet and mapping.events_sheet in wb.sheetnames:
            _plan_events(wb[mapping.events_sheet], mapping, plan)
    return plan


def _plan_item(name: str, number: int, cells, mapping: Mapping, config: LedgerConfig, plan: ImportPlan) -> dict:
    values: dict = {}
    category_value = None
    for key, header, letter, value in cells:
        if key == "_category":
            category_value = value
            continue
        try:
            spec = ITEM_FIELDS.get(key)
            value = from_cell(value, spec, config) if spec is not None and spec.kind != "events" else cell_text(value)
        except (ValueError, TypeError, OverflowError) as e:
            plan.problems.append(CellProblem(name, number, f"{letter}（{header}）", str(e)))
            continue
        if value is not None:
            values[key] = value
    try:
        if mapping.category_column and any(k == "_category" for k, *_ in cells):
            values["category"] = cell_category(category_value)
        else:
            values["category"] = mapping.category or cell_category(name)
    except ValueError as e:
        plan.problems.append(CellProblem(name, number, mapping.category_column or "", str(e)))
    values["_where"] = (name, number)
    return values


def _plan_events(ws, mapping: Mapping, plan: ImportPlan) -> None:
    name = mapping.events_sheet
    by_id = {v.get("id"): v for v in plan.items if v.get("id")}
    sheet = _read_sheet(ws, name, mapping.event_columns, MAX_EVENT_ROWS, plan)
    for number, cells in sheet.rows:
        event: dict = {}
        item_id = None
        for key, header, letter, value in cells:
            try:
                if key == "item":
                    item_id = cell_text(value)
                elif key in EVENT_FIELDS:
                    value = _event_value(key, value)
                    if value is not None:
                        event[key] = value
            except (ValueError, TypeError, OverflowError) as e:
                plan.problems.append(CellProblem(name, number, f"{letter}（{header}）", str(e)))
        if item_id not in by_id:
            what = f"“{cell_shown(item_id)}”不在事项工作表中" if item_id else "没有填写"
            plan.problems.append(CellProblem(name, number, "", f"记录所属的事项编号{what}"))
            continue
        if event.get("type") not in EVENT_TYPES:
            plan.problems.append(CellProblem(name, number, "", f"不认识的记录类型“{cell_shown(event.get('type'))}”"))
            continue
        by_id[item_id].setdefault("events", []).append(event)


# --- writing, all or nothing -------------------------------------------------------------


_WRITE_REASONS = {
    errno.EEXIST: "该位置已有同名的文件或文件夹", errno.EISDIR: "该位置已有同名的文件夹",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹", errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "超出磁盘配额",
    errno.EFBIG: "文件超过系统允许的大小", errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限",
    errno.EROFS: "磁盘是只读的", errno.EIO: "磁盘读写出错", errno.ENOENT: "文件夹不存在",
}


def write_all_or_nothing(root: Path, planned: list[tuple[str, str]]) -> None:
    """Create the new files `planned` ((relative path, text)) under `root`, all or none.

    Every file is first written and synced to a temporary file beside its
    target; then each is linked into place, which never replaces a file or
    folder already there (a concurrent `ducha new` keeps its item). On any
    failure everything this call created is removed again — files, temporary
    files and the folders it made — and ImportWriteFailed says what failed.
    Existing files are never opened for writing.
    """
    made_dirs: list[Path] = []
    temps: list[Path] = []
    placed: list[Path] = []
    current = ""
    try:
        for rel, text in planned:
            current = rel
            path = root / rel
            if path.parent.resolve() != (root / "items").resolve() / path.parent.name or path.name != Path(rel).name:
                raise OSError(errno.EINVAL, "路径不在 items/ 之下")
            for parent in [*reversed(path.relative_to(root).parents)][1:]:
                folder = root / parent
                if not folder.is_dir():
                    folder.mkdir()
                    made_dirs.append(folder)
            tmp = path.with_name(f".{path.name}.import-{secrets.token_hex(4)}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            temps.append(tmp)
            with os.fdopen(fd, "wb") as fh:
                fh.write(text.encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
        for (rel, _), tmp in zip(planned, temps):
            current = rel
            path = root / rel
            try:
                os.link(tmp, path)  # fails when anything is already at `path`
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links: check, then rename
                if os.path.lexists(path):
                    raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
                os.rename(tmp, path)
            placed.append(path)
        for tmp in temps:
            tmp.unlink(missing_ok=True)
    except BaseException as err:
        for path in placed:
            path.unlink(missing_ok=True)
        for tmp in temps:
            tmp.unlink(missing_ok=True)
        for folder in reversed(made_dirs):
            try:
                folder.rmdir()
            except OSError:
                pass
        if not isinstance(err, OSError):
            raise
        reason = _WRITE_REASONS.get(err.errno, err.strerror or str(err))
        raise ImportWriteFailed(
            f"写入 {current} 失败：{reason}。已撤销本次导入写入的全部文件，台账没有任何改变；处理后请重新导入。") from None


def run_import(root: Path, workbook: Path, mapping: Mapping, config: LedgerConfig, files: list[str],
               dry_run: bool) -> ImportResult:
    """Import `workbook` into new item files under `root`.

    Nothing is written when any row has a problem, or on a dry run; the files
    are written all or none. Raises WorkbookUnreadable when the file is not a
    readable workbook, ImportWriteFailed when writing failed (and was undone).
    """
    plan = plan_import(workbook, mapping, config)
    written, problems = plan_files(plan, config, files)
    if problems or dry_run:
        return ImportResult([p for p, _ in written], problems, plan.notes)
    write_all_or_nothing(root, written)
    return ImportResult([p for p, _ in written], [], plan.notes)


def plan_files(plan: ImportPlan, config: LedgerConfig, files: list[str],
               defaults: dict | None = None) -> tuple[list[tuple[str, str]], list[str]]:
    """The item files ((relative path, text)) `plan` makes, and every problem (Chinese, by sheet and row).

    `defaults`: values each row takes unless it gives its own (`ducha decompose`: the
    source's date, id and category). Ids are allocated after the ledger's `files`.
    """
    from .calendar import WorkingCalendar
    from .new import check_item, item_text, next_id

    problems = [str(p) for p in plan.problems]
    calendar = WorkingCalendar.for_ledger(config)
    existing = [id_from_file(f) for f in files]
    # An id written in the workbook is never given to another row.
    existing += [v["id"] for v in plan.items if isinstance(v.get("id"), str) and len(v["id"]) <= 20]
    planned: list[tuple[str, str]] = []
    for values in plan.items:
        sheet, row = values.pop("_where")
        values = {**(defaults or {}), **values}
        if "assigned" not in values:
            problems.append(str(CellProblem(sheet, row, "", "缺少交办日期")))
            continue
        if "id" not in values:
            values["id"] = next_id(existing, values["assigned"].year)
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
    return planned, problems


# Public names of the reader's parts that `ducha decompose` (generator/decompose.py) reuses.
open_workbook = _opened
plan_row = _plan_item
read_sheet = _read_sheet
# …and the Chinese reasons a write fails, for the other files ducha writes (generator/gongwen.py).
WRITE_REASONS = _WRITE_REASONS
