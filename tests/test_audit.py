"""`ducha audit` on real repositories: each tamper scenario is caught, honest history is clean."""
import json
import subprocess

import pytest

from ducha.audit import run_audit
from ducha.cache import cache_folder
from ducha.ledger import load_config

from .conftest import as_json, item_yaml
from .gitrepo import AUDIT_LEDGER, FGW, OFFICE, STRANGER, ZJJ, Repo, audit

ITEM = "items/2025/2025-0001.yaml"
P1 = "date: 2025-03-25, type: progress, text: 已开工"



def codes(findings):
    return [(f.code, f.file, f.commit) for f in findings]


@pytest.fixture
def repo(tmp_path):
    r = Repo(tmp_path / "ledger")
    r.write(ITEM, item_yaml("2025-0001"))
    r.commit("新建事项", OFFICE, "2025-03-20T10:00:00+08:00")
    return r


def test_honest_history_has_no_findings(repo, cli):
    repo.write(ITEM, item_yaml("2025-0001", events=[P1]))
    repo.commit("报告进展", ZJJ, "2025-03-26T09:00:00+08:00")
    repo.write(ITEM, item_yaml("2025-0001", events=[P1, "date: 2025-04-30, type: urge"]))
    repo.commit("催办", OFFICE, "2025-04-30T16:00:00+08:00")
    events = [P1, "date: 2025-04-30, type: urge",
              "date: 2025-05-06, type: extension, new_deadline: 2026-01-31, text: 申请延期"]
    repo.write(ITEM, item_yaml("2025-0001", events=events))
    repo.commit("申请延期", ZJJ, "2025-05-06T09:00:00+08:00")
    events.append("date: 2025-05-08, type: extension, new_deadline: 2026-01-31, approved: true")
    repo.write(ITEM, item_yaml("2025-0001", events=events, extra="contact: 王芳 0558-1234\n"))
    repo.commit("批准延期", OFFICE, "2025-05-08T09:00:00+08:00")
    assert audit(repo) == []
    code, out, _ = cli("audit", "--ledger", str(repo.root), "--format", "json", "--no-cache")
    assert code == 0 and as_json(out) == {"findings": []}


def test_published_event_edited_or_removed(repo):
    repo.write(ITEM, item_yaml("2025-0001", events=[P1]))
    repo.commit("进展", ZJJ, "2025-03-26T09:00:00+08:00")
    repo.write(ITEM, item_yaml("2025-0001", events=[P1, "date: 2025-04-25, type: progress, text: 过半"]))
    repo.commit("进展", ZJJ, "2025-04-26T09:00:00+08:00")
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress, text: 全部完工"]))
    bad = repo.commit("改写进展", ZJJ, "2025-05-01T09:00:00+08:00")
    found = audit(repo)
    assert codes(found) == [("append_only_violation", ITEM, bad)] * 2
    edited = next(f for f in found if "被修改" in f.message)
    removed = next(f for f in found if "被删除" in f.message)
    assert (edited.line, edited.item) == (7, "2025-0001")
    assert removed.line == 6  # the events: key, where the record was
    assert "2025-04-25" in removed.message


def test_deleting_an_item_removes_its_published_events(repo):
    repo.write(ITEM, item_yaml("2025-0001", events=[P1]))
    repo.commit("进展", ZJJ, "2025-03-26T09:00:00+08:00")
    (repo.root / ITEM).unlink()
    bad = repo.commit("删除事项", OFFICE, "2025-04-01T09:00:00+08:00")
    assert codes(audit(repo)) == [("append_only_violation", ITEM, bad)]


def test_merge_request_may_amend_its_own_new_event_but_not_main(repo):
    repo.write(ITEM, item_yaml("2025-0001", events=[P1]))
    repo.commit("进展", ZJJ, "2025-03-26T09:00:00+08:00")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write(ITEM, item_yaml("2025-0001", events=[P1, "date: 2025-04-25, type: progress, text: 过半"]))
    repo.commit("进展", ZJJ, "2025-04-26T09:00:00+08:00")
    repo.write(ITEM, item_yaml("2025-0001", events=[P1, "date: 2025-04-25, type: progress, text: 过半（更正）"]))
    repo.commit("修改本分支的记录", ZJJ, "2025-04-27T09:00:00+08:00")
    assert audit(repo, "main..feature") == []
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress, text: 改了主线的记录",
                                                    "date: 2025-04-25, type: progress, text: 过半（更正）"]))
    bad = repo.commit("改主线记录", ZJJ, "2025-04-28T09:00:00+08:00")
    assert codes(audit(repo, "main..feature")) == [("append_only_violation", ITEM, bad)]


def test_backdated_and_future_events(repo):
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-01, type: progress, text: 补录"]))
    late = repo.commit("补录", ZJJ, "2025-03-20T09:00:00+08:00", committer_date="2025-03-20T09:00:00+08:00")
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-01, type: progress, text: 补录",
                                                    "date: 2025-03-27, type: completed"]))
    early = repo.commit("预报办结", ZJJ, "2025-03-21T09:00:00+08:00")
    found = audit(repo)
    assert codes(found) == [("backdated_event", ITEM, late), ("future_event", ITEM, early)]
    assert "晚了 19 天" in found[0].message and found[0].line == 7


