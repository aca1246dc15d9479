from ..conftest import findings_of, item_yaml


def test_pending_follow_ups_by_level(check_ledger):
    text = item_yaml(events=["date: 2025-07-01, type: urge", "date: 2025-07-02, type: circular, level: 1",
                             "date: 2025-07-10, type: urge"])
    [f] = findings_of(check_ledger({"items/2025/2025-0042.yaml": text}, "2025-07-31"), "escalation_pending")
    assert (f.severity, f.line) == ("warning", 6)
    assert "第 2 级" in f.message and "level: 2" in f.message


def test_transfer_pending_at_level_three(check_ledger):
    events = ["date: 2025-07-0%d, type: urge" % d for d in (1, 2, 3)] + [
        "date: 2025-07-04, type: circular, level: 1", "date: 2025-07-05, type: circular, level: 2"]
    text = item_yaml(events=events)
    [f] = findings_of(check_ledger({"items/2025/2025-0042.yaml": text}, "2025-07-31"), "escalation_pending")
    assert "第 3 级" in f.message and "type: transfer" in f.message


def test_leader_demand_message_names_the_reason(check_ledger):
    text = item_yaml(events=["date: 2025-07-01, type: leader_demand"])
    [f] = findings_of(check_ledger({"items/2025/2025-0042.yaml": text}, "2025-07-31"), "escalation_pending")
    assert "领导" in f.message
