from ..conftest import as_json, findings_of, item_yaml, write_ledger


def test_six_month_limit(check_ledger):
    text = item_yaml(category="cppcc_proposal", assigned="2025-03-10")
    assert findings_of(check_ledger({"items/2025/2025-0042.yaml": text}, "2025-09-10"), "hard_deadline_passed") == []
    [f] = findings_of(check_ledger({"items/2025/2025-0042.yaml": text}, "2025-09-11"), "hard_deadline_passed")
    assert f.severity == "warning" and "2025-09-10" in f.message


def test_answered_item_is_not_flagged(check_ledger):
    text = item_yaml(category="cppcc_proposal", assigned="2025-03-10", events=["date: 2025-09-01, type: completed"])
    assert findings_of(check_ledger({"items/2025/2025-0042.yaml": text}, "2025-10-01"), "hard_deadline_passed") == []


# Issue 10, docs/rules.md §1: "hard deadline passed" means not completed by the
# 6-month limit, so an answer after the limit (under an extension that went
# past it) sets `hard_deadline_passed: true` in the JSON, beside the
# `deadline_beyond_limit` error on that extension.

def test_answered_after_the_limit_under_a_long_extension(tmp_path, cli):
    # npc_suggestion assigned 2025-03-10: reply due 03-10 + 3 months =
    # 2025-06-10 (Tue); hard limit 03-10 + 6 months = 2025-09-10 (Wed).
    # Extension approved 06-05 to 2025-10-31 (past the limit), answered 10-20:
    # on time for the extension (not completed_late), but 10-20 > 09-10.
    text = item_yaml(category="npc_suggestion", assigned="2025-03-10", events=[
        "date: 2025-06-05, type: extension, new_deadline: 2025-10-31, approved: true",
        "date: 2025-10-20, type: completed"])
    root = write_ledger(tmp_path, {"items/2025/2025-0042.yaml": text})
    code, out, _ = cli("check", "--ledger", str(root), "--as-of", "2025-11-03", "--format", "json", "--no-cache")
    data = as_json(out)
    [item] = data["items"]
    assert (item["hard_deadline"], item["deadline"], item["state"]) == ("2025-09-10", "2025-10-31", "closed")
    assert item["hard_deadline_passed"] is True and item["completed_late"] is False
    [error] = [f for f in data["findings"] if f["code"] == "deadline_beyond_limit"]
    assert (error["severity"], error["line"]) == ("error", 7) and code == 1
    # Answered: the work is no longer late, so no hard_deadline_passed warning.
    assert [f for f in data["findings"] if f["code"] == "hard_deadline_passed"] == []


def test_answered_on_the_limit_has_not_passed_it(tmp_path, cli):
    text = item_yaml(category="cppcc_proposal", assigned="2025-03-10", events=[
        "date: 2025-06-05, type: extension, new_deadline: 2025-09-10, approved: true",
        "date: 2025-09-10, type: completed"])
    root = write_ledger(tmp_path, {"items/2025/2025-0042.yaml": text})
    _, out, _ = cli("check", "--ledger", str(root), "--as-of", "2025-11-03", "--format", "json", "--no-cache")
    assert as_json(out)["items"][0]["hard_deadline_passed"] is False
