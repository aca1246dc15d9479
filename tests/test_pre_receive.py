"""The server-side hooks in a real bare repository: honest pushes pass, tampering is refused."""
import os
import shutil
import subprocess
import sys

from .conftest import REPO, item_yaml
from .gitrepo import OFFICE, ZJJ, Repo

ITEM = "items/2025/2025-0001.yaml"
P1 = "date: 2025-03-25, type: progress, text: 已开工"


def server(tmp_path):
    bare = tmp_path / "server.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    for hook in ("pre-receive", "post-receive"):
        shutil.copy(REPO / "hooks" / hook, bare / "hooks" / hook)
        os.chmod(bare / "hooks" / hook, 0o755)
    return bare


def push(repo, bare, *args, at=None):
    """`git push` to the server's main; `at`: the push time the hooks take instead of the clock."""
    env = {"DUCHA": f"{sys.executable} -m ducha", **({"DUCHA_PUSH_TIME": at} if at else {})}
    full = {**os.environ, **env}
    return subprocess.run(["git", "push", *args, str(bare), "HEAD:main"], cwd=repo.root, env=full,
                          capture_output=True, text=True)


def test_honest_push_is_accepted_and_tampering_refused(tmp_path):
    bare = server(tmp_path)
    repo = Repo(tmp_path / "clone")
    repo.write(ITEM, item_yaml("2025-0001"))
    repo.commit("新建事项", OFFICE, "2025-03-20T10:00:00+08:00")
    repo.write(ITEM, item_yaml("2025-0001", events=[P1]))
    repo.commit("报告进展", ZJJ, "2025-03-26T09:00:00+08:00")
    first = push(repo, bare, at="2025-03-26T10:00:00+08:00")
    assert first.returncode == 0, first.stderr

    # A unit quietly rewrites its published report.
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress, text: 已全部完工"]))
    bad = repo.commit("改写进展", ZJJ, "2025-04-01T09:00:00+08:00")
    refused = push(repo, bare, at="2025-04-01T10:00:00+08:00")
    assert refused.returncode != 0
    assert "append_only_violation" in refused.stderr and "被修改" in refused.stderr
    assert bad[:10] in refused.stderr
    server_head = subprocess.run(["git", "--git-dir", str(bare), "rev-parse", "main"], capture_output=True,
                                 text=True).stdout.strip()
    assert server_head != bad

    # Undo locally by rewriting: a force push that rewrites main is refused too.
    repo.git("reset", "-q", "--hard", "HEAD~2")
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-26, type: progress"]))
    repo.commit("另起炉灶", ZJJ, "2025-03-27T09:00:00+08:00")
    forced = push(repo, bare, "--force", at="2025-04-01T10:00:00+08:00")
    assert forced.returncode != 0 and "history_rewritten" in forced.stderr
