"""`backfilled_events`: one commit adding events whose dates span months (read from the Git history)."""
from ..conftest import item_yaml, write_ledger
from ..gitrepo import OFFICE, ZJJ, Repo
from .common import of, signals, text

PATH = "items/2025/2025-0042.yaml"


def _repo(tmp_path, events_in_one_commit):
    repo = Repo(tmp_path / "ledger")
    repo.write(PATH, item_yaml(extra="deadline: 2025-12-31\n"))
    repo.commit("新建 2025-0042", OFFICE, "2025-02-20T10:00:00+08:00")
    repo.write(PATH, item_yaml(extra="deadline: 2025-12-31\n", events=events_in_one_commit))
    sha = repo.commit("补报进展", ZJJ, "2025-07-20T10:00:00+08:00")
    return repo, sha


def test_months_of_events_in_one_commit_are_signalled(tmp_path):
    repo, sha = _repo(tmp_path, ["date: 2025-03-15, type: progress, text: 已完成摸底调查",
                                 "date: 2025-05-15, type: progress, text: 项目已开工",
                                 "date: 2025-07-15, type: progress, text: 完成投资百分之四十"])
    code, data = signals(repo.root, "--as-of", "2025-12-31")
    [s] = of(data, "backfilled_events")
    assert code == 0 and (s["commit"], s["item"], s["file"], s["line"]) == (sha, "2025-0042", PATH, 8)
    assert s["date"] == "2025-07-20" and s["unit"] == "zjj"
    assert "一次添加了 3 条办理记录" in s["message"] and "从 2025-03-15 到 2025-07-15，跨度 122 天" in s["message"]
    assert "王芳" in s["message"] and sha[:10] in s["message"]
    assert [e["date"] for e in s["evidence"]] == ["2025-03-15", "2025-05-15", "2025-07-15"]
    assert all(e["commit"] == sha for e in s["evidence"])
    assert "弄虚作假" in s["explanation"]
    assert data["commits"] == 2


def test_events_close_together_are_quiet(tmp_path):
    repo, _ = _repo(tmp_path, ["date: 2025-07-10, type: progress, text: 项目已开工",
                               "date: 2025-07-18, type: urge"])
    assert of(signals(repo.root, "--as-of", "2025-12-31")[1], "backfilled_events") == []


def test_outside_git_the_history_signals_are_skipped_with_a_note(tmp_path):
    root = write_ledger(tmp_path / "plain", {PATH: item_yaml()})
    code, data = signals(root, "--as-of", "2025-12-31")
    assert code == 0 and data["commits"] is None
    assert any("backfilled_events" in n and "Git" in n for n in data["notes"])
    _, out = text(root, "--as-of", "2025-12-31")
    assert "说明：backfilled_events" in out
