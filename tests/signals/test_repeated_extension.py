"""`repeated_extension`: two or more extensions on one item, or a request on the deadline day."""
from ..conftest import item_yaml, write_ledger
from .common import of, signals


def test_two_extensions_are_signalled(tmp_path):
    root = write_ledger(tmp_path, {"items/2025/2025-0042.yaml": item_yaml(extra="deadline: 2025-06-30\n", events=[
        "date: 2025-06-01, type: extension, new_deadline: 2025-09-30, approved: true, text: 用地预审未完成",
        "date: 2025-09-01, type: extension, new_deadline: 2025-12-31, approved: true",
    ])})
    code, data = signals(root, "--as-of", "2025-12-31")
    [s] = of(data, "repeated_extension")
    assert code == 0 and (s["item"], s["line"], s["severity"], s["date"]) == ("2025-0042", 9, "info", "2025-09-01")
    assert "共申请延期 2 次" in s["message"]
    assert [e["line"] for e in s["evidence"]] == [8, 9]
    assert "当时期限 2025-06-30" in s["evidence"][0]["what"] and "当时期限 2025-09-30" in s["evidence"][1]["what"]
    assert "限时办结" in s["explanation"]


def test_request_on_the_deadline_day_is_a_warning(tmp_path):
    root = write_ledger(tmp_path, {"items/2025/2025-0042.yaml": item_yaml(extra="deadline: 2025-06-30\n", events=[
        "date: 2025-06-30, type: extension, new_deadline: 2025-09-30"])})
    [s] = of(signals(root, "--as-of", "2025-12-31")[1], "repeated_extension")
    assert s["severity"] == "warning" and "2025-06-30 的申请正是当时的期限当天" in s["message"]


def test_one_extension_in_advance_is_quiet(tmp_path):
    root = write_ledger(tmp_path, {"items/2025/2025-0042.yaml": item_yaml(extra="deadline: 2025-06-30\n", events=[
        "date: 2025-05-30, type: extension, new_deadline: 2025-09-30, approved: true"])})
    assert of(signals(root, "--as-of", "2025-12-31")[1], "repeated_extension") == []
