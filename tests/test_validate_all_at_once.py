"""Issue 16, point 3: `validate` reports every problem of a file in one pass.

A file whose category or lead unit cannot be read is not an item, yet its
other problems (a missing deadline, an unknown co-unit, personal data in a
public text) are reported at once, not in later rounds after each fix.
"""
from .conftest import LEDGER_YAML, write_ledger

REL = "items/2025/2025-0001.yaml"
BROKEN = """\
id: 2025-0001
title: 解决积水
category: 领导批示
assigned: 2025-07-08
lead_unit: 住建局
co_units: [qcqq]
public: true
events:
  - {date: 2025-07-20, type: progress, text: 已联系留言人，手机 13912345678}
  - {date: 2025-7-22, type: progress, text: 已开工}
"""


def lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if "错误" in line]


def test_every_problem_of_a_file_in_one_pass(tmp_path, cli):
    ledger = LEDGER_YAML.replace("{id: zjj, name: 市住房和城乡建设局}", "{id: zjj, name: 市住房和城乡建设局, short: 住建局}")
    root = write_ledger(tmp_path, {REL: BROKEN}, ledger)
    code, out, _ = cli("validate", "--ledger", str(root), "--no-cache")
    assert code == 1
    found = lines(out)
    # The fields that make it unreadable, each with the code to write instead ...
    assert any("第 3 行" in f and "category: leader_instruction" in f for f in found)
    assert any("第 5 行" in f and "unknown_unit" in f and "是不是想写 zjj（市住房和城乡建设局）" in f for f in found)
    # ... and everything else, in the same run.
    assert any("missing_deadline" in f for f in found)
    assert any("第 6 行" in f and "unknown_unit" in f and "qcqq" in f and "是不是想写 qcq" in f for f in found)
    assert any("第 9 行" in f and "personal_data" in f for f in found)
    assert any("第 10 行" in f and "invalid_field" in f and "2025-07-22" in f for f in found)
    assert not any("不是单位编号" in f for f in found)  # replaced by the suggestion, not said twice
    # Fixing what was reported leaves nothing new to report.
    fixed = (BROKEN.replace("领导批示", "leader_instruction").replace("住建局", "zjj").replace("qcqq", "qcq")
             .replace("手机 13912345678", "已告知办理进度").replace("2025-7-22", "2025-07-22")
             .replace("lead_unit: zjj\n", "lead_unit: zjj\ndeadline: 2025-08-15\n"))
    (root / REL).write_text(fixed, encoding="utf-8")
    code, out, _ = cli("validate", "--ledger", str(root), "--no-cache")
    assert code == 0, out


def test_a_probe_never_becomes_an_item(tmp_path, cli):
    root = write_ledger(tmp_path, {REL: BROKEN})
    code, out, _ = cli("check", "--ledger", str(root), "--no-cache", "--format", "json", "--as-of", "2025-09-01")
    import json

    report = json.loads(out)
    assert report["items"] == []  # not evaluated, not on any site or report
    assert not any(f["code"] in ("overdue", "report_missing") for f in report["findings"])
    assert {"missing_deadline", "personal_data"} <= {f["code"] for f in report["findings"]}
