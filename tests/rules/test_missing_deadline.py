import pytest

from ..conftest import findings_of, item_yaml

REQUIRED = ["meeting_decision", "leader_instruction", "leader_research", "npc_review", "central_work"]


@pytest.mark.parametrize("category", REQUIRED)
def test_required_deadline(check_ledger, category):
    result = check_ledger({"items/2025/2025-0042.yaml": item_yaml(category=category)}, "2025-03-01")
    [f] = findings_of(result, "missing_deadline")
    assert (f.line, f.severity) == (3, "error") and "deadline:" in f.message


@pytest.mark.parametrize("category", ["work_report", "policy_document", "npc_suggestion", "cppcc_proposal",
                                      "npc_motion", "higher_assignment", "netizen_message"])
def test_default_deadline_categories_need_none(check_ledger, category):
    result = check_ledger({"items/2025/2025-0042.yaml": item_yaml(category=category)}, "2025-03-01")
    assert findings_of(result, "missing_deadline") == []
