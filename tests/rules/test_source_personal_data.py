"""`source_personal_data` (issue 17 × 15): a public decision's page shows its title, 文号 and description,
so personal information there is an error at its file and line, masked; a source that is not public is not read."""
import json

from ..conftest import item_yaml, write_ledger

SOURCE = """\
id: 2025-cwh-12
title: 市政府第12次常务会议
kind: meeting
date: 2025-03-10
public: {public}
description: |
  议定事项共 8 项。
  会务联系人李明，电话 13812345678。
"""


def _ledger(tmp_path, public: str):
    return write_ledger(tmp_path / "l", {
        "sources/2025-cwh-12.yaml": SOURCE.format(public=public),
        "items/2025/2025-0001.yaml": item_yaml("2025-0001", category="meeting_decision",
                                               extra="source_id: 2025-cwh-12\ndeadline: 2025-06-30\n"),
    })


def test_a_phone_number_in_a_public_source_is_an_error_at_its_line(tmp_path, cli):
    root = _ledger(tmp_path, "true")
    code, out, _ = cli("validate", "--ledger", str(root), "--format", "json")
    assert code == 1
    found = [f for f in json.loads(out)["findings"] if f["code"] == "source_personal_data"]
    assert [(f["file"], f["line"], f["severity"]) for f in found] == [("sources/2025-cwh-12.yaml", 8, "error")]
    assert "138****5678" in found[0]["message"] and "13812345678" not in found[0]["message"]
    assert "手机号码" in found[0]["message"] and "privacy.allow" in found[0]["message"]
    code, out, _ = cli("check", "--ledger", str(root), "--as-of", "2025-04-01")
    assert code == 1 and "sources/2025-cwh-12.yaml" in out and "公开的决策部署 2025-cwh-12" in out


def test_a_source_that_is_not_public_is_not_read(tmp_path, cli):
    root = _ledger(tmp_path, "false")
    code, out, _ = cli("validate", "--ledger", str(root), "--format", "json")
    assert not [f for f in json.loads(out)["findings"] if f["code"] == "source_personal_data"]
