"""Issue 9, point 12: out-of-range values are findings or usage errors, never tracebacks.

`assigned: 9999-12-31` crashed `check` in the calendar, a 5,000-digit
integer hit Python's int-string limit, `follow_up_months: 99999999` ran
past year 9999, and `report --period 0001-01` crashed computing the
previous period. Ledger dates now lie in 2000–2100 and every integer has
bounds, said in Chinese.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ..conftest import LEDGER_YAML, codes, item_yaml, parse, write_ledger

HUGE = "9" * 5000
LEDGER = LEDGER_YAML + "leaders:\n  - {id: mayor, name: 张建国, title: 市长}\n"


def ducha(*args: str, cwd) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-m", "ducha", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr[-2000:]
    return proc.returncode, proc.stdout, proc.stderr


def check(root) -> tuple[int, list[dict]]:
    code, out, _ = ducha("check", "--as-of", "2025-12-01", "--format", "json", "--no-cache", cwd=root)
    return code, json.loads(out)["findings"]


def only_error(findings: list[dict]) -> dict:
    errors = [f for f in findings if f["severity"] == "error"]
    assert len(errors) == 1, errors
    return errors[0]


@pytest.mark.parametrize("field, line, text", [
    ("assigned", 4, "assigned: 9999-12-31"),
    ("assigned", 4, "assigned: 1999-12-31"),
    ("deadline", 6, "deadline: 9999-12-31"),
    ("deadline", 6, "deadline: 2101-01-01"),
])
def test_item_dates_outside_the_ledger_years(tmp_path, field, line, text):
    item = item_yaml("2025-0001", extra="deadline: 2025-12-31\n")
    item = item.replace("assigned: 2025-02-20", text) if field == "assigned" else item.replace(
        "deadline: 2025-12-31", text)
    root = write_ledger(tmp_path, {"items/2025/2025-0001.yaml": item})
    code, findings = check(root)
    f = only_error(findings)
    assert (f["file"], f["line"], f["code"]) == ("items/2025/2025-0001.yaml", line, "invalid_field")
    assert "2000–2100" in f["message"] and field in f["message"]
    assert code == 1


@pytest.mark.parametrize("event", [
    "date: 9999-12-31, type: progress, text: 已开工",
    "date: 2025-03-01, type: extension, new_deadline: 9999-12-31",
    "date: 2025-03-01, type: completed",  # then a date that would sort it past year 9999
])
def test_event_dates_outside_the_ledger_years(tmp_path, event):
    events = [event] if "completed" not in event else [event, "date: 9999-12-31, type: verified, result: pass"]
    root = write_ledger(tmp_path, {"items/2025/2025-0001.yaml": item_yaml("2025-0001", events=events)})
    code, findings = check(root)
    f = only_error(findings)
    assert f["code"] == "invalid_field" and f["line"] >= 7 and "2000–2100" in f["message"]


def test_follow_up_after_a_completion_in_2100_stays_in_range(tmp_path):
    item = item_yaml("2025-0001", extra="follow_up: true\n", events=["date: 2100-12-30, type: completed"])
    root = write_ledger(tmp_path, {"items/2025/2025-0001.yaml": item},
                        LEDGER + "follow_up_months: 120\n")
    ducha("check", "--as-of", "2100-12-31", "--format", "json", "--no-cache", cwd=root)


@pytest.mark.parametrize("setting, line", [
    ("follow_up_months: 99999999", 11),
    ("follow_up_months: 0", 11),
    (f"follow_up_months: {HUGE}", 11),
    ("audit:\n  backdate_days: 99999999", 12),
    (f"audit:\n  backdate_days: {HUGE}", 12),
    ("calendar:\n  holidays: [9999-12-31]", 12),
    ("calendar:\n  workdays: [1900-01-06]", 12),
    ("calendar:\n  confirmed_years: [9999]", 12),
    ("inspections_from: 0001-01-01", 11),
])
def test_ledger_settings_outside_their_bounds(tmp_path, setting, line):
    item = item_yaml("2025-0001", extra="follow_up: true\n", events=["date: 2025-06-01, type: completed"])
    root = write_ledger(tmp_path, {"items/2025/2025-0001.yaml": item}, LEDGER + setting + "\n")
    code, findings = check(root)
    f = only_error(findings)
    assert (f["file"], f["line"], f["code"]) == ("ledger.yaml", line, "invalid_field")
    assert any(word in f["message"] for word in ("之间", "范围", "太长", "年份"))
    assert code == 1


@pytest.mark.parametrize("value", [HUGE, "1" + ":59" * 3000, "0x" + "F" * 5000, "-" + HUGE])
def test_huge_integers_are_findings(value):
    item, findings = parse(item_yaml(events=[f"date: 2025-03-01, type: circular, level: {value}"]))
    assert codes(findings) == [("invalid_field", 7)]
    assert "level" in findings[0].message
    assert len(findings[0].message) < 500  # the value is not echoed whole


@pytest.mark.parametrize("extra", [f"title: {HUGE}\n", f"title: 1{':59' * 3000}\n"])
def test_huge_numbers_where_text_is_expected_are_findings(extra):
    item, findings = parse(item_yaml(extra="") .replace("title: 完成城区老旧小区改造120个\n", extra))
    assert codes(findings) == [("invalid_field", 2)]
    assert len(findings[0].message) < 500


def test_scores_have_bounds():
    item, findings = parse(item_yaml(events=["date: 2025-03-01, type: evaluation, evaluator: 某机构, score: 1e999"]))
    assert codes(findings) == [("invalid_field", 7)]
    item, findings = parse(item_yaml(events=["date: 2025-03-01, type: evaluation, evaluator: 某机构, score: 1000.0"]))
    assert codes(findings) == [("invalid_field", 7)] and "0–100" in findings[0].message


def test_inspection_dates_outside_the_ledger_years(tmp_path):
    root = write_ledger(tmp_path, {
        "items/2025/2025-0001.yaml": item_yaml("2025-0001"),
        "inspections/x.yaml": "leader: mayor\ndate: 9999-12-31\nitems: [2025-0001]\n",
    }, LEDGER)
    code, findings = check(root)
    f = only_error(findings)
    assert (f["file"], f["line"], f["code"]) == ("inspections/x.yaml", 2, "invalid_field")


@pytest.mark.parametrize("command", [
    ("report", "monthly", "--period", "0001-01"),
    ("report", "monthly", "--period", "9999-12"),
    ("report", "quarterly", "--period", "0000Q1"),
    ("report", "annual", "--period", "2101"),
    ("assess", "--period", "0001-01"),
    ("assess", "--period", "9999"),
    ("check", "--as-of", "0001-01-01"),
    ("check", "--as-of", "9999-12-31"),
    ("export-xlsx", "--as-of", "9999-12-31"),
])
def test_absurd_periods_and_days_are_usage_errors(tmp_path, command):
    root = write_ledger(tmp_path, {"items/2025/2025-0001.yaml": item_yaml("2025-0001")})
    code, out, err = ducha(*command, cwd=root)
    assert code == 2
    assert "无效" in err and "2000–2100" in err


def test_periods_at_the_edges_of_the_range_work(tmp_path):
    root = write_ledger(tmp_path, {"items/2025/2025-0001.yaml": item_yaml("2025-0001")})
    assert ducha("report", "monthly", "--period", "2000-01", cwd=root)[0] == 0  # its previous period is 1999-12
    assert ducha("report", "annual", "--period", "2100", cwd=root)[0] == 0


def test_assessment_weights_have_bounds(tmp_path):
    root = write_ledger(tmp_path, {"items/2025/2025-0001.yaml": item_yaml("2025-0001")},
                        LEDGER + "assessment:\n  overdue_day: -1.0e+308\n")
    code, findings = check(root)
    f = only_error(findings)
    assert (f["file"], f["line"], f["code"]) == ("ledger.yaml", 12, "invalid_field") and "-1000–1000" in f["message"]
    code, out, _ = ducha("assess", "--period", "2025", "--format", "json", cwd=root)
    assert code == 0 and "Infinity" not in out
