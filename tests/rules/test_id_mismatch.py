from ..conftest import findings_of, item_yaml


def test_id_must_equal_file_name(check_ledger):
    result = check_ledger({"items/2025/2025-0042.yaml": item_yaml("2025-042"),
                           "items/2025/2025-0043.yaml": item_yaml("2025-0043")}, "2025-03-01")
    [f] = findings_of(result, "id_mismatch")
    assert (f.file, f.line, f.item) == ("items/2025/2025-0042.yaml", 1, "2025-042")
    assert "2025-0042" in f.message and "改名" in f.message
