"""Decisions and their tasks (issue 17): sources/<id>.yaml, source_id, unknown_source, decompose, reports."""
from __future__ import annotations

import json
import shutil

from openpyxl import Workbook

from ducha.check import run_rules
from ducha.ledger import load_ledger
from ducha.source_report import build_source_report, source_sections

from .conftest import REPO, D, as_json, item_yaml, write_ledger
from .gitrepo import ZJJ, Repo, audit

MEETING = "id: 2025-cwh-12\ntitle: 市政府第12次常务会议\nkind: meeting\ndate: 2025-03-10\npublic: true\n"


def demo_copy(tmp_path):
    root = tmp_path / "demo"
    root.mkdir()
    for name in ("ledger.yaml",):
        shutil.copy(REPO / name, root / name)
    for folder in ("items", "sources", "inspections"):
        shutil.copytree(REPO / folder, root / folder)
    return root


# --- sources/ and unknown_source -----------------------------------------------------------

def test_unknown_source_names_file_line_and_the_closest_source(tmp_path):
    root = write_ledger(tmp_path / "l", {
        "sources/2025-cwh-12.yaml": MEETING,
        "items/2025/2025-0001.yaml": item_yaml("2025-0001", category="meeting_decision",
                                               extra="source_id: 2025-cwh-21\ndeadline: 2025-06-30\n"),
    })
    result = run_rules(load_ledger(root, use_cache=False), D("2025-04-01"))
    [f] = [f for f in result.findings if f.code == "unknown_source"]
    assert (f.file, f.line, f.severity, f.item) == ("items/2025/2025-0001.yaml", 6, "error", "2025-0001")
    assert "2025-cwh-21" in f.message and "sources/" in f.message and "2025-cwh-12" in f.message


def test_bad_source_files_are_findings_with_file_line_and_fix(tmp_path):
    root = write_ledger(tmp_path / "l", {
        "sources/a.yaml": "id: b\ntitle: 会议\nkind: meeting\ndate: 2025-03-10\n",
        "sources/c.yaml": "id: c\ntitle: \"会\\x01议\"\nkind: meting\ndate: 2025-13-10\n",
        "sources/d.yaml": MEETING.replace("2025-cwh-12", "d") + "colour: red\n",
        "items/2025/2025-0001.yaml": item_yaml("2025-0001", extra="source_id: c\n"),
    })
    findings = load_ledger(root, use_cache=False).findings
    got = {(f.file, f.line, f.code) for f in findings}
    assert ("sources/a.yaml", 1, "id_mismatch") in got
    assert {("sources/c.yaml", 2, "invalid_field"), ("sources/c.yaml", 3, "invalid_field"),
            ("sources/c.yaml", 4, "invalid_field"), ("sources/d.yaml", 6, "invalid_field")} <= got
    messages = "\n".join(f.message for f in findings)
    assert "U+0001" in messages and "是不是想写 meeting" in messages and "colour" in messages
    # The item naming the unreadable source is reported too; the rest of the ledger is still checked.
    result = run_rules(load_ledger(root, use_cache=False), D("2025-04-01"))
    assert [f.item for f in result.findings if f.code == "unknown_source"] == ["2025-0001"]


def test_demo_ledger_sources_read_and_check_json_carries_source_id(cli):
    status, out, _ = cli("check", "--ledger", str(REPO), "--as-of", "2025-12-31", "--format", "json", "--no-cache")
    data = as_json(out)
    assert not [f for f in data["findings"] if f["code"] in ("unknown_source", "invalid_field", "id_mismatch")]
    by_id = {i["id"]: i for i in data["items"]}
    assert by_id["2025-0001"]["source_id"] == "2025-gzbg" and by_id["2025-0006"]["source_id"] is None
    assert {"id", "category", "lead_unit", "escalation", "state"} <= set(by_id["2025-0001"])


def test_only_the_office_may_change_sources(tmp_path):
    repo = Repo(tmp_path / "r")
    repo.write("sources/2025-cwh-12.yaml", MEETING)
    repo.commit("登记会议")
    repo.write("sources/2025-cwh-12.yaml", MEETING.replace("第12次", "第13次"))
    bad = repo.commit("改会议名称", ZJJ, "2025-03-26T09:00:00+08:00")
    [f] = audit(repo)
    assert (f.code, f.file, f.commit) == ("unauthorised_change", "sources/2025-cwh-12.yaml", bad)
    assert "只能由督查室进行" in f.message


# --- decompose -----------------------------------------------------------------------------

CSV = ("任务,牵头单位,配合单位,完成时限\n"
       "加快城区停车场建设,住建局,\"市发改委、zjj\",2025-09-30\n"
       "推进老旧管网改造,市住房和城乡建设局,,2025年8月31日\n")


