"""Issue 9, point 13: control characters are refused in every string.

YAML escapes ("\\x01", "\\N", "\\uFFFE") put invisible characters into a
value that validation accepted; they then broke feed.xml and JUnit XML
and crashed `export-xlsx` and `build`. Each is now an invalid_field
finding naming file, line and the character as U+XXXX; the value never
reaches the model, and nothing ducha writes carries the character.
"""
from __future__ import annotations

import re
import subprocess
import sys
from xml.etree import ElementTree as ET

import pytest

from ducha import printers
from ducha.findings import Finding

from ..conftest import LEDGER_YAML, codes, item_yaml, parse, write_ledger
from ..gitrepo import OFFICE, Repo

# What no output may contain: C0 but tab/newline/CR (CR is a line end in text), DEL, C1, U+FFFE/FFFF, surrogates.
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
INVISIBLE_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xef\xbf[\xbe\xbf]|\xed[\xa0-\xbf]")
LEDGER = LEDGER_YAML + "leaders:\n  - {id: mayor, name: 张建国, title: 市长}\n"


def ducha(*args: str, cwd, timeout: int = 60) -> tuple[int, bytes, bytes]:
    proc = subprocess.run([sys.executable, "-m", "ducha", *args], cwd=cwd, capture_output=True, timeout=timeout)
    assert b"Traceback" not in proc.stdout + proc.stderr, proc.stderr[-3000:].decode("utf-8", "replace")
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("escape, code", [
    ("\\x00", "U+0000"), ("\\x01", "U+0001"), ("\\e[2J", "U+001B"), ("\\r", "U+000D"), ("\\v", "U+000B"),
    ("\\x7f", "U+007F"), ("\\N", "U+0085"), ("\\x9b", "U+009B"), ("\\uFFFE", "U+FFFE"), ("\\uFFFF", "U+FFFF"),
])
def test_a_control_character_in_a_required_field_drops_the_item(escape, code):
    text = item_yaml().replace("title: 完成城区老旧小区改造120个", f'title: "完成改造{escape}120个"')
    item, findings = parse(text)
    assert item is None
    assert codes(findings) == [("invalid_field", 2)]
    message = findings[0].message
    assert code in message and "title" in message and "删去" in message
    assert not INVISIBLE.search(message)


def test_a_control_character_in_an_optional_field_leaves_the_field_out():
    item, findings = parse(item_yaml(extra='source: "市政府常务会议\\x08"\nnote: "内部\\x1b[31m备注"\n'))
    assert codes(findings) == [("invalid_field", 6), ("invalid_field", 7)]
    assert item is not None and item.source is None and item.note is None


def test_event_text_and_keys_are_checked_too():
    item, findings = parse(item_yaml(extra='"sou\\x01rce": x\n',
                                     events=['date: 2025-03-15, type: progress, text: "已开工\\x07"']))
    assert codes(findings) == [("invalid_field", 6), ("invalid_field", 8)]
    assert "键" in findings[0].message and "U+0001" in findings[0].message
    assert item.events[0].text is None  # the event stays; its refused text does not
    assert all(not INVISIBLE.search(f.message) for f in findings)


def test_tab_anywhere_and_newlines_in_multi_line_fields_are_fine():
    item, findings = parse(item_yaml(extra='source: "市政府\\t常务会议"\ndescription: |\n  第一段\n  第二段\n',
                                     events=['date: 2025-03-15, type: progress, text: "一行\\n两行"']))
    assert findings == []
    assert item.source == "市政府\t常务会议" and item.description == "第一段\n第二段\n"


@pytest.mark.parametrize("value", ['"完成改造\\n120个"', "|\n  完成改造\n  120个"])
def test_newline_in_a_one_line_field_is_refused(value):
    text = item_yaml().replace("title: 完成城区老旧小区改造120个", f"title: {value}")
    item, findings = parse(text)
    assert item is None and codes(findings) == [("invalid_field", 2)]
    assert "U+000A" in findings[0].message and "一行" in findings[0].message


def test_lone_surrogate_escape_is_a_finding():
    item, findings = parse(item_yaml().replace("title: 完成城区老旧小区改造120个", 'title: "a\\ud800b"'))
    assert item is None and [f.line for f in findings] == [2]
    assert not INVISIBLE.search(findings[0].message)


