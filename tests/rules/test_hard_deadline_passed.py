from ..conftest import findings_of, item_yaml


def test_six_month_limit(check_ledger):
    text = item_yaml(category="cppcc_proposal", assigned="2025-03-10")
    assert findings_of(check_ledger({"items/2025/2025-0042.yaml": text}, "2025-09-10"), "hard_deadline_passed") == []
    [f] = findings_of(check_ledger({"items/2025/2025-0042.yaml": text}, "2025-09-11"), "hard_deadline_passed")
    assert f.severity == "warning" and "2025-09-10" in f.message


def test_answered_item_is_not_flagged(check_ledger):
    text = item_yaml(category="cppcc_proposal", assigned="2025-03-10", events=["date: 2025-09-01, type: completed"])
    assert findings_of(check_ledger({"items/2025/2025-0042.yaml": text}, "2025-10-01"), "hard_deadline_passed") == []
