"""Appending events without touching the rest of the file, refusing what the rules forbid."""
import datetime as dt
import os

import pytest

import ducha.edit as edit
from ducha.edit import EditRefused, append_event, append_event_text

from .conftest import item_yaml
from .gitrepo import Repo

D = dt.date
COMMENTED = """\
# yaml-language-server: $schema=../../schema/item.schema.json
# 台账说明：这行注释必须保留
id: 2025-0042
title: "完成城区老旧小区改造120个"   # 引号和行尾注释也保留
category: work_report
lead_unit: zjj
assigned: 2025-02-20
events:
  - {date: 2025-03-15, type: progress, text: 已完成摸底调查}
  # 4 月的进展待补
public: true
"""


def test_appended_line_is_the_only_change():
    new = append_event_text(COMMENTED, {"date": D(2025, 4, 15), "type": "progress", "text": "首批45个小区开工"})
    expected = COMMENTED.replace(
        "  - {date: 2025-03-15, type: progress, text: 已完成摸底调查}\n",
        "  - {date: 2025-03-15, type: progress, text: 已完成摸底调查}\n"
        "  - {date: 2025-04-15, type: progress, text: 首批45个小区开工}\n")
    assert new == expected


def test_block_style_crlf_and_bom_are_kept(tmp_path):
    text = "\ufeffid: 2025-0042\r\ntitle: 改造\r\ncategory: work_report\r\nassigned: 2025-02-20\r\nlead_unit: zjj\r\n" \
           "events:\r\n  - date: 2025-03-15\r\n    type: progress\r\n"
    path = tmp_path / "2025-0042.yaml"
    path.write_bytes(text.encode("utf-8"))
    append_event(path, "items/2025/2025-0042.yaml", {"date": D(2025, 4, 1), "type": "urge", "note": "电话: 催办"})
    assert path.read_bytes() == (text + "  - date: 2025-04-01\r\n    type: urge\r\n    note: '电话: 催办'\r\n"
                                 ).encode("utf-8")


def test_values_that_yaml_would_misread_are_quoted(tmp_path):
    path = tmp_path / "2025-0042.yaml"
    path.write_text(item_yaml(), encoding="utf-8")
    item, line = append_event(path, "items/2025/2025-0042.yaml",
                              {"date": D(2025, 4, 1), "type": "progress", "text": "no"})
    assert line == "{date: 2025-04-01, type: progress, text: 'no'}"
    assert item.events[-1].text == "no"


@pytest.mark.parametrize("event, message", [
    ({"date": D(2025, 3, 1), "type": "progress"}, "早于最后一条记录"),
    ({"date": D(2025, 5, 1), "type": "progres"}, "不认识的记录类型"),
    ({"date": D(2025, 5, 1), "type": "extension"}, "new_deadline"),
    ({"date": D(2025, 5, 1), "type": "urge", "result": "pass"}, "不用这些键"),
])
def test_refusals_leave_the_file_alone(tmp_path, event, message):
    path = tmp_path / "2025-0042.yaml"
    path.write_text(COMMENTED, encoding="utf-8")
    with pytest.raises(EditRefused, match=message):
        append_event(path, "items/2025/2025-0042.yaml", event)
    assert path.read_text(encoding="utf-8") == COMMENTED


def test_broken_file_is_not_touched(tmp_path):
    path = tmp_path / "2025-0042.yaml"
    path.write_text(COMMENTED + "deadline: 2025-3-5\n", encoding="utf-8")
    with pytest.raises(EditRefused) as err:
        append_event(path, "items/2025/2025-0042.yaml", {"date": D(2025, 5, 1), "type": "urge"})
    assert err.value.findings and err.value.findings[0].code == "invalid_field"


