from ..conftest import findings_of, item_yaml


def test_same_id_in_two_folders(check_ledger):
    result = check_ledger({"items/2025/2025-0001.yaml": item_yaml("2025-0001"),
                           "items/archive/2025-0001.yaml": item_yaml("2025-0001"),
                           "items/2025/2025-0002.yaml": item_yaml("2025-0002")}, "2025-03-01")
    found = findings_of(result, "duplicate_id")
    assert [(f.file, f.line) for f in found] == [("items/2025/2025-0001.yaml", 1), ("items/archive/2025-0001.yaml", 1)]
    assert "items/archive/2025-0001.yaml" in found[0].message


def test_duplicate_found_even_when_one_copy_is_unreadable(check_ledger):
    result = check_ledger({"items/2025/2025-0001.yaml": item_yaml("2025-0001"),
                           "items/2026/2025-0001.yaml": "id: [\n"}, "2025-03-01")
    assert {f.file for f in findings_of(result, "duplicate_id")} == {
        "items/2025/2025-0001.yaml", "items/2026/2025-0001.yaml"}


def test_copied_id_in_another_file(check_ledger):
    result = check_ledger({"items/2025/2025-0001.yaml": item_yaml("2025-0001"),
                           "items/2025/2025-0002.yaml": item_yaml("2025-0001")}, "2025-03-01")
    assert len(findings_of(result, "duplicate_id")) == 2
    assert len(findings_of(result, "id_mismatch")) == 1
