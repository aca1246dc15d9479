"""Issue 9 point 2: rights come from the trusted side.

Each commit is judged by the people, units/roles, audit settings and
allowed_signers of its first parent's tree; the root commit, which creates
the ledger, by its own. A unit member's single commit can no longer promote
their unit, add themselves, switch signing off or register their own key
under the office's name and use that in the same commit, neither in a full
audit nor in `--range A..B` (CI, the pre-receive hook). And staff who left
are judged by who was who when they committed.
"""
import pytest

from ..conftest import item_yaml
from ..gitrepo import AUDIT_LEDGER, OFFICE, STRANGER, ZJJ, Repo, audit, found, keygen

ITEM = "items/2025/2025-0001.yaml"
P1 = "date: 2025-03-25, type: progress, text: 已开工"
URGE = "date: 2025-03-25, type: urge"




@pytest.fixture
def repo(tmp_path):
    r = Repo(tmp_path / "ledger")
    r.write(ITEM, item_yaml("2025-0001"))
    r.commit("新建事项", OFFICE, "2025-03-20T10:00:00+08:00")
    return r


@pytest.mark.parametrize("promotion", [
    # The unit becomes the office.
    lambda text: text.replace("{id: zjj, name: 市住房和城乡建设局}", "{id: zjj, name: 市住房和城乡建设局, role: office}"),
    # The author moves themselves into the office's unit.
    lambda text: text.replace("{email: wang@zjj.example, name: 王芳, unit: zjj}",
                              "{email: wang@zjj.example, name: 王芳, unit: duchashi}"),
])
def test_a_commit_cannot_promote_its_author(repo, promotion):
    base = repo.git("rev-parse", "HEAD")
    repo.write("ledger.yaml", promotion(AUDIT_LEDGER))
    repo.write(ITEM, item_yaml("2025-0001", extra="deadline: 2026-06-30\n", events=[URGE]))
    bad = repo.commit("自己升为督查室并催办", ZJJ, "2025-03-26T09:00:00+08:00")
    expected = [("unauthorised_change", ITEM, 6, bad), ("unauthorised_change", ITEM, 8, bad),
                ("unauthorised_change", "ledger.yaml", 1, bad)]
    assert found(audit(repo)) == expected
    assert found(audit(repo, f"{base}..HEAD")) == expected
    # Today's ledger.yaml (the promoted one) changes nothing either.
    repo.commit("之后的空提交", OFFICE, "2025-03-27T09:00:00+08:00")
    assert found(audit(repo)) == expected


def test_a_stranger_cannot_add_themselves_to_people(repo):
    base = repo.git("rev-parse", "HEAD")
    repo.write("ledger.yaml", AUDIT_LEDGER + "  - {email: who@nowhere.example, name: 某人, unit: duchashi}\n")
    repo.write(ITEM, item_yaml("2025-0001", events=[P1]))
    bad = repo.commit("把自己加进名单", STRANGER, "2025-03-26T09:00:00+08:00")
    findings = audit(repo, f"{base}..HEAD")
    assert found(findings) == [("unauthorised_change", ITEM, 7, bad), ("unauthorised_change", "ledger.yaml", 1, bad)]
    assert all("不在 ledger.yaml 的 people 名单中" in f.message for f in findings)


def test_staff_who_left_keep_clean_history(repo):
    repo.write(ITEM, item_yaml("2025-0001", events=[P1]))
    repo.commit("王芳报告进展", ZJJ, "2025-03-26T09:00:00+08:00")
    repo.write("ledger.yaml", AUDIT_LEDGER.replace("  - {email: wang@zjj.example, name: 王芳, unit: zjj}\n", ""))
    repo.commit("王芳调离", OFFICE, "2025-04-01T09:00:00+08:00")
    assert audit(repo) == []
    # After leaving, she may no longer report.
    repo.write(ITEM, item_yaml("2025-0001", events=[P1, "date: 2025-04-25, type: progress"]))
    late = repo.commit("调离后又报告", ZJJ, "2025-04-26T09:00:00+08:00")
    assert found(audit(repo)) == [("unauthorised_change", ITEM, 8, late)]


def test_an_unreadable_ledger_falls_back_to_the_last_readable_one(repo):
    repo.write("ledger.yaml", AUDIT_LEDGER + "units: [\n")
    repo.commit("督查室误改 ledger.yaml", OFFICE, "2025-03-21T09:00:00+08:00")
    repo.write(ITEM, item_yaml("2025-0001", events=[P1]))
    repo.commit("进展", ZJJ, "2025-03-26T09:00:00+08:00")
    repo.write(ITEM, item_yaml("2025-0001", events=[P1, URGE]))
    bad = repo.commit("单位催办", ZJJ, "2025-03-27T09:00:00+08:00")
    repo.write("ledger.yaml", AUDIT_LEDGER)
    repo.commit("督查室修正 ledger.yaml", OFFICE, "2025-03-28T09:00:00+08:00")
    assert found(audit(repo)) == [("unauthorised_change", ITEM, 8, bad)]


def test_no_readable_ledger_at_all_is_said(tmp_path):
    repo = Repo(tmp_path, "units: [\n")
    repo.write(ITEM, item_yaml("2025-0001"))
    repo.commit("新建", OFFICE, "2025-03-20T10:00:00+08:00")
    repo.write(ITEM, item_yaml("2025-0001", events=[P1]))
    bad = repo.commit("进展", ZJJ, "2025-03-26T09:00:00+08:00")
    repo.write("ledger.yaml", AUDIT_LEDGER)
    [finding] = audit(repo)
    assert (finding.code, finding.file, finding.line, finding.commit) == ("unauthorised_change", ITEM, 7, bad)
    assert "ledger.yaml 都无法读取" in finding.message