def test_ledger_yaml_and_inspections_are_checked(tmp_path, cli):
    ledger = LEDGER.replace("市住房和城乡建设局", '"市住房和城乡建设局\\x00"')
    root = write_ledger(tmp_path, {
        "items/2025/2025-0001.yaml": item_yaml("2025-0001", lead="qcq"),
        "inspections/x.yaml": 'leader: mayor\ndate: 2025-05-20\nfindings: "现场\\x1b]0;pwned\\x07"\n',
    }, ledger)
    code, out, _ = cli("validate", "--ledger", str(root), "--format", "json", "--no-cache")
    found = {(f["file"], f["line"], f["code"]) for f in __import__("json").loads(out)["findings"]}
    assert ("ledger.yaml", 4, "invalid_field") in found
    assert ("inspections/x.yaml", 3, "invalid_field") in found
    assert code == 1


def hostile_ledger(root) -> Repo:
    """A Git ledger whose public item gains control characters in its second commit."""
    repo = Repo(root, LEDGER)
    path = "items/2025/2025-0001.yaml"
    repo.write(path, item_yaml("2025-0001", extra="public: true\nsource: 市政府常务会议\n"))
    repo.commit("新建事项", OFFICE, "2025-03-20T10:00:00+08:00")
    repo.write(path, item_yaml("2025-0001", extra='public: true\nsource: "市政府常务会议\\x01"\n', events=[
        'date: 2025-03-25, type: progress, text: "已开工\\x1b[31m\\uFFFE"',
        "date: 2025-04-25, type: completed, text: 已完成",
    ]))
    repo.write("items/2025/2025-0002.yaml", item_yaml("2025-0002").replace(
        "title: 完成城区老旧小区改造120个", 'title: "标题\\x0c"'))
    repo.commit("进展", OFFICE, "2025-03-26T10:00:00+08:00")
    return repo


def test_junit_and_text_output_stay_clean(tmp_path):
    repo = hostile_ledger(tmp_path / "ledger")
    code, out, _ = ducha("check", "--as-of", "2025-06-01", "--format", "junit", "--no-cache", cwd=repo.root)
    suite = ET.fromstring(out)  # parses: no character XML forbids
    failures = suite.findall(".//failure")
    assert {f.get("type") for f in failures} == {"invalid_field"}
    assert "U+0001" in out.decode() and "U+000C" in out.decode()
    assert code == 1
    for fmt in ("text", "github", "gitlab", "json"):
        _, out, err = ducha("check", "--as-of", "2025-06-01", "--format", fmt, cwd=repo.root)
        assert not INVISIBLE_BYTES.search(out + err), fmt


def test_build_and_export_write_no_control_character(tmp_path):
    repo = hostile_ledger(tmp_path / "ledger")
    site = tmp_path / "site"
    code, out, err = ducha("build", "--as-of", "2025-06-01", "--out", str(site), "--no-cache", cwd=repo.root,
                           timeout=180)
    assert code in (0, 1)  # an error in the ledger may stop the build; it must not crash it
    assert not INVISIBLE_BYTES.search(out + err)
    written = [p for p in site.rglob("*") if p.is_file()] if site.exists() else []
    for path in written:
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue  # images, fonts, sitemap.xml.gz
        assert not INVISIBLE.search(text), path
    for feed in (p for p in written if p.name == "feed.xml"):
        ET.parse(feed)

    xlsx = tmp_path / "out.xlsx"
    code, out, err = ducha("export-xlsx", "--as-of", "2025-06-01", "--out", str(xlsx), cwd=repo.root)
    assert code == 0
    from openpyxl import load_workbook

    for sheet in load_workbook(xlsx).worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and INVISIBLE.search(v) for v in row)


def test_printers_show_invisible_characters_from_any_source():
    # Audit findings quote commit subjects and e-mails: those are checked at print time.
    finding = Finding("items/2025/2025-0001.yaml", 3, "unsigned_commit", "提交说明 \x1b[2J\x00 未签名")
    for fmt in printers.FORMATS:
        out = printers.render(printers.Report("audit", [finding], files=["items/2025/2025-0001.yaml"]), fmt)
        assert not INVISIBLE.search(out), fmt
    ET.fromstring(printers.render(printers.Report("audit", [finding]), "junit").split("\n", 1)[1])
