"""Reports, unit scores, visits, follow-up and forms, with figures worked out by hand."""

import pytest
from docx import Document
from openpyxl import load_workbook

from ducha.assessment import assess, scores_xlsx
from ducha.check import run_rules
from ducha.forms import render_form
from ducha.ledger import load_ledger
from ducha.reports import build_report, parse_period, periods_until, report_docx

from .conftest import LEDGER_YAML, D, findings_of, item_yaml, write_ledger

LEADERS = """\
leaders:
  - {id: mayor, name: 张建国, title: 市长}
  - {id: vice, name: 刘卫东, title: 副市长}
inspections_from: 2025-08-01
"""

ITEMS = {
    # A: due 09-15, completed on time 09-10.
    "items/2025/2025-0001.yaml": item_yaml("2025-0001", category="leader_instruction", assigned="2025-09-01",
                                           extra="deadline: 2025-09-15\n",
                                           events=["date: 2025-09-10, type: completed"]),
    # B: due 09-20, completed late 09-25.
    "items/2025/2025-0002.yaml": item_yaml("2025-0002", category="leader_instruction", assigned="2025-09-01",
                                           extra="deadline: 2025-09-20\n",
                                           events=["date: 2025-09-25, type: completed"]),
    # C: due 09-05, still open: overdue; urged twice and circulated once in September.
    "items/2025/2025-0003.yaml": item_yaml("2025-0003", category="leader_instruction", assigned="2025-08-20",
                                           lead="fgw", extra="deadline: 2025-09-05\n", events=[
        "date: 2025-09-08, type: urge", "date: 2025-09-10, type: circular, level: 1",
        "date: 2025-09-20, type: urge"]),
    # D: a work report (due 12-31) with one progress report and an August urge.
    "items/2025/2025-0004.yaml": item_yaml("2025-0004", lead="qcq", events=[
        "date: 2025-03-15, type: progress", "date: 2025-08-20, type: urge"]),
    # E: assigned after September: outside every figure.
    "items/2025/2025-0005.yaml": item_yaml("2025-0005", category="leader_instruction", assigned="2025-10-05",
                                           extra="deadline: 2025-10-10\n"),
}


@pytest.fixture
def ledger(tmp_path):
    return load_ledger(write_ledger(tmp_path, ITEMS, LEDGER_YAML + LEADERS), use_cache=False)


def test_monthly_report(ledger):
    r = build_report(ledger.items, ledger.config, parse_period("monthly", "2025-09"))
    t = r.total
    assert (t.due, t.on_time, t.late, t.overdue, t.urges, t.circulars, t.transfers) == (3, 1, 1, 1, 2, 1, 0)
    p = r.previous  # August: D's urge only
    assert (p.due, p.on_time, p.late, p.overdue, p.urges) == (0, 0, 0, 0, 1)
    assert r.change("urges") == 1 and r.change("due") == 3
    assert (r.by_unit["zjj"].on_time, r.by_unit["zjj"].late, r.by_unit["fgw"].overdue) == (1, 1, 1)
    assert [(i.id, days) for i, days, _ in r.overdue_items] == [("2025-0003", 25)]


def test_quarterly_and_annual_periods(ledger):
    q3 = build_report(ledger.items, ledger.config, parse_period("quarterly", "2025Q3"))
    assert (q3.total.due, q3.total.urges) == (3, 3)  # July-September: D's urge too
    assert q3.period.previous().label == "2025Q2"
    year = build_report(ledger.items, ledger.config, parse_period("annual", "2025"))
    assert year.total.due == 5 and year.total.overdue == 2  # C and E; D is due on 12-31 itself
    assert [p.label for p in periods_until("quarterly", D("2025-02-20"), D("2025-11-01"))] == ["2025Q1", "2025Q2",
                                                                                               "2025Q3"]
    with pytest.raises(ValueError, match="2025Q3"):
        parse_period("quarterly", "2025-09")


def test_report_as_word_document(ledger, tmp_path):
    r = build_report(ledger.items, ledger.config, parse_period("monthly", "2025-09"))
    path = tmp_path / "专报.docx"
    report_docx(r, path)
    doc = Document(path)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "2025年9月督查专报"
    assert "一、总体情况" in texts and "五、超期未办结事项" in texts
    assert any("本期到期事项 3 项；按时办结 1 项，逾期办结 1 项" in t for t in texts)
    comparison = doc.tables[0]
    assert [c.text for c in comparison.rows[1].cells] == ["到期", "3", "0", "+3"]
    overdue = doc.tables[-1]
    assert [c.text for c in overdue.rows[1].cells] == ["2025-0003", "完成城区老旧小区改造120个", "市发展和改革委员会",
                                                       "2025-09-05", "25"]


