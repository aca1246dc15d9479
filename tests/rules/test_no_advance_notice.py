from ..conftest import findings_of, item_yaml


def run(check_ledger, events, as_of="2025-07-10"):
    text = item_yaml(category="leader_instruction", extra="deadline: 2025-06-30\n", events=events)
    return findings_of(check_ledger({"items/2025/2025-0042.yaml": text}, as_of), "no_advance_notice")


def test_overdue_without_request(check_ledger):
    [f] = run(check_ledger, ["date: 2025-06-01, type: progress"])
    assert f.severity == "warning" and "2025-06-30" in f.message


def test_request_on_or_before_deadline_is_notice(check_ledger):
    assert run(check_ledger, ["date: 2025-06-30, type: extension, new_deadline: 2025-07-31"]) == []
    assert run(check_ledger, ["date: 2025-06-20, type: extension, new_deadline: 2025-07-31, approved: false"]) == []


def test_late_request_is_not_notice(check_ledger):
    assert len(run(check_ledger, ["date: 2025-07-01, type: extension, new_deadline: 2025-07-31"])) == 1


def test_after_an_approved_extension_a_new_notice_is_needed(check_ledger):
    approved = "date: 2025-06-20, type: extension, new_deadline: 2025-07-31, approved: true"
    assert len(run(check_ledger, [approved], as_of="2025-08-05")) == 1
    again = "date: 2025-07-25, type: extension, new_deadline: 2025-08-31"
    assert run(check_ledger, [approved, again], as_of="2025-08-05") == []


def test_not_flagged_before_overdue(check_ledger):
    assert run(check_ledger, [], as_of="2025-06-30") == []
