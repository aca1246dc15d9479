from ..conftest import findings_of, item_yaml

ITEM = item_yaml(category="leader_instruction", extra="deadline: 2025-06-30\n",
                 events=["date: 2025-03-15, type: progress"])


def test_overdue_warning_with_days(check_ledger):
    [f] = findings_of(check_ledger({"items/2025/2025-0042.yaml": ITEM}, "2025-07-25"), "overdue")
    assert (f.severity, f.line, f.item) == ("warning", 6, "2025-0042")
    assert "已超期 25 天" in f.message and "2025-06-30" in f.message


def test_not_overdue_on_the_deadline(check_ledger):
    assert findings_of(check_ledger({"items/2025/2025-0042.yaml": ITEM}, "2025-06-30"), "overdue") == []


def test_default_deadline_overdue_points_at_assigned(check_ledger):
    text = item_yaml(category="netizen_message", assigned="2025-09-26")
    [f] = findings_of(check_ledger({"items/2025/2025-0042.yaml": text}, "2025-10-17"), "overdue")
    assert f.line == 4 and "已超期 1 天" in f.message
