"""`verification_failures`: a unit's failed verifications and returns."""
from ..conftest import item_yaml, write_ledger
from .common import of, signals


def _items(result):
    return {
        "items/2025/2025-0042.yaml": item_yaml(extra="verify: true\n", events=[
            "date: 2025-05-10, type: completed",
            f"date: 2025-05-20, type: verified, result: {result}",
        ]),
        "items/2025/2025-0043.yaml": item_yaml("2025-0043", events=[
            "date: 2025-06-10, type: completed", "date: 2025-06-12, type: returned, text: 材料不全"]
            if result == "fail" else ["date: 2025-06-10, type: completed"]),
    }


def test_failed_verification_and_return_are_signalled(tmp_path):
    code, data = signals(write_ledger(tmp_path, _items("fail")), "--as-of", "2025-12-31", "--period", "2025")
    [s] = of(data, "verification_failures")
    assert code == 0 and s["unit"] == "zjj" and s["severity"] == "warning"
    assert "复核未通过 1 次，退回重办 1 次（共复核 1 次）" in s["message"] and "涉及 2 个事项" in s["message"]
    assert [(e["item"], e["line"]) for e in s["evidence"]] == [("2025-0042", 9), ("2025-0043", 8)]
    assert "回头看" in s["explanation"]


def test_verifications_that_pass_are_quiet(tmp_path):
    assert of(signals(write_ledger(tmp_path, _items("pass")), "--as-of", "2025-12-31")[1],
              "verification_failures") == []