def test_decompose_csv_with_chinese_unit_names_and_dry_run(tmp_path, cli):
    root = demo_copy(tmp_path)
    table = tmp_path / "议定事项.csv"
    table.write_text(CSV, encoding="utf-8")
    before = sorted(p.name for p in (root / "items").rglob("*.yaml"))
    status, out, _ = cli("decompose", "2025-cwh-15", "--from", str(table), "--ledger", str(root), "--dry-run")
    assert status == 0 and "将写入 items/2025/2025-0017.yaml" in out and "试运行" in out
    assert sorted(p.name for p in (root / "items").rglob("*.yaml")) == before
    status, out, _ = cli("decompose", "2025-cwh-15", "--from", str(table), "--ledger", str(root))
    assert status == 0 and "已写入 2 个事项" in out
    ledger = load_ledger(root, use_cache=False)
    new = {i.id: i for i in ledger.items if i.id in ("2025-0017", "2025-0018")}
    assert new["2025-0017"].co_units == ["fgw", "zjj"] and new["2025-0017"].lead_unit == "zjj"
    assert new["2025-0018"].deadline == D("2025-08-31")
    for item in new.values():
        assert (item.category, item.source_id, item.assigned, item.public) == (
            "meeting_decision", "2025-cwh-15", D("2025-05-15"), True)
    assert not [f for f in run_rules(ledger, D("2025-06-01")).findings if f.severity == "error"]


def test_decompose_xlsx_and_a_bad_row_leaves_nothing_written(tmp_path, cli):
    root = demo_copy(tmp_path)
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "工作任务", "责任单位", "协办单位", "办结期限"])
    ws.append([1, "建设智慧停车平台", "市数据局", None, "2025-10-31"])
    ws.append([2, "整治背街小巷", "不存在局", None, "2025-10-31"])
    ws.append([3, "完善公交站台", "交通局", None, None])  # a meeting decision needs a deadline
    table = tmp_path / "任务.xlsx"
    wb.save(table)
    before = sorted(p.as_posix() for p in (root / "items").rglob("*"))
    status, out, err = cli("decompose", "2025-cwh-15", "--from", str(table), "--ledger", str(root))
    assert status == 1
    assert "第 3 行" in err and "不存在局" in err and "第 4 行" in err and "未写入任何文件" in err
    assert sorted(p.as_posix() for p in (root / "items").rglob("*")) == before
    ws.delete_rows(3, 2)
    wb.save(table)
    status, out, _ = cli("decompose", "2025-cwh-15", "--from", str(table), "--ledger", str(root))
    assert status == 0
    [item] = [i for i in load_ledger(root, use_cache=False).items if i.id == "2025-0017"]
    assert (item.title, item.lead_unit, item.source_id) == ("建设智慧停车平台", "sjj", "2025-cwh-15")


def test_decompose_an_unknown_source_says_which_exist(tmp_path, cli):
    root = demo_copy(tmp_path)
    table = tmp_path / "t.csv"
    table.write_text(CSV, encoding="utf-8")
    status, out, err = cli("decompose", "2025-cwh-99", "--from", str(table), "--ledger", str(root))
    assert status == 1 and "找不到决策部署 2025-cwh-99" in err and "2025-cwh-15" in err


# --- counts worked by hand on the demo ledger ---------------------------------------------------

def test_work_report_counts_on_the_demo_ledger():
    """2025-gzbg has 2025-0001 (completed 2025-12-20), 2025-0002 (completed 2025-12-26, both before the
    year-end deadline) and 2025-0003 (progress only): as of 2025-12-31, 3 tasks, 2 done on time, 1 under way."""
    ledger = load_ledger(REPO, use_cache=False)
    r = build_source_report(ledger.sources["2025-gzbg"], ledger.items, ledger.config, D("2025-12-31"))
    assert (r.total, r.done, r.on_time, r.late, r.overdue) == (3, 2, 2, 0, 0)
    assert [row.id for row in r.groups["in_progress"]] == ["2025-0003"]
    assert r.groups["in_progress"][0].note.startswith("建成1440个")
    assert [row.id for row in r.groups["done"]] == ["2025-0001", "2025-0002"]
    # In 2025Q3 the report's tasks were all open: active, none done; the document's one task completed in Q3.
    sections = {s.id: s for s in source_sections(ledger.sources, ledger.items, ledger.config,
                                                  D("2025-07-01"), D("2025-09-30"))}
    assert (sections["2025-gzbg"].total, sections["2025-gzbg"].done) == (3, 0)
    assert "2026-cwh-8" not in sections


def test_report_source_text_json_and_docx(tmp_path, cli):
    status, out, _ = cli("report", "source", "2025-gzbg", "--ledger", str(REPO), "--as-of", "2025-12-31",
                         "--format", "json")
    data = json.loads(out)
    assert status == 0 and (data["total"], data["done"], data["on_time"]) == (3, 2, 2)
    status, out, _ = cli("report", "source", "2025-gzbg", "--ledger", str(REPO), "--as-of", "2025-12-31")
    assert "分解任务 3 项：已办结 2 项" in out and "落实中（1 项）" in out
    docx = tmp_path / "r.docx"
    status, out, _ = cli("report", "source", "2025-gzbg", "--ledger", str(REPO), "--as-of", "2025-12-31",
                         "--format", "docx", "--out", str(docx))
    from docx import Document

    text = "\n".join(p.text for p in Document(docx).paragraphs)
    assert "2025年《政府工作报告》落实情况" in text and "落实中事项（1 项）" in text
    status, out, _ = cli("report", "quarterly", "--period", "2025Q3", "--ledger", str(REPO), "--format", "json")
    assert {s["id"] for s in json.loads(out)["sources"]} >= {"2025-gzbg", "2025-bgs-12"}
