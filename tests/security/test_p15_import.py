"""Issue 9, point 15 (and the Excel half of point 12): `ducha import-xlsx` is
all-or-nothing and bounded.

Every workbook here is a real file built with openpyxl (or a real broken
one), imported through the real command in a subprocess; each test checks
the exit status, the Chinese message, that no traceback is printed and what
is, or is not, left in the ledger folder.
"""
import datetime as dt
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import PatternFill

from ducha.ledger import load_ledger

from ..conftest import REPO, item_yaml, write_ledger

MAPPING = REPO / "docs" / "excel-mapping.yaml"
SHEET = "人民网网友留言"  # a category with a default deadline: rows need no 办结期限
EXISTING = item_yaml("2025-0009", category="netizen_message")


def ledger(tmp_path) -> Path:
    return write_ledger(tmp_path / "ledger", {"items/2025/2025-0009.yaml": EXISTING})


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under items/ (folders as None) with its bytes."""
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
            for p in sorted((root / "items").rglob("*"))}


def workbook(path: Path, rows, headers=("编号", "标题", "交办日期", "主办单位"), sheet=SHEET, events=None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    if events:
        ev = wb.create_sheet("办理记录")
        for row in events:
            ev.append(list(row))
    wb.save(path)
    return path


def import_xlsx(book: Path, root: Path, *extra, limits=None):
    def preexec():
        for which, value in (limits or {}).items():
            resource.setrlimit(which, (value, value))

    proc = subprocess.run([sys.executable, "-m", "ducha", "import-xlsx", str(book), "--ledger", str(root),
                           "--map", str(MAPPING), *extra], capture_output=True, text=True, cwd=REPO,
                          preexec_fn=preexec if limits else None, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def day(n: int) -> dt.datetime:
    return dt.datetime(2025, 7, n)


# --- duplicates and merged cells --------------------------------------------------------


def test_duplicate_ids_are_an_error_naming_both_rows(tmp_path):
    root = ledger(tmp_path)
    before = snapshot(root)
    book = workbook(tmp_path / "台账.xlsx", [
        ["2025-0101", "路灯不亮", day(1), "zjj"],
        ["2025-0102", "井盖缺失", day(2), "zjj"],
        ["2025-0101", "积水严重", day(3), "zjj"],
    ])
    proc = import_xlsx(book, root)
    assert proc.returncode == 1
    assert f"工作表“{SHEET}”第 4 行" in proc.stderr
    assert "编号 2025-0101 重复" in proc.stderr and f"工作表“{SHEET}”第 2 行已经用了这个编号" in proc.stderr
    assert "未写入任何文件" in proc.stderr
    assert snapshot(root) == before


def test_a_merged_cell_down_one_column_is_filled_down_and_said_so(tmp_path):
    root = ledger(tmp_path)
    book = tmp_path / "台账.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["编号", "标题", "交办日期", "主办单位"])
    ws.append(["2025-0101", "路灯不亮", day(1), "qcq"])
    ws.append(["2025-0102", "井盖缺失", day(2), None])
    ws.append(["2025-0103", "积水严重", day(3), None])
    ws.append(["2025-0104", "噪音扰民", day(4), "zjj"])
    ws.merge_cells("D2:D4")
    wb.save(book)

    proc = import_xlsx(book, root)
    assert proc.returncode == 0, proc.stderr
    assert "合并单元格 D2:D4（主办单位）" in proc.stdout and "按第 2 行的值“qcq”导入" in proc.stdout
    units = {i.id: i.lead_unit for i in load_ledger(root, use_cache=False).items}
    assert units == {"2025-0009": "zjj", "2025-0101": "qcq", "2025-0102": "qcq", "2025-0103": "qcq",
                     "2025-0104": "zjj"}


def test_a_merged_cell_across_columns_is_reported(tmp_path):
    root = ledger(tmp_path)
    before = snapshot(root)
    book = tmp_path / "台账.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["编号", "标题", "来源", "交办日期", "主办单位"])
    ws.append(["2025-0101", "路灯不亮（市长信箱）", None, day(1), "zjj"])
    ws.merge_cells("B2:C2")
    wb.save(book)

    proc = import_xlsx(book, root)
    assert proc.returncode == 1
    assert "合并单元格 B2:C2 跨了多列（B（标题）、C（来源））" in proc.stderr and "请取消合并" in proc.stderr
    assert snapshot(root) == before


# --- all or nothing -----------------------------------------------------------------------


def test_a_write_failure_removes_every_file_already_written(tmp_path):
    root = ledger(tmp_path)
    # Something that is not a file already sits where the third item must go.
    (root / "items" / "2025" / "2025-0102.yaml").mkdir()
    before = snapshot(root)
    book = workbook(tmp_path / "台账.xlsx", [
        ["2024-0101", "去年的留言", dt.datetime(2024, 12, 30), "zjj"],  # needs a new folder items/2024
        ["2025-0101", "路灯不亮", day(1), "zjj"],
        ["2025-0102", "井盖缺失", day(2), "zjj"],
    ])
    proc = import_xlsx(book, root)
    assert proc.returncode == 2
    assert "写入 items/2025/2025-0102.yaml 失败：该位置已有同名的文件或文件夹" in proc.stderr
    assert "已撤销本次导入写入的全部文件，台账没有任何改变" in proc.stderr
    assert snapshot(root) == before  # no 2024 folder, no 2025-0101, no temporary file, 2025-0009 unchanged


def test_a_full_disk_midway_removes_every_file_already_written(tmp_path):
    root = ledger(tmp_path)
    before = snapshot(root)
    book = workbook(tmp_path / "台账.xlsx", [
        ["2025-0101", "路灯不亮", day(1), "zjj"],
        ["2025-0102", "井盖缺失" + "，详见附件" * 800, day(2), "zjj"],  # ~12 KB: more than the system allows
        ["2025-0103", "积水严重", day(3), "zjj"],
    ])
    # The kernel refuses to let this process grow any file past 8 KB: a real write error
    # on the second file, after the first was written (as on a disk that fills up).
    proc = import_xlsx(book, root, limits={resource.RLIMIT_FSIZE: 8192})
    assert proc.returncode == 2, proc.stderr
    assert "写入 items/2025/2025-0102.yaml 失败：文件超过系统允许的大小" in proc.stderr
    assert snapshot(root) == before


# --- bounded ------------------------------------------------------------------------------


def test_a_used_range_of_a_million_empty_rows_is_read_in_bounded_time_and_memory(tmp_path):
    root = ledger(tmp_path)
    book = tmp_path / "台账.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(["编号", "标题", "交办日期", "主办单位"])
    for n in range(1, 4):
        ws.append([f"2025-010{n}", f"留言{n}", day(n), "zjj"])
    # Formatting the last cells of the sheet makes the stored used range A1:XFD1048576.
    ws["Z1048576"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["XFD1048575"].fill = PatternFill("solid", fgColor="FFFF00")
    wb.save(book)

    start = time.monotonic()
    proc = import_xlsx(book, root, limits={resource.RLIMIT_AS: 1024 * 2**20})
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - start < 30
    assert "已写入 3 个事项" in proc.stdout


def test_more_rows_than_the_cap_is_a_clear_error(tmp_path):
    root = ledger(tmp_path)
    before = snapshot(root)
    book = tmp_path / "台账.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append(["标题", "交办日期", "主办单位"])
    for n in range(20_001):
        ws.append([f"留言{n}", "2025-07-01", "zjj"])
    wb.save(book)

    proc = import_xlsx(book, root, "--dry-run")
    assert proc.returncode == 1
    assert f"工作表“{SHEET}”第 20002 行：数据超过 20000 行" in proc.stderr and "分批导入" in proc.stderr
    assert snapshot(root) == before


# --- not a workbook, or absurd values -------------------------------------------------------


def ole2_header() -> bytes:
    """The start of an Excel 97–2003 .xls file (an OLE2 compound document)."""
    return (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16) + bytes.fromhex("3E000300FEFF0900")
            + bytes(488)) + bytes(4096)


def test_files_that_are_not_xlsx_workbooks_are_a_chinese_error(tmp_path):
    root = ledger(tmp_path)
    before = snapshot(root)
    good = workbook(tmp_path / "good.xlsx", [["2025-0101", "路灯不亮", day(1), "zjj"]])
    data = good.read_bytes()
    cases = {
        "台账.csv": ("编号,标题\n2025-0101,路灯不亮\n".encode(), "不是 Excel 工作簿"),
        "改名的旧表.xlsx": (ole2_header(), "旧版 Excel 97–2003 工作簿（.xls）"),
        "旧表.xls": (ole2_header(), "旧版 Excel 97–2003 工作簿（.xls）"),
        "截断.xlsx": (data[: len(data) // 2], "已损坏"),
        "坏块.xlsx": (data[:200] + bytes(len(data) - 400) + data[-200:], "损坏"),
        "别的压缩包.xlsx": (None, "无法作为 Excel 工作簿读取"),
    }
    for name, (content, expected) in cases.items():
        path = tmp_path / name
        if content is None:
            with zipfile.ZipFile(path, "w") as archive:
                archive.writestr("readme.txt", "不是工作簿")
        else:
            path.write_bytes(content)
        proc = import_xlsx(path, root)
        assert proc.returncode == 2, (name, proc.stderr)
        assert expected in proc.stderr and "另存为" in proc.stderr, (name, proc.stderr)
    assert snapshot(root) == before


def patched(book: Path, out: Path, old: str, new: str) -> Path:
    """A copy of `book` whose sheets' XML has `old` replaced by `new` (a cell Excel never writes)."""
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(old.encode(), new.encode())
            dst.writestr(info, data)
    return out


