"""Excel out and in, on workbooks opened and built with openpyxl."""
import dataclasses
import datetime as dt

from openpyxl import Workbook, load_workbook

from ducha.check import run_rules
from ducha.excel import Mapping, export_workbook, run_import
from ducha.ledger import load_ledger, scan_ledger

from .conftest import LEDGER_YAML, REPO, D, write_ledger

MAPPING = REPO / "docs" / "excel-mapping.yaml"


def comparable(item):
    data = dataclasses.asdict(item)
    data.pop("file")
    data.pop("lines")
    for e in data["events"]:
        e.pop("line")
    return data


def test_export_is_a_formatted_workbook(tmp_path):
    ledger = load_ledger(REPO, use_cache=False)
    out = tmp_path / "台账.xlsx"
    export_workbook(run_rules(ledger, D("2026-11-26")), ledger.config, out)
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "汇总" and wb.sheetnames[-1] == "办理记录"
    assert "《政府工作报告》目标任务" in wb.sheetnames and len(wb.sheetnames) == 14
    ws = wb["上级政府交办事项"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    headers = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "2025-0012")
    assigned = row[headers.index("交办日期")]
    assert assigned.value == dt.datetime(2025, 6, 5) and assigned.number_format == "yyyy-mm-dd"
    state = row[headers.index("状态")]
    assert state.value == "落实中" and state.fill.fgColor.rgb.endswith("F4C7C3")  # red: overdue
    assert row[headers.index("超期天数")].value == 447
    summary = wb["汇总"]
    assert summary["A1"].value.startswith("亳州市政府督查台账") and summary["B4"].value == 5  # work reports


def test_export_then_import_gives_the_same_items(tmp_path):
    ledger = load_ledger(REPO, use_cache=False)
    out = tmp_path / "台账.xlsx"
    export_workbook(run_rules(ledger, D("2026-11-26")), ledger.config, out)
    target = write_ledger(tmp_path / "new", {}, (REPO / "ledger.yaml").read_text(encoding="utf-8"))
    scan = scan_ledger(target)
    result = run_import(target, out, Mapping.load(MAPPING), scan.config, scan.files, dry_run=False)
    assert result.problems == [] and len(result.written) == 30
    again = load_ledger(target, use_cache=False)
    assert again.findings == []
    assert [comparable(i) for i in again.items] == [comparable(i) for i in ledger.items]


def bad_workbook(path):
    wb = Workbook()
    ws = wb.active
    ws.title = "领导批示件和交办事项"
    ws.append(["编号", "标题", "交办日期", "主办单位", "办结期限", "公开"])
    ws.append(["2025-0101", "解决积水", dt.datetime(2025, 7, 8), "市住房和城乡建设局", dt.datetime(2025, 8, 15), "是"])
    ws.append(["2025-0102", "清理欠款", "2025年13月1日", "zjj", "2025-09-30", "否"])
    ws.append(["2025-0103", "整治噪音", "2025-07-10", "市住建委", "2025-09-30", "也许"])
    ws.append(["2025-0104", None, "2025-07-10", "zjj", "2025-09-30", "否"])
    wb.save(path)


def test_bad_rows_are_reported_and_nothing_is_written(tmp_path):
    book = tmp_path / "旧台账.xlsx"
    bad_workbook(book)
    root = write_ledger(tmp_path / "ledger", {}, LEDGER_YAML)
    scan = scan_ledger(root)
    result = run_import(root, book, Mapping.load(MAPPING), scan.config, scan.files, dry_run=False)
    text = "\n".join(result.problems)
    assert "工作表“领导批示件和交办事项”第 3 行 C（交办日期） 列" in text
    assert "第 4 行 D（主办单位） 列：不认识的单位“市住建委”" in text
    assert "第 4 行 F（公开） 列：“也许”应当是“是”或“否”" in text
    assert "第 5 行" in text and "title" in text
    assert not (root / "items" / "2025").exists()


def test_dry_run_writes_nothing(tmp_path, cli):
    book = tmp_path / "台账.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "人民网网友留言"
    ws.append(["标题", "交办日期", "主办单位"])
    ws.append(["网友留言：路灯不亮", dt.datetime(2025, 9, 26), "zjj"])
    wb.save(book)
    root = write_ledger(tmp_path / "ledger", {}, LEDGER_YAML)
    code, out, _ = cli("import-xlsx", str(book), "--ledger", str(root), "--map", str(MAPPING), "--dry-run")
    assert code == 0 and "将写入 items/2025/2025-0001.yaml" in out
    assert not (root / "items" / "2025").exists()
    code, out, _ = cli("import-xlsx", str(book), "--ledger", str(root), "--map", str(MAPPING))
    assert code == 0 and (root / "items" / "2025" / "2025-0001.yaml").is_file()
    item = load_ledger(root, use_cache=False).items[0]
    assert (item.category, item.title, item.lead_unit) == ("netizen_message", "网友留言：路灯不亮", "zjj")


def test_export_never_carries_a_control_character(tmp_path, cli):
    """Validation refuses the escaped control character, so the export has the item without it."""
    from openpyxl import load_workbook

    root = write_ledger(tmp_path / "ledger", {
        "items/2025/2025-0001.yaml": 'id: 2025-0001\ntitle: 路灯\ncategory: work_report\nassigned: 2025-02-20\n'
                                     'lead_unit: zjj\nnote: "a\\x01b"\n'})
    out = tmp_path / "台账.xlsx"
    code, _, err = cli("export-xlsx", "--ledger", str(root), "--as-of", "2025-07-01", "--out", str(out))
    assert code == 0, err
    texts = [c.value for ws in load_workbook(out).worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert "路灯" in texts and not any("\x01" in t for t in texts)
    code, out_text, _ = cli("check", "--ledger", str(root), "--as-of", "2025-07-01")
    assert code == 1 and "U+0001" in out_text


def test_a_mapping_of_the_wrong_shape_is_a_chinese_error(tmp_path, cli):
    book = tmp_path / "台账.xlsx"
    Workbook().save(book)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: [标题, 交办日期]\n", encoding="utf-8")
    root = write_ledger(tmp_path / "ledger", {}, LEDGER_YAML)
    code, _, err = cli("import-xlsx", str(book), "--ledger", str(root), "--map", str(mapping))
    assert code == 2 and "columns 应当是“字段: 表头”的对应表" in err
