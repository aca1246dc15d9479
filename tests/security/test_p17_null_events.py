"""Issue 9 point 17: the audit accepts what validation accepts.

An item written with an empty `events:` (YAML null, `~`, `null`) or none at
all, later given its first event by its lead unit, is an append
(`event_added`), not a change of the field `events` that only the office
may make.
"""
import pytest

from ducha.history import read_history

from ..conftest import item_yaml
from ..gitrepo import OFFICE, ZJJ, Repo, audit

ITEM = "items/2025/2025-0001.yaml"



@pytest.mark.parametrize("empty", ["events:\n", "events: ~\n", "events: null\n", "events: Null\n", ""])
def test_first_event_after_an_empty_events_key_is_an_append(tmp_path, empty):
    repo = Repo(tmp_path)
    repo.write(ITEM, item_yaml("2025-0001", extra=empty))
    repo.commit("新建事项", OFFICE, "2025-03-20T10:00:00+08:00")
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress, text: 已开工"]))
    sha = repo.commit("首次报告进展", ZJJ, "2025-03-26T09:00:00+08:00")

    assert audit(repo) == []
    record = read_history(tmp_path, use_cache=False)[-1]
    assert record.sha == sha
    assert [(c.kind, c.path, c.index, c.line) for c in record.changes] == [("event_added", ITEM, 0, 7)]


def test_an_added_event_after_null_is_still_judged(tmp_path):
    # The append is checked like any other: a unit may not add an urge, even as the first event.
    repo = Repo(tmp_path)
    repo.write(ITEM, item_yaml("2025-0001", extra="events: ~\n"))
    repo.commit("新建事项", OFFICE, "2025-03-20T10:00:00+08:00")
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: urge"]))
    bad = repo.commit("单位自己催办", ZJJ, "2025-03-26T09:00:00+08:00")
    [finding] = audit(repo)
    assert (finding.code, finding.file, finding.line, finding.commit) == ("unauthorised_change", ITEM, 7, bad)
    assert "添加 urge 记录只能由督查室进行" in finding.message
    assert "修改 events" not in finding.message


def test_emptying_a_published_list_to_null_is_a_removal(tmp_path):
    repo = Repo(tmp_path)
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-18, type: progress, text: 已开工"]))
    repo.commit("新建事项", OFFICE, "2025-03-20T10:00:00+08:00")
    repo.write(ITEM, item_yaml("2025-0001", extra="events: ~\n"))
    bad = repo.commit("清空记录", OFFICE, "2025-03-26T09:00:00+08:00")
    [finding] = audit(repo)
    assert (finding.code, finding.file, finding.line, finding.commit) == ("append_only_violation", ITEM, 6, bad)