def test_overflowing_and_absurd_numbers_are_a_chinese_error(tmp_path):
    root = ledger(tmp_path)
    before = snapshot(root)
    events = [["编号", "日期", "记录类型", "通报级别", "内容"],
              ["2025-0101", day(9), "circular", "1e400", "通报"],
              ["2025-0102", day(9), "circular", 987654321, "通报"],
              ["2025-0103", day(9), "circular", 1.5, "通报"]]
    book = workbook(tmp_path / "台账.xlsx", [
        ["2025-0101", "路灯不亮", day(1), "zjj"],
        ["2025-0102", "井盖缺失", day(2), "zjj"],
        ["2025-0103", "积水严重", day(3), "zjj"],
        ["2025-0104", "噪音扰民", dt.datetime(9999, 12, 31), "zjj"],
    ], events=events)
    # 987654321 becomes 1e400 in the file itself: a number cell too big for a float.
    book = patched(book, tmp_path / "大数.xlsx", "<v>987654321</v>", "<v>1e400</v>")

    proc = import_xlsx(book, root)
    assert proc.returncode == 1, proc.stderr
    err = proc.stderr
    assert "工作表“办理记录”第 2 行 D（通报级别） 列：数值“1e400”超出范围" in err
    assert "工作表“办理记录”第 3 行 D（通报级别） 列：数值“超出范围的数（无穷大）”超出范围" in err
    assert "工作表“办理记录”第 4 行 D（通报级别） 列：“1.5”应当是整数" in err
    assert f"工作表“{SHEET}”第 5 行 C（交办日期） 列：日期 9999-12-31 超出范围" in err and "2000–2100" in err
    assert snapshot(root) == before


def test_a_number_with_thousands_of_digits_is_a_chinese_error(tmp_path):
    root = ledger(tmp_path)
    before = snapshot(root)
    book = workbook(tmp_path / "台账.xlsx", [["2025-0101", 123454321, day(1), "zjj"]])
    book = patched(book, tmp_path / "长数.xlsx", "<v>123454321</v>", "<v>" + "9" * 5000 + "</v>")
    proc = import_xlsx(book, root)
    assert proc.returncode == 1
    assert f"工作表“{SHEET}”第 2 行：从这一行起有无法读取的单元格" in proc.stderr
    assert snapshot(root) == before
