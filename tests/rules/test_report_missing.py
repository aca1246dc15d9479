from ..conftest import findings_of, item_yaml

ITEM = item_yaml(events=["date: 2025-03-15, type: progress"])


def test_report_missing_after_a_month(check_ledger):
    assert findings_of(check_ledger({"items/2025/2025-0042.yaml": ITEM}, "2025-04-15"), "report_missing") == []
    [f] = findings_of(check_ledger({"items/2025/2025-0042.yaml": ITEM}, "2025-04-16"), "report_missing")
    assert (f.severity, f.line) == ("warning", 6)
    assert "2025-04-15" in f.message and "晚 1 天" in f.message


def test_short_items_owe_no_monthly_report(check_ledger):
    text = item_yaml(category="leader_instruction", assigned="2025-03-01", extra="deadline: 2025-03-31\n")
    assert findings_of(check_ledger({"items/2025/2025-0042.yaml": text}, "2025-05-01"), "report_missing") == []