def test_unit_scores_by_hand(ledger, tmp_path):
    scores = {s.unit: s for s in assess(ledger.items, ledger.config, parse_period("annual", "2025"))}
    # zjj: 2 completions, 1 on time: 80 + 20 x 0.5 = 90; E (zjj) overdue since 10-10: 82 days x -0.1.
    assert scores["zjj"].overdue_day == 82 and scores["zjj"].score == 81.8
    # fgw: nothing completed (rate counts as 1): 100; 117 overdue days, 2 urges, 1 circular: 100 - 11.7 - 2 - 2.
    assert (scores["fgw"].overdue_day, scores["fgw"].urge, scores["fgw"].circular_1) == (117, 2, 1)
    assert scores["fgw"].score == 84.3
    # qcq: one urge, one item missing its monthly report at 12-31: 100 - 1 - 1.
    assert (scores["qcq"].late_report, scores["qcq"].score) == (1, 98.0)
    path = tmp_path / "得分.xlsx"
    scores_xlsx(assess(ledger.items, ledger.config, parse_period("annual", "2025")), parse_period("annual", "2025"),
                ledger.config, path)
    ws = load_workbook(path)["单位考核得分"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["市发展和改革委员会"][2] == 84.3 and ws.freeze_panes == "A3"


def test_weights_come_from_the_ledger(tmp_path):
    ledger = load_ledger(write_ledger(tmp_path, ITEMS, LEDGER_YAML + "assessment:\n  urge: -3\n"), use_cache=False)
    scores = {s.unit: s for s in assess(ledger.items, ledger.config, parse_period("annual", "2025"))}
    assert scores["qcq"].score == 96.0


def test_visits_low_per_leader_and_month(tmp_path):
    inspections = {
        "inspections/2025-08-05-mayor.yaml": "leader: mayor\ndate: 2025-08-05\nplaces: [某地]\n",
        "inspections/2025-08-20-mayor.yaml": "leader: mayor\ndate: 2025-08-20\nitems: [2025-0001]\n",
        "inspections/2025-08-21-vice.yaml": "leader: vice\ndate: 2025-08-21\n",
        "inspections/2025-09-01-nobody.yaml": "leader: nobody\ndate: 2025-09-01\n",
        "inspections/2025-09-02-bad.yaml": "leader: mayor\ndate: 2025-9-2\n",
    }
    root = write_ledger(tmp_path, {**ITEMS, **inspections}, LEDGER_YAML + LEADERS)
    result = run_rules(load_ledger(root, use_cache=False), D("2025-10-01"))
    low = sorted(f.message for f in findings_of(result, "visits_low"))
    assert len(low) == 3  # vice in August (1), both in September (0)
    assert any("副市长刘卫东 2025年8月带队督查 1 次" in m for m in low)
    assert any("市长张建国 2025年9月带队督查 0 次" in m for m in low)
    bad = [(f.file, f.code) for f in result.findings if f.file and f.file.startswith("inspections/")]
    assert sorted(bad) == [("inspections/2025-09-01-nobody.yaml", "invalid_field"),
                           ("inspections/2025-09-02-bad.yaml", "invalid_field")]


def test_follow_up_is_due_three_months_after_closing(tmp_path):
    item = item_yaml("2025-0001", category="leader_instruction", assigned="2025-07-01",
                     extra="deadline: 2025-09-30\nfollow_up: true\n", events=["date: 2025-09-18, type: completed"])
    root = write_ledger(tmp_path, {"items/2025/2025-0001.yaml": item})
    ledger = load_ledger(root, use_cache=False)
    assert findings_of(run_rules(ledger, D("2025-12-18")), "follow_up_missed") == []
    [f] = findings_of(run_rules(ledger, D("2025-12-19")), "follow_up_missed")
    assert "2025-12-18" in f.message
    done = item.replace("type: completed}", "type: completed}\n  - {date: 2025-12-10, type: reinspection, result: pass}")
    root = write_ledger(tmp_path / "b", {"items/2025/2025-0001.yaml": done})
    assert findings_of(run_rules(load_ledger(root, use_cache=False), D("2026-01-01")), "follow_up_missed") == []


def test_forms_are_print_ready_and_escaped(ledger):
    item = ledger.items[2]
    urge = render_form("urge", item, ledger.config, D("2025-09-30"))
    assert "督查催办通知" in urge and "第 3 次催办" in urge and "已超期 25 天" in urge
    assert "@page { size: A4" in urge
    hostile = item.__class__(**{**item.__dict__, "title": "<script>alert(1)</script>"})
    slip = render_form("assignment", hostile, ledger.config, D("2025-09-30"))
    assert "<script>alert" not in slip and "&lt;script&gt;" in slip
    assert "市政府重要事项交办单" in slip and "2025-09-05" in slip


def test_report_and_assess_commands(ledger, cli, tmp_path):
    root = str(ledger.root)
    code, out, _ = cli("report", "monthly", "--period", "2025-09", "--ledger", root, "--format", "json")
    import json

    data = json.loads(out)
    assert code == 0 and data["total"]["due"] == 3 and data["change"]["urges"] == 1
    code, out, _ = cli("assess", "--period", "2025", "--ledger", root)
    assert code == 0 and "84.3" in out
    code, _, err = cli("report", "quarterly", "--period", "2025-13", "--ledger", root)
    assert code == 2
