from ..conftest import findings_of, item_yaml


def test_explicit_deadline_beyond_six_months(check_ledger):
    items = {
        "items/2025/2025-0001.yaml": item_yaml("2025-0001", category="npc_suggestion", assigned="2025-03-10",
                                               extra="deadline: 2025-09-11\n"),
        "items/2025/2025-0002.yaml": item_yaml("2025-0002", category="cppcc_proposal", assigned="2025-03-10",
                                               extra="deadline: 2025-09-10\n"),
        "items/2025/2025-0003.yaml": item_yaml("2025-0003", category="npc_motion", assigned="2025-03-10",
                                               extra="deadline: 2025-12-31\n"),
    }
    [f] = findings_of(check_ledger(items, "2025-04-01"), "deadline_beyond_limit")
    assert (f.item, f.line) == ("2025-0001", 6) and "2025-09-10" in f.message


def test_extension_beyond_six_months(check_ledger):
    text = item_yaml(category="npc_suggestion", assigned="2025-03-10",
                     events=["date: 2025-06-01, type: extension, new_deadline: 2025-10-31, approved: true"])
    [f] = findings_of(check_ledger({"items/2025/2025-0042.yaml": text}, "2025-07-01"), "deadline_beyond_limit")
    assert f.line == 7
