"""Red team: an item file that cannot be read is still owned by the office.

While an item file is not valid YAML (a typo the office committed, a merge
conflict left in), the audit could not see any field or event in it: a
change from one unreadable version to another produced no change at all,
so anyone — a unit member, even an author outside `people` — could rewrite
its deadline or events unseen, and the office's later "fix the syntax"
commit would carry their edit into the ledger. Such a change is reported
as `unauthorised_change` unless the office made it.
"""
import json
import subprocess
import sys

import pytest

from ..conftest import item_yaml
from ..gitrepo import OFFICE, STRANGER, ZJJ, Repo

ITEM = "items/2025/2025-0001.yaml"
BROKEN = item_yaml("2025-0001") + 'deadline: 2025-06-30\ndescription: "未闭合的引号\n'


def audit(repo) -> list[dict]:
    proc = subprocess.run([sys.executable, "-m", "ducha", "audit", "--ledger", str(repo.root), "--format", "json",
                           "--no-cache"], capture_output=True, text=True, timeout=60)
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)["findings"]


@pytest.mark.parametrize("who", [ZJJ, STRANGER])
def test_rewriting_an_unreadable_item_is_reported(tmp_path, who):
    repo = Repo(tmp_path / "ledger")
    repo.write(ITEM, item_yaml("2025-0001"))
    repo.commit("新建事项", OFFICE, "2025-03-20T10:00:00+08:00")
    repo.write(ITEM, BROKEN)
    repo.commit("督查室补充说明（引号漏了）", OFFICE, "2025-03-21T10:00:00+08:00")
    assert [f for f in audit(repo) if f["code"] == "unauthorised_change"] == []
    repo.write(ITEM, BROKEN.replace("deadline: 2025-06-30", "deadline: 2026-12-31"))
    bad = repo.commit("趁文件读不出时改期限", who, "2025-03-22T10:00:00+08:00")
    found = [f for f in audit(repo) if f["code"] == "unauthorised_change"]
    assert [(f["file"], f["commit"]) for f in found] == [(ITEM, bad)]
    assert "督查室" in found[0]["message"]


def test_the_office_may_fix_or_rewrite_an_unreadable_item(tmp_path):
    repo = Repo(tmp_path / "ledger")
    repo.write(ITEM, BROKEN)
    repo.commit("新建事项（引号漏了）", OFFICE, "2025-03-20T10:00:00+08:00")
    repo.write(ITEM, BROKEN.replace("2025-06-30", "2025-07-31"))
    repo.commit("督查室改期限", OFFICE, "2025-03-21T10:00:00+08:00")
    assert [f for f in audit(repo) if f["code"] == "unauthorised_change"] == []