def test_an_unrelated_history_cannot_bring_its_own_ledger(repo):
    # An orphan branch whose root makes its author the office, merged into main.
    repo.git("checkout", "-q", "--orphan", "mine")
    repo.write("ledger.yaml", AUDIT_LEDGER.replace("{id: zjj, name: 市住房和城乡建设局}",
                                                   "{id: zjj, name: 市住房和城乡建设局, role: office}"))
    repo.write(ITEM, item_yaml("2025-0001", extra="deadline: 2026-06-30\n"))
    orphan = repo.commit("另起炉灶", ZJJ, "2025-03-25T09:00:00+08:00")
    repo.git("checkout", "-q", "main")
    env = repo.identity(ZJJ, "2025-03-26T09:00:00+08:00")
    repo.git("merge", "-q", "--allow-unrelated-histories", "-X", "theirs", "-m", "合并", "mine", env=env)
    findings = [f for f in audit(repo) if f.commit == orphan]
    assert found(findings) == [("unauthorised_change", ITEM, 1, orphan), ("unauthorised_change", "ledger.yaml", 1, orphan)]
    assert all("与主线无关的历史" in f.message for f in findings)


def test_switching_signatures_off_or_adding_ones_own_key_does_not_count(tmp_path):
    keys = tmp_path / "keys"
    li_key, li_pub = keygen(keys, "li")
    wang_key, wang_pub = keygen(keys, "wang")
    signed = AUDIT_LEDGER + "audit:\n  require_signed: true\n  allowed_signers: allowed_signers\n"
    repo = Repo(tmp_path / "ledger", signed)
    repo.write("allowed_signers", f'li@duchashi.example namespaces="git" {li_pub}\n'
                                  f'wang@zjj.example namespaces="git" {wang_pub}\n')
    repo.write(ITEM, item_yaml("2025-0001"))
    repo.signed_commit("新建", OFFICE, "2025-03-20T10:00:00+08:00", li_key)
    base = repo.git("rev-parse", "HEAD")

    # 1. Signing switched off in the same unsigned commit.
    repo.write("ledger.yaml", signed.replace("require_signed: true", "require_signed: false"))
    repo.write(ITEM, item_yaml("2025-0001", events=[P1]))
    unsigned = repo.commit("关掉签名要求", ZJJ, "2025-03-26T09:00:00+08:00")
    findings = audit(repo, f"{base}..HEAD")
    assert ("unsigned_commit", ITEM, 1, unsigned) in found(findings)
    assert ("unauthorised_change", "ledger.yaml", 1, unsigned) in found(findings)
    repo.git("reset", "-q", "--hard", base)

    # 2. 王芳 registers her own key as the office's and commits as 李明, signed with it.
    repo.write("allowed_signers", f'li@duchashi.example namespaces="git" {li_pub}\n'
                                  f'li@duchashi.example namespaces="git" {wang_pub}\n'
                                  f'wang@zjj.example namespaces="git" {wang_pub}\n')
    repo.write(ITEM, item_yaml("2025-0001", extra="deadline: 2026-06-30\n"))
    forged = repo.signed_commit("冒充督查室延期", OFFICE, "2025-03-26T09:00:00+08:00", wang_key)
    for rev_range in (None, f"{base}..HEAD"):
        findings = audit(repo, rev_range)
        assert [(f.code, f.file, f.line, f.commit) for f in findings] == [("unsigned_commit", "allowed_signers", 1, forged)]


def test_the_pre_receive_hook_judges_by_the_pushed_commits_parent(tmp_path):
    import datetime as dt
    import os
    import shutil
    import subprocess
    import sys

    from ..conftest import REPO

    bare = tmp_path / "server.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    shutil.copy(REPO / "hooks" / "pre-receive", bare / "hooks" / "pre-receive")
    os.chmod(bare / "hooks" / "pre-receive", 0o755)
    env = {**os.environ, "DUCHA": f"{sys.executable} -m ducha"}
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(microsecond=0)
    today = now.date().isoformat()
    repo = Repo(tmp_path / "clone")
    repo.write(ITEM, item_yaml("2025-0001"))
    repo.commit("新建事项", OFFICE, (now - dt.timedelta(minutes=2)).isoformat())
    first = subprocess.run(["git", "push", str(bare), "HEAD:main"], cwd=repo.root, env=env, capture_output=True,
                           text=True)
    assert first.returncode == 0, first.stderr

    repo.write("ledger.yaml", AUDIT_LEDGER.replace("{id: zjj, name: 市住房和城乡建设局}",
                                                   "{id: zjj, name: 市住房和城乡建设局, role: office}"))
    repo.write(ITEM, item_yaml("2025-0001", events=[f"date: {today}, type: urge"]))
    bad = repo.commit("自己升为督查室并催办", ZJJ, (now - dt.timedelta(minutes=1)).isoformat())
    refused = subprocess.run(["git", "push", str(bare), "HEAD:main"], cwd=repo.root, env=env, capture_output=True,
                             text=True)
    assert refused.returncode != 0
    assert "unauthorised_change" in refused.stderr and bad[:10] in refused.stderr
    assert "添加 urge 记录只能由督查室进行" in refused.stderr
