"""Issue 9, point 9: the server's clock, not the committer's, bounds when an event was entered.

A real bare repository with hooks/pre-receive and hooks/post-receive
installed, pushes from a real clone; the audit of a real history whose
branch carries a forged GIT_COMMITTER_DATE and is merged later.
"""
import datetime as dt
import os
import subprocess
import sys

from ..conftest import as_json, item_yaml
from ..gitrepo import AUDIT_LEDGER, OFFICE, ZJJ, Repo
from ..test_pre_receive import push, server

ITEM = "items/2025/2025-0001.yaml"
NOTES = "refs/notes/ducha-push"


def server_git(bare, *args):
    return subprocess.run(["git", "--git-dir", str(bare), *args], capture_output=True, text=True)


def published(tmp_path):
    """A server whose main holds one item, pushed honestly on 2025-03-20."""
    bare = server(tmp_path)
    repo = Repo(tmp_path / "clone")
    repo.write(ITEM, item_yaml("2025-0001"))
    repo.commit("新建事项", OFFICE, "2025-03-20T10:00:00+08:00")
    assert push(repo, bare, at="2025-03-20T10:05:00+08:00").returncode == 0
    return bare, repo


def test_push_with_forged_old_committer_date_is_refused(tmp_path):
    bare, repo = published(tmp_path)
    before = server_git(bare, "rev-parse", "main").stdout
    # Entered on 2025-04-30 about 2025-03-25, both dates of the commit set back to 2025-03-26:
    # the event looks one day late, the commit five weeks old.
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress, text: 已开工"]))
    forged = repo.commit("报告进展", ZJJ, "2025-03-26T09:00:00+08:00")
    refused = push(repo, bare, at="2025-04-30T16:00:00+08:00")
    assert refused.returncode != 0
    assert "committer_date_out_of_range" in refused.stderr
    line = next(x for x in refused.stderr.splitlines() if forged[:10] in x and "committer_date_out_of_range" in x)
    assert "2025-03-26T09:00" in line and "2025-04-30T16:00" in line and "7 天" in line
    assert "拒绝推送" in refused.stderr
    assert server_git(bare, "rev-parse", "main").stdout == before


def test_a_larger_backdate_limit_in_the_push_itself_does_not_count(tmp_path):
    bare, repo = published(tmp_path)
    repo.write("ledger.yaml", AUDIT_LEDGER + "audit:\n  backdate_days: 365\n")
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress"]))
    forged = repo.commit("放宽补录期限并补录", OFFICE, "2025-03-26T09:00:00+08:00")
    refused = push(repo, bare, at="2025-04-30T16:00:00+08:00")
    assert refused.returncode != 0 and forged[:10] in refused.stderr
    assert "超过允许的 7 天" in refused.stderr


def test_commit_dated_after_the_push_is_refused(tmp_path):
    bare, repo = published(tmp_path)
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress"]))
    ahead = repo.commit("报告进展", ZJJ, "2025-03-25T11:00:00+08:00")
    refused = push(repo, bare, at="2025-03-25T10:30:00+08:00")
    assert refused.returncode != 0
    assert ahead[:10] in refused.stderr and "超过允许的 10 分钟" in refused.stderr


def test_nobody_may_push_the_push_time_notes(tmp_path):
    bare, repo = published(tmp_path)
    repo.git("notes", f"--ref={NOTES}", "add", "-m", "push-time: 2020-01-01T00:00:00Z", "HEAD")
    refused = subprocess.run(["git", "push", "--force", str(bare), f"{NOTES}:{NOTES}"], cwd=repo.root,
                             env={**os.environ, "DUCHA": f"{sys.executable} -m ducha"},
                             capture_output=True, text=True)
    assert refused.returncode != 0 and "只能由服务器写入" in refused.stderr
    assert "2020-01-01" not in server_git(bare, "notes", f"--ref={NOTES}", "show", "main").stdout


def test_honest_push_is_noted_with_the_server_clock(tmp_path):
    bare = server(tmp_path)
    repo = Repo(tmp_path / "clone")
    today = dt.date.today()
    repo.write(ITEM, item_yaml("2025-0001"))
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    first = repo.commit("新建事项", OFFICE, now)
    repo.write(ITEM, item_yaml("2025-0001", events=[f"date: {today}, type: progress, text: 已开工"]))
    second = repo.commit("报告进展", ZJJ, now)
    start = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    accepted = push(repo, bare)  # the hooks read the server's clock
    end = dt.datetime.now(dt.timezone.utc)
    assert accepted.returncode == 0, accepted.stderr
    for sha in (first, second):
        note = server_git(bare, "notes", f"--ref={NOTES}", "show", sha)
        assert note.returncode == 0, note.stderr
        when = dt.datetime.fromisoformat(note.stdout.strip().removeprefix("push-time:").strip())
        assert start <= when <= end
    assert not (bare / "ducha-push" / second).exists()  # the hand-over file is cleaned up


