"""Printers turn the same findings into text, JSON, GitHub, GitLab and JUnit output."""
import json
from xml.etree import ElementTree as ET

from ducha.findings import Finding
from ducha.printers import Report, render

FINDINGS = [
    Finding("items/2025/2025-0001.yaml", 3, "invalid_field", "第一行\n第二行 100%，含逗号, 冒号:", item="2025-0001"),
    Finding("items/2025/2025-0001.yaml", 9, "overdue", "已超期 3 天", item="2025-0001"),
    Finding("items/2026/2026-0001.yaml", 4, "provisional_deadline", "推定日历", item="2026-0001"),
    Finding(None, None, "review_rate_low", "复核率低"),
]
REPORT = Report("check", FINDINGS, titles={"2025-0001": "甲事项"},
                files=["ledger.yaml", "items/2025/2025-0001.yaml", "items/2026/2026-0001.yaml",
                       "items/2026/2026-0002.yaml"], checked=3)


def test_github_annotations_escape_data_and_properties():
    lines = render(REPORT, "github").splitlines()
    assert lines[0] == ("::error file=items/2025/2025-0001.yaml,line=3,title=ducha invalid_field 2025-0001"
                        "::第一行%0A第二行 100%25，含逗号, 冒号:")
    assert lines[1].startswith("::warning ") and lines[2].startswith("::notice ")
    assert lines[3].startswith("::warning file=ledger.yaml,title=ducha review_rate_low::")


def test_gitlab_code_quality():
    issues = json.loads(render(REPORT, "gitlab"))
    assert [i["severity"] for i in issues] == ["major", "minor", "info", "minor"]
    assert issues[0]["location"] == {"path": "items/2025/2025-0001.yaml", "lines": {"begin": 3}}
    assert issues[3]["location"]["path"] == "ledger.yaml"
    assert len({i["fingerprint"] for i in issues}) == 4
    # Two findings of one code on one line (two pending levels) still differ.
    twice = Report("check", [Finding("a.yaml", 3, "escalation_pending", "第 1 级"),
                             Finding("a.yaml", 3, "escalation_pending", "第 2 级")])
    assert len({i["fingerprint"] for i in json.loads(render(twice, "gitlab"))}) == 2
    assert all({"description", "check_name", "fingerprint", "severity", "location"} <= set(i) for i in issues)


def test_junit_has_a_case_per_file():
    root = ET.fromstring(render(REPORT, "junit"))
    suite = root.find("testsuite")
    assert suite.get("tests") == "5" and suite.get("failures") == "2"
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert cases["items/2025/2025-0001.yaml"].find("failure").get("type") == "invalid_field"
    assert cases["items/2026/2026-0001.yaml"].find("failure") is None  # info only
    assert "推定日历" in cases["items/2026/2026-0001.yaml"].find("system-out").text
    assert cases["items/2026/2026-0002.yaml"].find("failure") is None
    assert cases["台账整体"].find("failure") is not None


def test_text_colours_only_when_asked():
    plain = render(REPORT, "text")
    assert "\x1b[" not in plain and "甲事项" in plain and "台账整体" in plain
    assert plain.index("甲事项") < plain.index("台账整体")  # ledger-wide findings last
    assert "\x1b[31m错误\x1b[0m" in render(REPORT, "text", color=True)


def test_json_keeps_payload_first():
    data = json.loads(render(Report("check", FINDINGS[:1], payload={"as_of": "2025-01-01", "items": []}), "json"))
    assert list(data) == ["as_of", "items", "findings"]
