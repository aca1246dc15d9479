"""Reading item files: every bad input gives a finding with file and line, never an exception."""
import time

import yaml

from ducha import loader
from ducha.ledger import load_ledger

from .conftest import codes, item_yaml, parse, write_ledger

REL = "items/2025/2025-0042.yaml"


def test_valid_item_keeps_lines():
    item, findings = parse(item_yaml(extra="deadline: 2025-11-30\n", events=["date: 2025-03-15, type: progress"]))
    assert findings == []
    assert item.lines["deadline"] == 6
    assert item.events[0].line == 8


def test_yaml_syntax_error_names_the_line():
    text = "id: 2025-0042\ntitle: 老旧小区改造\ncategory: work_report\n  assigned: 2025-02-20\n"
    item, findings = parse(text)
    assert item is None
    assert codes(findings) == [("yaml_syntax", 4)]
    assert findings[0].file == REL
    assert "冒号" in findings[0].message  # says how to fix it


def test_tab_indentation_is_explained():
    item, findings = parse("id: 2025-0042\nevents:\n\t- {date: 2025-01-01}\n")
    assert item is None and findings[0].code == "yaml_syntax"
    assert findings[0].line == 3 and "Tab" in findings[0].message


def test_duplicate_keys_are_not_silently_dropped():
    text = item_yaml(extra="deadline: 2025-06-30\ndeadline: 2025-12-31\n")
    item, findings = parse(text)
    assert codes(findings) == [("yaml_syntax", 7)]
    assert "第 6 行" in findings[0].message and "deadline" in findings[0].message
    assert findings[0].item == "2025-0042"


def test_duplicate_key_inside_an_event():
    text = item_yaml(events=["date: 2025-03-15, type: progress, date: 2025-03-16"])
    _, findings = parse(text)
    assert [f.code for f in findings] == ["yaml_syntax"]
    assert findings[0].line == 7


def test_empty_and_comment_only_files():
    for text in ("", "\n\n", "# 只有注释\n"):
        item, findings = parse(text)
        assert item is None
        assert codes(findings) == [("yaml_syntax", 1)]
        assert "空" in findings[0].message


def test_bom_and_crlf_are_accepted():
    data = "\ufeff".encode() + item_yaml(events=["date: 2025-03-15, type: progress"]).replace("\n", "\r\n").encode()
    item, findings = parse(data)
    assert findings == []
    assert item.title == "完成城区老旧小区改造120个" and item.events[0].line == 7


def test_non_utf8_bytes_name_the_line():
    data = item_yaml().encode() .replace("老旧小区".encode(), "老旧小区".encode("gbk"))
    item, findings = parse(data)
    assert item is None
    assert codes(findings) == [("yaml_syntax", 2)]
    assert "UTF-8" in findings[0].message


def test_merge_conflict_markers():
    text = ("id: 2025-0042\n<<<<<<< HEAD\ntitle: 甲\n=======\ntitle: 乙\n>>>>>>> feature\n"
            "category: work_report\nassigned: 2025-02-20\nlead_unit: zjj\n")
    item, findings = parse(text)
    assert item is None
    assert codes(findings) == [("yaml_syntax", 2)]
    assert "合并冲突" in findings[0].message


def test_oversized_file_is_refused_without_parsing():
    text = item_yaml(extra="description: |\n" + "  很长的说明。\n" * 30000)
    assert len(text.encode()) > loader.MAX_ITEM_BYTES
    item, findings = parse(text)
    assert item is None and findings[0].code == "yaml_syntax" and "KB" in findings[0].message


def test_alias_bomb_is_refused_fast():
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(ord("b"), ord("j")):
        prev = chr(n - 1)
        bomb.append(f"{chr(n)}: &{chr(n)} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = item_yaml(extra="description: x\n") + "\n".join(bomb) + "\n"
    # PyYAML itself loads it by sharing objects...
    assert len(yaml.safe_load(text)["i"]) == 9
    start = time.perf_counter()
    item, findings = parse(text)
    assert time.perf_counter() - start < 0.5
    assert item is None
    assert codes(findings) == [("yaml_syntax", 8)]
    assert "别名" in findings[0].message


def test_anchor_without_alias_is_fine_but_merge_keys_are_not():
    item, findings = parse(item_yaml(extra="source: &s 常务会议\n"))
    assert findings == [] and item.source == "常务会议"
    _, findings = parse(item_yaml(extra="extra:\n  <<: {a: 1}\n"))
    assert findings[0].code == "yaml_syntax" and "合并键" in findings[0].message


def test_deep_nesting_does_not_crash():
    # 100,000 levels crash PyYAML's C composer (a segfault); we stop early.
    text = "id: x\nevents: " + "[" * 100_000 + "]" * 100_000 + "\n"
    item, findings = parse(text)
    assert item is None and findings[0].code == "yaml_syntax" and "嵌套" in findings[0].message


def test_two_documents_in_one_file():
    text = item_yaml() + "---\n" + item_yaml(id="2025-0043")
    item, findings = parse(text)
    assert item is None
    assert codes(findings) == [("yaml_syntax", 6)]


def test_python_tags_are_refused():
    item, findings = parse(item_yaml(extra="note: !!python/object:os.system echo\n"))
    assert item is None and findings[0].code == "yaml_syntax" and findings[0].line == 6


def test_rest_of_ledger_is_still_read(tmp_path):
    root = write_ledger(tmp_path, {
        "items/2025/2025-0001.yaml": item_yaml("2025-0001"),
        "items/2025/2025-0002.yaml": b"\xff\xfe garbage",
        "items/2025/2025-0003.yaml": "id: [unclosed\n",
        "items/2025/2025-0004.yaml": item_yaml("2025-0004"),
    })
    ledger = load_ledger(root, use_cache=False)
    assert [i.id for i in ledger.items] == ["2025-0001", "2025-0004"]
    assert sorted((f.file, f.code) for f in ledger.findings) == [
        ("items/2025/2025-0002.yaml", "yaml_syntax"),
        ("items/2025/2025-0003.yaml", "yaml_syntax"),
    ]


def test_raw_control_character_names_line_and_code_point():
    item, findings = parse(item_yaml(extra="source: 常务\x07会议\n"))
    assert item is None and codes(findings) == [("yaml_syntax", 6)]
    assert "U+0007" in findings[0].message and "\x07" not in findings[0].message


def test_pure_python_reader_refuses_lone_surrogates_too(monkeypatch):
    # Without libyaml, "\ud800" is decoded into the value: the loader catches it.
    monkeypatch.setattr(loader, "EventLoader", yaml.SafeLoader)
    tree, findings = loader.load_text('title: "a\\ud800b"\nsource: ok\n', REL)
    assert codes(findings) == [("invalid_field", 1)] and "U+D800" in findings[0].message
    assert tree.entries["title"][1].tag == loader.REFUSED and tree.entries["title"][1].text == "aU+D800b"


def test_read_regular_refuses_fifos_and_symlinks_without_blocking(tmp_path):
    import os

    fifo, link, plain = tmp_path / "fifo.yaml", tmp_path / "link.yaml", tmp_path / "plain.yaml"
    plain.write_bytes(b"id: x\n")
    os.mkfifo(fifo)
    link.symlink_to(plain)
    assert loader.read_regular(plain, 100) == b"id: x\n"
    assert loader.read_regular(plain, 2) == b"id:"  # max_bytes + 1: enough to tell it is too big
    for path, word in ((fifo, "普通文件"), (link, "符号链接")):
        error = loader.read_regular(path, 100)
        assert isinstance(error, OSError) and word in error.strerror
