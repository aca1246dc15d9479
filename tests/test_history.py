"""Reading the ledger's Git history into item-level changes, from real repositories."""
import pytest

from ducha.cache import cache_folder
from ducha.history import HistoryError, describe, item_history, read_history

from .conftest import item_yaml
from .gitrepo import ZJJ, Repo

ITEM = "items/2025/2025-0001.yaml"


def test_changes_per_commit(tmp_path):
    repo = Repo(tmp_path)
    repo.write(ITEM, item_yaml("2025-0001"))
    first = repo.commit("新建事项")
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress, text: 已开工"]))
    second = repo.commit("报告进展", ZJJ, "2025-03-26T09:00:00+08:00")
    repo.write(ITEM, item_yaml("2025-0001", extra="deadline: 2025-11-30\n",
                               events=["date: 2025-03-25, type: progress, text: 已开工"]))
    third = repo.commit("调整期限")
    records = read_history(tmp_path, use_cache=False)
    assert [r.sha for r in records] == [first, second, third]
    assert records[0].author_email == "li@duchashi.example"
    kinds = [[c.kind for c in r.changes] for r in records]
    assert kinds == [["item_created", "ledger_changed"], ["event_added"], ["field_changed"]]
    added = records[1].changes[0]
    assert (added.item, added.index, added.new["text"], added.line) == ("2025-0001", 0, "已开工", 7)
    changed = records[2].changes[0]
    assert (changed.key, changed.old, changed.new) == ("deadline", None, "2025-11-30")
    assert records[1].committer_date.isoformat() == "2025-03-26T09:00:00+08:00"
    assert records[1].item_units[ITEM] == ("zjj",)


def test_edits_and_removals_are_seen(tmp_path):
    repo = Repo(tmp_path)
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress, text: 已开工",
                                                    "date: 2025-04-25, type: progress, text: 过半"]))
    repo.commit("新建")
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress, text: 已全部开工"]))
    repo.commit("改写")
    last = read_history(tmp_path, use_cache=False)[-1]
    assert [(c.kind, c.index) for c in last.changes] == [("event_edited", 0), ("event_removed", 1)]
    assert describe(last.changes[0]) == "修改记录（第 1 条）：2025-03-25 进展报告 已开工 → 2025-03-25 进展报告 已全部开工"


def test_cache_reads_only_new_commits(tmp_path):
    repo = Repo(tmp_path)
    repo.write(ITEM, item_yaml("2025-0001"))
    repo.commit("新建")
    assert len(read_history(tmp_path)) == 1
    assert (cache_folder(tmp_path) / "history.sqlite").is_file() and not (tmp_path / ".ducha-cache").exists()
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress"]))
    repo.commit("进展")
    records = read_history(tmp_path)
    assert [len(r.changes) for r in records] == [2, 1]


def test_ledger_in_a_subfolder_and_other_files_are_plain_file_changes(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.write("README.md", "x")
    repo.write("ledger/ledger.yaml", (tmp_path / "repo" / "ledger.yaml").read_text(encoding="utf-8"))
    repo.write("ledger/" + ITEM, item_yaml("2025-0001"))
    repo.commit("新建")
    records = read_history(tmp_path / "repo" / "ledger", use_cache=False)
    # Every path has an owner: files outside the ledger folder are reported relative to it.
    assert [(c.kind, c.path) for c in records[0].changes] == [
        ("file_changed", "../README.md"), ("file_changed", "../ledger.yaml"), ("item_created", ITEM),
        ("ledger_changed", "ledger.yaml")]


def test_item_history_for_people(tmp_path, cli):
    repo = Repo(tmp_path)
    repo.write(ITEM, item_yaml("2025-0001"))
    repo.commit("新建事项")
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress, text: 已开工"]))
    repo.commit("报告进展", ZJJ, "2025-03-26T09:00:00+08:00")
    assert len(item_history(tmp_path, "2025-0001", use_cache=False)) == 2
    code, out, _ = cli("history", "2025-0001", "--ledger", str(tmp_path))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("2025-03-20 10:00  李明 <li@duchashi.example>")
    assert "新建事项" in lines[1]
    assert "王芳" in lines[2] and lines[3].strip() == "添加记录：2025-03-25 进展报告 已开工"
    code, out, _ = cli("history", "2099-0001", "--ledger", str(tmp_path))
    assert code == 1 and "没有找到" in out


def test_not_a_repository(tmp_path):
    (tmp_path / "items").mkdir()
    with pytest.raises(HistoryError, match="Git"):
        read_history(tmp_path, use_cache=False)
