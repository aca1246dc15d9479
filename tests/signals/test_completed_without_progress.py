"""`completed_without_progress`: a long item completed with no progress report ever."""
from ..conftest import item_yaml, write_ledger
from .common import of, signals, text


def test_completion_without_any_progress_is_signalled(tmp_path):
    root = write_ledger(tmp_path, {
        "items/2025/2025-0042.yaml": item_yaml(extra="deadline: 2025-12-31\n", events=[
            "date: 2025-06-30, type: completed, text: 120个小区全部完工"]),
    })
    code, data = signals(root, "--as-of", "2025-12-31")
    [s] = of(data, "completed_without_progress")
    assert code == 0  # a hint never fails the run by default
    assert (s["item"], s["file"], s["line"], s["severity"]) == ("2025-0042", "items/2025/2025-0042.yaml", 8, "warning")
    assert "2025-06-30" in s["message"] and "从未报告过进展" in s["message"] and "2025-03-20" in s["message"]
    assert "未落实事项查原因、落实中事项查进程" in s["explanation"]
    assert [e["date"] for e in s["evidence"]] == ["2025-02-20", "2025-06-30"]
    _, out = text(root, "--as-of", "2025-12-31")
    assert "办结前从未报告进展（completed_without_progress）：1 条" in out and "第 8 行" in out


def test_quick_completion_in_the_first_month_is_only_info(tmp_path):
    root = write_ledger(tmp_path, {
        "items/2025/2025-0042.yaml": item_yaml(extra="deadline: 2025-12-31\n", events=[
            "date: 2025-03-05, type: completed"]),
    })
    [s] = of(signals(root, "--as-of", "2025-12-31")[1], "completed_without_progress")
    assert s["severity"] == "info" and "还未到第一次月报日期" in s["message"]


def test_progress_before_completion_or_a_short_deadline_is_quiet(tmp_path):
    root = write_ledger(tmp_path, {
        "items/2025/2025-0042.yaml": item_yaml(extra="deadline: 2025-12-31\n", events=[
            "date: 2025-03-15, type: progress, text: 已完成摸底调查",
            "date: 2025-06-30, type: completed, text: 全部完工"]),
        # A deadline within a month of assignment owes no monthly report.
        "items/2025/2025-0043.yaml": item_yaml("2025-0043", category="leader_instruction",
                                               extra="deadline: 2025-03-10\n",
                                               events=["date: 2025-03-07, type: completed"]),
    })
    assert of(signals(root, "--as-of", "2025-12-31")[1], "completed_without_progress") == []


def test_threshold_in_ledger_yaml(tmp_path):
    from ..conftest import LEDGER_YAML

    items = {"items/2025/2025-0042.yaml": item_yaml(extra="deadline: 2025-05-10\n", events=[
        "date: 2025-05-08, type: completed"])}
    assert of(signals(write_ledger(tmp_path / "a", items), "--as-of", "2025-12-31")[1], "completed_without_progress")
    # Only deadlines more than 3 months after assignment count now.
    root = write_ledger(tmp_path / "b", items, LEDGER_YAML + "signals:\n  progress_months: 3\n")
    assert of(signals(root, "--as-of", "2025-12-31")[1], "completed_without_progress") == []