def test_backdate_limit_comes_from_ledger(tmp_path):
    repo = Repo(tmp_path, AUDIT_LEDGER + "audit:\n  backdate_days: 30\n")
    repo.write(ITEM, item_yaml("2025-0001"))
    repo.commit("新建")
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-01, type: progress"]))
    repo.commit("补录", ZJJ, "2025-03-20T09:00:00+08:00")
    assert audit(repo) == []


@pytest.mark.parametrize("who, change, expect", [
    (ZJJ, lambda r: r.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: urge"])), "urge"),
    (FGW, lambda r: r.write(ITEM, item_yaml("2025-0001", events=[P1])), "不是该事项的主办或协办单位"),
    (ZJJ, lambda r: r.write(ITEM, item_yaml("2025-0001", extra="deadline: 2026-06-30\n")), "deadline"),
    (ZJJ, lambda r: r.write("items/2025/2025-0002.yaml", item_yaml("2025-0002")), "新建督查事项"),
    (ZJJ, lambda r: r.write(ITEM, item_yaml("2025-0001", events=[
        "date: 2025-03-25, type: extension, new_deadline: 2026-01-31, approved: true"])), "approved"),
    (ZJJ, lambda r: r.write("ledger.yaml", AUDIT_LEDGER + "  - {email: x@zjj.example, name: 某, unit: zjj}\n"),
     "ledger.yaml"),
    (STRANGER, lambda r: r.write(ITEM, item_yaml("2025-0001", events=[P1])), "不在 ledger.yaml 的 people"),
])
def test_unauthorised_changes(repo, who, change, expect):
    change(repo)
    bad = repo.commit("改动", who, "2025-03-26T09:00:00+08:00")
    found = audit(repo)
    assert [f.code for f in found] == ["unauthorised_change"]
    assert found[0].commit == bad and expect in found[0].message


def test_co_unit_may_report(tmp_path):
    repo = Repo(tmp_path)
    repo.write(ITEM, item_yaml("2025-0001", extra="co_units: [fgw]\n"))
    repo.commit("新建")
    repo.write(ITEM, item_yaml("2025-0001", extra="co_units: [fgw]\n", events=[P1]))
    repo.commit("协办单位报告", FGW, "2025-03-26T09:00:00+08:00")
    assert audit(repo) == []


# --- signatures --------------------------------------------------------------------


def keygen(folder, name):
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key, (folder / f"{name}.pub").read_text().strip()


def test_signatures_must_be_good_and_the_authors_own(tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir()
    li_key, li_pub = keygen(keys, "li")
    wang_key, wang_pub = keygen(keys, "wang")
    repo = Repo(tmp_path / "ledger", AUDIT_LEDGER + "audit:\n  require_signed: true\n  allowed_signers: allowed_signers\n")
    repo.write("allowed_signers", f'li@duchashi.example namespaces="git" {li_pub}\n'
                                  f'wang@zjj.example namespaces="git" {wang_pub}\n')

    def signed(key):
        return ("-c", "gpg.format=ssh", "-c", f"user.signingkey={key}")

    def commit(message, who, date, key=None):
        name, email = who
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
               "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        repo.git("add", "-A", env=env)
        args = [*signed(key), "commit", "-q", "-S", "-m", message] if key else ["commit", "-q", "-m", message]
        repo.git(*args, env=env)
        return repo.git("rev-parse", "HEAD")

    repo.write(ITEM, item_yaml("2025-0001"))
    commit("新建", OFFICE, "2025-03-20T10:00:00+08:00", li_key)
    repo.write(ITEM, item_yaml("2025-0001", events=[P1]))
    commit("进展", ZJJ, "2025-03-26T09:00:00+08:00", wang_key)
    assert audit(repo) == []
    repo.write(ITEM, item_yaml("2025-0001", events=[P1, "date: 2025-04-25, type: progress"]))
    unsigned = commit("未签名", ZJJ, "2025-04-26T09:00:00+08:00")
    repo.write(ITEM, item_yaml("2025-0001", events=[P1, "date: 2025-04-25, type: progress",
                                                    "date: 2025-05-25, type: progress"]))
    borrowed = commit("用别人的钥匙签名", ZJJ, "2025-05-26T09:00:00+08:00", li_key)
    found = audit(repo)
    assert [(f.code, f.commit) for f in found] == [("unsigned_commit", unsigned), ("unsigned_commit", borrowed)]
    assert "没有签名" in found[0].message and "不是作者本人" in found[1].message


# --- published history -----------------------------------------------------------------


def test_rewritten_history_is_caught(repo, tmp_path, cli):
    repo.write(ITEM, item_yaml("2025-0001", events=[P1]))
    published_head = repo.commit("进展", ZJJ, "2025-03-26T09:00:00+08:00")
    published = tmp_path / "ledger-head.json"
    published.write_text(json.dumps({"commit": published_head}), encoding="utf-8")
    assert audit(repo, published=published) == []
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress, text: 另一个版本"]))
    repo.commit("改写后的进展", ZJJ, "2025-03-26T09:00:00+08:00")
    found = audit(repo, published=published)
    assert [(f.code, f.commit) for f in found] == [("history_rewritten", published_head)]
    code, out, _ = cli("audit", "--ledger", str(repo.root), "--published", str(published), "--format", "json",
                       "--no-cache")
    data = as_json(out)
    assert code == 1 and data["findings"][0]["commit"] == published_head


def test_audit_json_carries_the_commit(repo, cli):
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: urge"]))
    bad = repo.commit("单位自己催办", ZJJ, "2025-03-26T09:00:00+08:00")
    code, out, _ = cli("audit", "--ledger", str(repo.root), "--format", "json", "--no-cache")
    [finding] = as_json(out)["findings"]
    assert code == 1
    assert finding == {**finding, "code": "unauthorised_change", "severity": "error", "commit": bad,
                       "file": ITEM, "item": "2025-0001", "line": 7}
    code, out, _ = cli("audit", "--ledger", str(repo.root), "--range", "nonexistent..HEAD")
    assert code == 2


def test_cached_audit_matches_and_sees_new_commits(repo):
    config, _ = load_config(repo.root)
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: urge"]))
    first_bad = repo.commit("单位自己催办", ZJJ, "2025-03-26T09:00:00+08:00")
    cold = run_audit(repo.root, config).findings
    warm = run_audit(repo.root, config).findings
    assert [(f.code, f.commit) for f in warm] == [(f.code, f.commit) for f in cold] == [
        ("unauthorised_change", first_bad)]
    assert (cache_folder(repo.root) / "audit.json").is_file() and not (repo.root / ".ducha-cache").exists()
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: urge", "date: 2025-01-01, type: progress"]))
    second_bad = repo.commit("补录", ZJJ, "2025-03-27T09:00:00+08:00")
    found = run_audit(repo.root, config).findings
    assert {(f.code, f.commit) for f in found} == {("unauthorised_change", first_bad),
                                                   ("backdated_event", second_bad)}


def test_people_are_judged_as_listed_before_each_commit(repo):
    repo.write(ITEM, item_yaml("2025-0001", events=[P1]))
    early = repo.commit("进展", STRANGER, "2025-03-26T09:00:00+08:00")
    config, _ = load_config(repo.root)
    assert [(f.code, f.commit) for f in run_audit(repo.root, config).findings] == [("unauthorised_change", early)]
    # Today's working tree grants nothing: only a committed ledger.yaml does, for the commits after it.
    (repo.root / "ledger.yaml").write_text(AUDIT_LEDGER + "  - {email: who@nowhere.example, name: 某人, unit: zjj}\n",
                                           encoding="utf-8")
    config, _ = load_config(repo.root)
    assert [(f.code, f.commit) for f in run_audit(repo.root, config).findings] == [("unauthorised_change", early)]
    repo.commit("督查室登记人员", OFFICE, "2025-03-27T09:00:00+08:00")
    repo.write(ITEM, item_yaml("2025-0001", events=[P1, "date: 2025-04-25, type: progress"]))
    repo.commit("进展", STRANGER, "2025-04-26T09:00:00+08:00")
    assert [(f.code, f.commit) for f in run_audit(repo.root, config).findings] == [("unauthorised_change", early)]


def test_a_commit_message_cannot_hide_the_commits_changes(repo):
    # The log is one stream: a subject or author name carrying the record separator
    # and a made-up header must not cut the commit's own changes off.
    fake = "\x1e" + "0" * 40 + "\x00\x002025-03-26T09:00:00+08:00\x002025-03-26T09:00:00+08:00\x00li@duchashi.example"
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: urge"]))
    bad = repo.commit("催办" + fake.replace("\x00", " "), (ZJJ[0] + fake.replace("\x00", ""), ZJJ[1]),
                      "2025-03-26T09:00:00+08:00")
    assert codes(audit(repo)) == [("unauthorised_change", ITEM, bad)]


def test_branch_edits_are_judged_file_by_file_even_beside_a_file_named_with_a_newline(repo):
    """The audit reads the fork point's files for all edits at once: an odd file name cannot shift the others."""
    odd = "items/2025/0\n.yaml"
    repo.write(ITEM, item_yaml("2025-0001", events=[P1]))
    repo.write(odd, item_yaml("0\n", events=[P1]))
    repo.commit("进展", OFFICE, "2025-03-26T09:00:00+08:00")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("items/2025/2025-0002.yaml", item_yaml("2025-0002"))
    repo.commit("新建事项", OFFICE, "2025-04-27T09:00:00+08:00")  # the edit below is off the main line
    repo.write(odd, item_yaml("0\n", events=["date: 2025-03-25, type: progress, text: 改过"]))
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress, text: 改了主线的记录"]))
    bad = repo.commit("改主线记录", OFFICE, "2025-04-28T09:00:00+08:00")
    assert ("append_only_violation", ITEM, bad) in codes(audit(repo, "main..feature"))
