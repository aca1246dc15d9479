"""`deadline_before_assigned`: a deadline earlier than the assignment is an error at the deadline line."""
import pytest

from ..conftest import findings_of, item_yaml


def test_a_deadline_before_the_assignment_is_an_error_naming_both_dates(check_ledger):
    text = item_yaml(category="meeting_decision", assigned="2025-03-10", extra="deadline: 2024-06-30\n")
    result = check_ledger({"items/2025/2025-0042.yaml": text}, "2025-04-01")
    [f] = findings_of(result, "deadline_before_assigned")
    line = text.splitlines().index("deadline: 2024-06-30") + 1
    assert (f.line, f.severity, f.item) == (line, "error", "2025-0042")
    assert "2024-06-30" in f.message and "2025-03-10" in f.message and "年份" in f.message


@pytest.mark.parametrize("deadline", ["2025-03-10", "2025-06-30"])
def test_a_deadline_on_or_after_the_assignment_is_fine(check_ledger, deadline):
    text = item_yaml(category="meeting_decision", assigned="2025-03-10", extra=f"deadline: {deadline}\n")
    result = check_ledger({"items/2025/2025-0042.yaml": text}, "2025-04-01")
    assert findings_of(result, "deadline_before_assigned") == []