def test_audit_takes_the_recorded_push_time(tmp_path, cli):
    bare, repo = published(tmp_path)
    # Written on 2025-03-24 about the 27th (a pre-filled completion), pushed on the 30th.
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-27, type: completed"]))
    prefilled = repo.commit("预报办结", ZJJ, "2025-03-24T09:00:00+08:00")
    assert push(repo, bare, at="2025-03-30T09:00:00+08:00").returncode == 0
    copy = tmp_path / "copy"
    subprocess.run(["git", "clone", "-q", str(bare), str(copy)], check=True)
    args = ("audit", "--ledger", str(copy), "--format", "json", "--no-cache")
    # Without the server's notes, only the committer's clock is known: the record looks pre-filled.
    code, out, _ = cli(*args)
    assert code == 1
    assert [(f["code"], f["commit"]) for f in as_json(out)["findings"]] == [("future_event", prefilled)]
    # With them, the record reached main on the 30th, after the 27th it reports.
    subprocess.run(["git", "-C", str(copy), "fetch", "-q", "origin", f"{NOTES}:{NOTES}"], check=True)
    code, out, _ = cli(*args)
    assert code == 0 and as_json(out) == {"findings": []}


def branch_merged_late(tmp_path):
    """An event of 2025-03-01 committed on a branch with both dates forged to 03-02, merged on 04-10."""
    repo = Repo(tmp_path / "ledger")
    repo.write(ITEM, item_yaml("2025-0001"))
    repo.commit("新建事项", OFFICE, "2025-02-25T10:00:00+08:00")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-01, type: progress, text: 已开工"]))
    forged = repo.commit("报告进展", ZJJ, "2025-03-02T09:00:00+08:00")
    repo.git("checkout", "-q", "main")
    return repo, forged


def merge(repo, branch, when):
    """`git merge --no-ff` by the office at `when` (as the Git host merges a request)."""
    name, email = OFFICE
    env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
           "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    repo.git("merge", "-q", "--no-ff", "-m", f"合并 {branch}", branch, env=env)
    return repo.git("rev-parse", "HEAD")


def test_branch_commit_lands_with_the_merge(tmp_path, cli):
    repo, forged = branch_merged_late(tmp_path)
    merge_sha = merge(repo, "feature", "2025-04-10T15:00:00+08:00")
    assert len(repo.git("rev-list", "--parents", "-1", merge_sha).split()) == 3
    code, out, _ = cli("audit", "--ledger", str(repo.root), "--format", "json", "--no-cache")
    [finding] = as_json(out)["findings"]
    assert code == 1
    assert (finding["code"], finding["commit"], finding["file"], finding["line"]) == (
        "backdated_event", forged, ITEM, 7)
    assert "晚了 40 天" in finding["message"] and merge_sha[:10] in finding["message"]


def test_branch_merged_early_is_fine_and_cache_follows_the_landing(tmp_path, cli):
    repo, forged = branch_merged_late(tmp_path)
    args = ("audit", "--ledger", str(repo.root), "--format", "json")
    # Audited on the branch (cache filled), then merged late: the verdict follows the merge.
    repo.git("checkout", "-q", "feature")
    assert cli(*args)[0] == 0
    repo.git("checkout", "-q", "main")
    merge(repo, "feature", "2025-04-10T15:00:00+08:00")
    code, out, _ = cli(*args)
    assert code == 1 and [f["commit"] for f in as_json(out)["findings"]] == [forged]


def test_merge_request_lands_at_the_given_time(tmp_path, cli):
    repo, forged = branch_merged_late(tmp_path)
    args = ("audit", "--ledger", str(repo.root), "--range", "main..feature", "--format", "json", "--no-cache")
    assert cli(*args)[0] == 0  # by its own (forged) date
    code, out, _ = cli(*args, "--landing-time", "2025-04-10T15:00:00+08:00")
    [finding] = as_json(out)["findings"]
    assert code == 1 and (finding["code"], finding["commit"]) == ("backdated_event", forged)
    assert "晚了 40 天" in finding["message"]
    code, _, err = cli(*args, "--landing-time", "next tuesday")
    assert code == 2 and "--landing-time" in err and "ISO 8601" in err
