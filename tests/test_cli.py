"""`ducha check` and `ducha validate` as README describes them: output and exit status."""
import os
import subprocess
import sys

from .conftest import as_json, item_yaml, write_ledger

CONTRACT_ITEM_KEYS = {"id", "category", "lead_unit", "assigned", "deadline", "hard_deadline", "state",
                      "overdue", "days_overdue", "next_report_due", "escalation"}
CONTRACT_FINDING_KEYS = {"code", "severity", "item", "file", "line", "message"}

CLEAN = item_yaml("2025-0001", events=["date: 2025-07-15, type: progress"])
# Deadline less than a month after assignment: no monthly reports are owed.
OVERDUE = item_yaml("2025-0002", category="leader_instruction", assigned="2025-06-20", extra="deadline: 2025-06-30\n",
                    events=["date: 2025-06-25, type: extension, new_deadline: 2025-07-15, approved: true"])
BROKEN = "id: 2025-0003\ntitle: [\n"


def ledger(tmp_path, *texts):
    items = {}
    for text in texts:
        ident = text.split("\n", 1)[0].split(": ")[1]
        items[f"items/2025/{ident}.yaml"] = text
    return str(write_ledger(tmp_path / "l", items))


def test_json_matches_the_contract(tmp_path, cli):
    code, out, _ = cli("check", "--ledger", ledger(tmp_path, CLEAN, OVERDUE, BROKEN), "--as-of", "2025-07-25",
                       "--format", "json")
    data = as_json(out)
    assert code == 1  # the broken item is an error
    assert data["as_of"] == "2025-07-25"
    assert [i["id"] for i in data["items"]] == ["2025-0001", "2025-0002"]  # unreadable: findings only
    first, second = data["items"]
    assert CONTRACT_ITEM_KEYS <= set(first)
    assert first == {**first, "deadline": "2025-12-31", "hard_deadline": None, "state": "in_progress",
                     "overdue": False, "days_overdue": 0, "next_report_due": "2025-08-15",
                     "escalation": {"level": 0, "pending": []}, "assigned": "2025-02-20", "lead_unit": "zjj"}
    assert second["deadline"] == "2025-07-15" and second["overdue"] is True and second["days_overdue"] == 10
    for f in data["findings"]:
        assert CONTRACT_FINDING_KEYS <= set(f)
    broken = [f for f in data["findings"] if f["file"] == "items/2025/2025-0003.yaml"]
    assert broken and broken[0]["code"] == "yaml_syntax" and broken[0]["severity"] == "error"
    assert broken[0]["line"] == 3
    overdue = [f for f in data["findings"] if f["code"] == "overdue"]
    assert overdue == [{**overdue[0], "item": "2025-0002", "severity": "warning", "file": "items/2025/2025-0002.yaml"}]


def test_exit_status_follows_fail_on(tmp_path, cli):
    clean = ledger(tmp_path / "a", CLEAN)
    late = ledger(tmp_path / "b", CLEAN, OVERDUE)
    broken = ledger(tmp_path / "c", CLEAN, BROKEN)
    assert cli("check", "--ledger", clean, "--as-of", "2025-03-20")[0] == 0
    assert cli("check", "--ledger", late, "--as-of", "2025-07-25")[0] == 0  # warnings only
    assert cli("check", "--ledger", late, "--as-of", "2025-07-25", "--fail-on", "overdue")[0] == 1
    assert cli("check", "--ledger", late, "--as-of", "2025-07-10", "--fail-on", "overdue")[0] == 0
    assert cli("check", "--ledger", broken, "--as-of", "2025-03-20")[0] == 1
    assert cli("check", "--ledger", broken, "--as-of", "2025-03-20", "--fail-on", "never")[0] == 0


def test_exit_status_two_when_the_ledger_cannot_be_read(tmp_path, cli):
    code, _, err = cli("check", "--ledger", str(tmp_path))
    assert code == 2 and "ledger.yaml" in err
    root = write_ledger(tmp_path / "bad", {}, "units: [\n")
    code, out, err = cli("check", "--ledger", str(root), "--format", "json")
    assert code == 2 and as_json(out)["findings"][0]["code"] == "yaml_syntax"
    code, _, err = cli("check", "--ledger", ledger(tmp_path, CLEAN), "--as-of", "2025-02-30")
    assert code == 2 and "YYYY-MM-DD" in err
    assert cli("check", "--format", "xml")[0] == 2


def test_text_groups_by_item_with_a_summary(tmp_path, cli):
    code, out, _ = cli("check", "--ledger", ledger(tmp_path, CLEAN, OVERDUE, BROKEN), "--as-of", "2025-07-25")
    assert "2025-0002 完成城区老旧小区改造120个  (items/2025/2025-0002.yaml)" in out
    assert "第 3 行" in out and "错误" in out and "\x1b[" not in out
    assert out.rstrip().splitlines()[-1] == "检查完毕：共 3 个事项，错误 1 个，警告 2 个，提示 0 个。"


def test_validate_ignores_dates_and_can_take_one_file(tmp_path, cli):
    root = ledger(tmp_path, CLEAN, OVERDUE, BROKEN)
    code, out, _ = cli("validate", "--ledger", root, "--format", "json")
    found = as_json(out)["findings"]
    assert code == 1 and {f["code"] for f in found} == {"yaml_syntax"}
    code, out, _ = cli("validate", "--ledger", root, os.path.join(root, "items/2025/2025-0001.yaml"))
    assert code == 0 and "共 1 个事项，没有发现问题" in out


def test_validate_one_file_still_sees_duplicate_ids(tmp_path, cli):
    root = str(write_ledger(tmp_path, {"items/2025/2025-0001.yaml": CLEAN, "items/2026/2025-0001.yaml": CLEAN}))
    code, out, _ = cli("validate", "--ledger", root, "--format", "json", os.path.join(root, "items/2026/2025-0001.yaml"))
    assert code == 1 and [f["code"] for f in as_json(out)["findings"]] == ["duplicate_id"]


def test_installed_console_script(tmp_path):
    root = ledger(tmp_path, CLEAN, OVERDUE)
    proc = subprocess.run([sys.executable, "-m", "ducha", "check", "--ledger", root, "--as-of", "2025-07-25",
                           "--fail-on", "overdue", "--format", "github"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout.startswith("::warning file=items/2025/2025-0002.yaml,line=6,title=ducha ")


def test_help_is_chinese(cli):
    code, out, _ = cli("check", "--help")
    assert code == 0 and "示例" in out and "--fail-on" in out