def test_interrupted_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "2025-0042.yaml"
    path.write_text(COMMENTED, encoding="utf-8")

    def interrupted(src, dst):
        raise KeyboardInterrupt  # the process dies between writing the new file and the rename

    monkeypatch.setattr(edit.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        append_event(path, "items/2025/2025-0042.yaml", {"date": D(2025, 5, 1), "type": "urge"})
    assert path.read_text(encoding="utf-8") == COMMENTED
    # No temp file left; only the edit lock's folder, which keeps itself out of Git.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".ducha-lock", "2025-0042.yaml"]
    assert (tmp_path / ".ducha-lock" / ".gitignore").read_text(encoding="utf-8") == "*\n"


def test_event_command_commits_with_a_message_naming_item_and_event(tmp_path, cli):
    repo = Repo(tmp_path / "ledger")
    repo.write("items/2025/2025-0042.yaml", COMMENTED)
    repo.commit("新建")
    env = {"GIT_AUTHOR_NAME": "王芳", "GIT_AUTHOR_EMAIL": "wang@zjj.example",
           "GIT_COMMITTER_NAME": "王芳", "GIT_COMMITTER_EMAIL": "wang@zjj.example"}
    os.environ.update(env)
    try:
        # Dated today: an older date would be refused before committing (back-dated, issue 16).
        code, out, err = cli("progress", "2025-0042", "--ledger", str(repo.root),
                             "--text", "首批45个小区开工", "--commit")
    finally:
        for k in env:
            os.environ.pop(k, None)
    assert code == 0, err
    assert "已提交" in out
    log = repo.git("log", "-1", "--format=%an|%s")
    assert log == f"王芳|2025-0042 进展报告（{dt.date.today()}）：首批45个小区开工"
    assert repo.git("status", "--porcelain") == ""
    code, _, err = cli("urge", "2099-0001", "--ledger", str(repo.root))
    assert code == 1 and "找不到事项" in err
    code, _, err = cli("event", "2025-0042", "extension", "--ledger", str(repo.root), "--date", "2025-05-01")
    assert code == 1 and "new_deadline" in err


@pytest.mark.parametrize("text", [
    "第一行\n第二行", " 以空格开头\n第二行", "末尾两个换行\n\n", "\n以换行开头", "制表\t符\n下一行", "引号'\"和\\\n行",
])
@pytest.mark.parametrize("events", [
    "events:\n  - {date: 2025-03-15, type: progress}\n",
    "events:\n  - date: 2025-03-15\n    type: progress\n",
    "events: [{date: 2025-03-15, type: progress}]\n",
])
def test_any_text_reads_back_exactly(tmp_path, text, events):
    path = tmp_path / "2025-0042.yaml"
    path.write_text(item_yaml(extra=events), encoding="utf-8")
    item, _ = append_event(path, "items/2025/2025-0042.yaml", {"date": D(2025, 4, 1), "type": "progress", "text": text})
    assert item.events[-1].text == text
    head = item_yaml().split("events:")[0]
    assert path.read_text(encoding="utf-8").startswith(head + events.split("2025-03-15")[0])


def test_a_symlinked_item_file_is_not_followed(tmp_path):
    target = tmp_path / "elsewhere.yaml"
    target.write_text(item_yaml(), encoding="utf-8")
    link = tmp_path / "2025-0042.yaml"
    link.symlink_to(target)
    with pytest.raises(EditRefused, match="不是普通文件"):
        append_event(link, "items/2025/2025-0042.yaml", {"date": D(2025, 5, 1), "type": "urge"})
    assert link.is_symlink() and target.read_text(encoding="utf-8") == item_yaml()


def test_where_the_file_system_has_no_locks_a_marker_file_excludes_and_is_named(tmp_path):
    import time

    marker, lock = tmp_path / "edit.lock.held", tmp_path / "edit.lock"
    release = edit._acquire_marker(marker, lock, time.monotonic() + 1, 1)
    with pytest.raises(EditRefused, match="edit.lock.held 后重试"):
        edit._acquire_marker(marker, lock, time.monotonic() + 0.05, 0.05)
    release()
    assert not marker.exists()
    edit._acquire_marker(marker, lock, time.monotonic() + 0.05, 0.05)()


def test_the_edit_lock_is_reentrant_within_a_process(tmp_path):
    path = tmp_path / "2025-0042.yaml"
    path.write_text(item_yaml(), encoding="utf-8")
    with edit.edit_lock(tmp_path):  # the command holds it around append and commit
        append_event(path, "items/2025/2025-0042.yaml", {"date": D(2025, 5, 1), "type": "urge"}, root=tmp_path)
    assert "type: urge" in path.read_text(encoding="utf-8")
