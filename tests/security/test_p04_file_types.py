"""Issue 9, point 4 (file types): only regular files under items/ and inspections/ are read.

A FIFO named *.yaml hung `ducha check` forever, a symlink let anyone change
an item by editing a file outside items/, and a broken symlink in
inspections/ was a traceback. Each is now a finding naming the file, and
the entry is never opened.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ..conftest import LEDGER_YAML, item_yaml, write_ledger

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs and symlinks")

LEDGER = LEDGER_YAML + "leaders:\n  - {id: mayor, name: 张建国, title: 市长}\n"
VISIT = "leader: mayor\ndate: 2025-05-20\nplaces: [现场]\nitems: [2025-0001]\n"


def ducha(*args: str, cwd) -> tuple[int, str, str]:
    """The real CLI in a subprocess; a run that blocks fails the test after 20 s."""
    proc = subprocess.run([sys.executable, "-m", "ducha", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=20)
    return proc.returncode, proc.stdout, proc.stderr


def check_json(root) -> tuple[int, dict, str]:
    code, out, err = ducha("check", "--as-of", "2025-06-01", "--format", "json", "--no-cache", cwd=root)
    assert "Traceback" not in out + err
    return code, json.loads(out), err


def finding(report: dict, file: str) -> dict:
    found = [f for f in report["findings"] if f["file"] == file]
    assert found, f"no finding for {file}: {report['findings']}"
    return found[0]


@pytest.fixture
def ledger(tmp_path):
    return write_ledger(tmp_path / "ledger", {
        "items/2025/2025-0001.yaml": item_yaml("2025-0001"),
        "inspections/2025-05-20-mayor.yaml": VISIT,
    }, LEDGER)


def test_fifo_item_file_is_a_finding_and_does_not_block(ledger):
    os.mkfifo(ledger / "items/2025/2025-0002.yaml")
    code, report, _ = check_json(ledger)
    f = finding(report, "items/2025/2025-0002.yaml")
    assert f["code"] == "yaml_syntax" and f["line"] in (None, 1)
    assert "普通文件" in f["message"] and "管道" in f["message"]
    assert code == 1
    assert [i["id"] for i in report["items"]] == ["2025-0001"]  # the rest of the ledger is still checked


def test_fifo_in_inspections_does_not_block(ledger):
    os.mkfifo(ledger / "inspections/2025-06-01-mayor.yaml")
    code, report, _ = check_json(ledger)
    f = finding(report, "inspections/2025-06-01-mayor.yaml")
    assert f["code"] == "yaml_syntax" and "普通文件" in f["message"]


def test_fifo_named_on_the_command_line_does_not_block(ledger):
    os.mkfifo(ledger / "items/2025/2025-0002.yaml")
    code, out, err = ducha("validate", "--format", "json", "--no-cache", "items/2025/2025-0002.yaml", cwd=ledger)
    assert "Traceback" not in out + err
    assert code == 1
    assert "items/2025/2025-0002.yaml" in {f["file"] for f in json.loads(out)["findings"]}


def test_symlinked_item_file_is_not_read(ledger, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(item_yaml("2025-0002").replace("完成城区老旧小区改造120个", "由外部文件控制的标题"),
                       encoding="utf-8")
    (ledger / "items/2025/2025-0002.yaml").symlink_to(outside)
    code, report, _ = check_json(ledger)
    f = finding(report, "items/2025/2025-0002.yaml")
    assert f["code"] == "yaml_syntax" and "符号链接" in f["message"] and "普通文件" in f["message"]
    assert [i["id"] for i in report["items"]] == ["2025-0001"]
    assert "由外部文件控制的标题" not in json.dumps(report, ensure_ascii=False)


def test_symlink_to_a_file_inside_items_is_not_read_either(ledger):
    # Even inside the ledger: editing 2025-0001 would silently change "2025-0002".
    (ledger / "items/2025/2025-0002.yaml").symlink_to("2025-0001.yaml")
    _, report, _ = check_json(ledger)
    assert finding(report, "items/2025/2025-0002.yaml")["code"] == "yaml_syntax"
    assert [f["code"] for f in report["findings"] if f["code"] == "duplicate_id"] == []


def test_broken_symlink_in_inspections_is_a_finding(ledger):
    (ledger / "inspections/2025-06-01-mayor.yaml").symlink_to("no-such-file.yaml")
    code, report, _ = check_json(ledger)
    f = finding(report, "inspections/2025-06-01-mayor.yaml")
    assert f["code"] == "yaml_syntax" and "符号链接" in f["message"]


def test_symlinked_folders_are_not_followed(ledger, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "2024-0001.yaml").write_text(item_yaml("2024-0001", assigned="2024-02-20"), encoding="utf-8")
    (elsewhere / "2024-05-01-mayor.yaml").write_text(VISIT.replace("2025-05-20", "2024-05-01"), encoding="utf-8")
    (ledger / "items/2024").symlink_to(elsewhere, target_is_directory=True)
    (ledger / "inspections/2024").symlink_to(elsewhere, target_is_directory=True)
    _, report, _ = check_json(ledger)
    assert [i["id"] for i in report["items"]] == ["2025-0001"]
    assert finding(report, "items/2024")["code"] == "yaml_syntax"
    assert finding(report, "inspections/2024")["code"] == "yaml_syntax"


def test_a_new_symlink_is_reported_even_when_the_result_was_cached(ledger, tmp_path):
    code, _, _ = ducha("check", "--as-of", "2025-06-01", "--format", "json", cwd=ledger)  # fills the cache
    assert code == 0
    (ledger / "inspections/2025-06-01-mayor.yaml").symlink_to("no-such-file.yaml")
    _, out, _ = ducha("check", "--as-of", "2025-06-01", "--format", "json", cwd=ledger)
    assert "inspections/2025-06-01-mayor.yaml" in {f["file"] for f in json.loads(out)["findings"]}


def test_fifo_as_ledger_yaml_does_not_block(tmp_path):
    root = tmp_path / "ledger"
    (root / "items").mkdir(parents=True)
    os.mkfifo(root / "ledger.yaml")
    code, out, err = ducha("check", "--as-of", "2025-06-01", cwd=root)
    assert code == 2 and "Traceback" not in out + err
    assert "ledger.yaml" in err and "普通文件" in err
