"""`ducha decompose` on task tables as office staff write them (walk-through of issue 17).

A title row above the header, units by short name with 牵头 marks or
separated by spaces and slashes, dates as 2026/6/30 or 2026年6月30日, blank
rows, merged cells, extra columns: what works just works, and each real slip
is told once, by row and column, in the table's own words.
"""
from __future__ import annotations

import shutil

from openpyxl import Workbook

from ducha.ledger import load_ledger

from .conftest import REPO, D


def demo_copy(tmp_path):
    root = tmp_path / "demo"
    root.mkdir()
    shutil.copy(REPO / "ledger.yaml", root / "ledger.yaml")
    for folder in ("items", "sources", "inspections"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def item_files(root):
    return sorted(p.as_posix() for p in (root / "items").rglob("*"))


def test_a_title_row_above_the_header_is_named_with_the_fix(tmp_path, cli):
    root = demo_copy(tmp_path)
    wb = Workbook()
    ws = wb.active
    ws.append(["市政府第15次常务会议议定事项分解表"])
    ws.merge_cells("A1:E1")
    ws.append(["序号", "议定事项", "牵头单位", "配合单位", "完成时限"])
    ws.append([1, "建设智慧停车平台", "数据局", None, "2025-10-31"])
    table = tmp_path / "分解表.xlsx"
    wb.save(table)
    before = item_files(root)
    status, _, err = cli("decompose", "2025-cwh-15", "--from", str(table), "--ledger", str(root))
    assert status == 1
    assert "表头在第 2 行" in err and "市政府第15次常务会议议定事项分解表" in err and "请删除第 1 行" in err
    assert "缺少必需的列" not in err
    assert item_files(root) == before


def test_a_gb18030_table_with_usual_spellings_just_works(tmp_path, cli):
    root = demo_copy(tmp_path)
    table = tmp_path / "议定事项.csv"
    table.write_bytes(("序号,任务,牵头单位,配合单位,完成时限,备注\r\n"
                       "1,加快城区停车场建设,住建局（牵头）,城管局 水务局,2025/9/30,每月报进展\r\n"
                       ",,,,,\r\n"
                       "2,推进老旧管网改造,市住建局,财政局/发改委,2025年8月31日,\r\n").encode("gb18030"))
    status, out, err = cli("decompose", "2025-cwh-15", "--from", str(table), "--ledger", str(root))
    assert status == 0, err
    assert "已写入 2 个事项" in out
    assert "未读取的列：备注" in out and "序号" not in out  # the running number loses nothing; 备注 would
    new = {i.id: i for i in load_ledger(root, use_cache=False).items if i.id in ("2025-0017", "2025-0018")}
    assert (new["2025-0017"].lead_unit, new["2025-0017"].co_units, new["2025-0017"].deadline) == (
        "zjj", ["cgj", "slj"], D("2025-09-30"))
    assert (new["2025-0018"].co_units, new["2025-0018"].deadline) == (["czj", "fgw"], D("2025-08-31"))


def test_each_slip_is_told_once_by_row_and_column_in_the_tables_words(tmp_path, cli):
    root = demo_copy(tmp_path)
    table = tmp_path / "任务.csv"
    table.write_bytes(("任务,牵头单位,配合单位,完成时限\n"
                       "整治背街小巷,\"住建局、城管局\",,2025-10-31\n"  # two lead units
                       "完善公交站台,,,2025-10-31\n"  # no lead unit
                       ",交通局,,2025-10-31\n"  # no task
                       "建设口袋公园,公按局,,2025-10-31\n"  # a typo
                       "更新路灯,城管局,,2024-10-31\n"  # before the meeting (2025-05-15)
                       "清理河道,水务局,,\n").encode("gb18030"))  # a meeting's task needs a deadline
    before = item_files(root)
    status, _, err = cli("decompose", "2025-cwh-15", "--from", str(table), "--ledger", str(root))
    assert status == 1 and item_files(root) == before
    lines = [line for line in err.splitlines() if line.startswith("任务.csv ")]
    assert [line.split(" 行")[0] for line in lines] == [f"任务.csv 第 {n}" for n in range(2, 8)]  # once each, in order
    two, no_lead, no_task, typo, early, no_deadline = lines
    assert "B（牵头单位）" in two and "只能写一个" in two and "城管局" in two and "配合单位" in two
    assert "B（牵头单位）" in no_lead and "牵头单位为空" in no_lead
    assert "A（任务）" in no_task and "任务为空" in no_task
    assert "公按局" in typo and "公安局" in typo
    assert "D（完成时限）" in early and "2024-10-31 早于会议日期 2025-05-15" in early
    assert "D（完成时限）" in no_deadline and "完成时限为空" in no_deadline
    for yaml_speak in ("lead_unit", "deadline:", "ledger.yaml", "缺少必填项", "不认识的单位“”"):
        assert yaml_speak not in err
    assert "发现 6 处问题，未写入任何文件" in err


def test_a_merged_cell_over_two_rows_names_the_one_row_filled(tmp_path, cli):
    root = demo_copy(tmp_path)
    wb = Workbook()
    ws = wb.active
    ws.append(["任务", "牵头单位", "配合单位", "完成时限"])
    ws.append(["建设智慧停车平台", "数据局", None, "2025-10-31"])
    ws.append(["整治背街小巷", "城管局", None, "2025-10-31"])
    ws.merge_cells("B2:B3")
    table = tmp_path / "任务.xlsx"
    wb.save(table)
    status, out, _ = cli("decompose", "2025-cwh-15", "--from", str(table), "--ledger", str(root), "--dry-run")
    assert status == 0
    assert "第 3 行按第 2 行的值“数据局”导入" in out and "3–3" not in out
