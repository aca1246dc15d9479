"""Red team on issue 17, point 24: a crafted task table given to `ducha decompose`.

The table comes from outside the ledger (a file mailed to a staff member),
so it is bounded like the Excel import: a CSV with more rows than one run
may create is refused at once, without first checking twenty thousand new
items one by one (minutes of work for a refusal), and a workbook whose
sheet XML is broken is a Chinese problem, never a traceback. Nothing is
written either way.
"""
import subprocess
import sys
import time
import zipfile

from openpyxl import Workbook

from ducha.excel import MAX_ROWS

from ..conftest import item_yaml, write_ledger

MEETING = "id: 2025-cwh-12\ntitle: 市政府第12次常务会议\nkind: meeting\ndate: 2025-03-10\npublic: true\n"


def ducha(*args, cwd):
    return subprocess.run([sys.executable, "-m", "ducha", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def ledger(root):
    return write_ledger(root, {"sources/2025-cwh-12.yaml": MEETING,
                               "items/2025/2025-0001.yaml": item_yaml("2025-0001")})


def items_of(root):
    return sorted(p.name for p in (root / "items").rglob("*.yaml"))


def test_a_csv_over_the_row_limit_is_refused_without_checking_every_row(tmp_path):
    root = ledger(tmp_path / "ledger")
    table = tmp_path / "tasks.csv"
    table.write_text("任务,牵头单位,配合单位,完成时限\n" + "推进重点工作,zjj,,2025-09-30\n" * (MAX_ROWS + 1),
                     encoding="utf-8")
    started = time.monotonic()
    proc = ducha("decompose", "2025-cwh-12", "--from", str(table), "--ledger", str(root), cwd=tmp_path)
    took = time.monotonic() - started
    assert proc.returncode == 1, proc.stderr
    assert f"任务超过 {MAX_ROWS} 行" in proc.stdout + proc.stderr and "未写入任何文件" in proc.stdout + proc.stderr
    assert took < 30, f"refusing an over-long table took {took:.0f} s"  # it took minutes: every row was checked
    assert items_of(root) == ["2025-0001.yaml"]


def test_a_workbook_with_a_broken_header_row_is_a_problem_not_a_traceback(tmp_path):
    root = ledger(tmp_path / "ledger")
    good = tmp_path / "good.xlsx"
    wb = Workbook()
    wb.active.append(["任务", "牵头单位", "配合单位", "完成时限"])
    wb.active.append(["推进重点工作", "zjj", None, "2025-09-30"])
    wb.save(good)
    bad = tmp_path / "tasks.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":  # an undefined entity in the header row
                data = data.replace(b"<sheetData>", b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t>'
                                                    b"</is></c></row>", 1)
            zout.writestr(info, data)
    proc = ducha("decompose", "2025-cwh-12", "--from", str(bad), "--ledger", str(root), cwd=tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr[-600:]
    assert proc.returncode == 1
    out = proc.stdout + proc.stderr
    assert "第 1 行" in out and "表头行无法读取" in out and "未写入任何文件" in out
    assert items_of(root) == ["2025-0001.yaml"]
