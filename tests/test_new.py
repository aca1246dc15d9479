"""`ducha new`: the next free id, the rules' deadline, a file that passes validation."""
import datetime as dt

import pytest

from ducha.edit import EditRefused
from ducha.ledger import load_ledger, scan_ledger
from ducha.new import create_item, next_id

from .conftest import item_yaml, write_ledger


def test_next_id_per_year():
    assert next_id(["2025-0001", "2025-0009", "2026-0003", "other"], 2025) == "2025-0010"
    assert next_id([], 2027) == "2027-0001"


def test_create_item_derives_the_deadline_and_validates(tmp_path):
    root = write_ledger(tmp_path, {"items/2025/2025-0001.yaml": item_yaml("2025-0001")})
    scan = scan_ledger(root)
    path, item, due = create_item(root, scan.config, scan.files, {
        "title": "网友留言：路灯不亮", "category": "netizen_message", "lead_unit": "zjj",
        "assigned": dt.date(2025, 9, 26), "public": True})
    assert item.id == "2025-0002" and path == root / "items/2025/2025-0002.yaml"
    assert due.date == dt.date(2025, 10, 16)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/item.schema.json\nid: 2025-0002\n")
    ledger = load_ledger(root, use_cache=False)
    assert [i.id for i in ledger.items] == ["2025-0001", "2025-0002"] and ledger.findings == []


@pytest.mark.parametrize("values, message", [
    ({"lead_unit": "zj"}, "zjj"),
    ({"category": "leader_instruction"}, "deadline"),
])
def test_create_item_refuses_invalid_items(tmp_path, values, message):
    root = write_ledger(tmp_path, {})
    scan = scan_ledger(root)
    base = {"title": "某事项", "category": "work_report", "lead_unit": "zjj", "assigned": dt.date(2025, 3, 1)}
    with pytest.raises(EditRefused) as err:
        create_item(root, scan.config, scan.files, {**base, **values})
    assert any(message in f.message for f in err.value.findings)
    assert not (root / "items" / "2025").exists()


def test_new_command(tmp_path, cli):
    root = write_ledger(tmp_path, {})
    code, out, _ = cli("new", "--ledger", str(root), "--category", "policy_document", "--title", "贯彻落实某文件",
                       "--lead", "fgw", "--co", "zjj", "--assigned", "2025-07-05")
    assert code == 0
    assert "已新建 2025-0001" in out and "办结期限：2025-10-09（按类别默认期限推算）" in out
    code, _, err = cli("new", "--ledger", str(root), "--category", "policy_document", "--title", "x",
                       "--lead", "nobody", "--assigned", "2025-07-05")
    assert code == 1 and "未保存" in err


def test_next_id_counts_only_ascii_ids_matched_whole():
    # Full-width digits and a trailing newline are not ids of the year (issue 9, point 7).
    assert next_id(["2025-0003", "2025-０００９", "2025-0099\n", "2025-0007x", "x2025-0050"], 2025) == "2025-0004"


def test_a_given_id_already_on_disk_is_refused(tmp_path):
    root = write_ledger(tmp_path, {})
    scan = scan_ledger(root)  # listed before the file appeared
    (root / "items/2025").mkdir(parents=True)
    (root / "items/2025/2025-0007.yaml").write_text(item_yaml("2025-0007"), encoding="utf-8")
    with pytest.raises(EditRefused, match="2025-0007 已被使用"):
        create_item(root, scan.config, scan.files, {
            "id": "2025-0007", "title": "某事项", "category": "work_report", "lead_unit": "zjj",
            "assigned": dt.date(2025, 3, 1)})
    assert (root / "items/2025/2025-0007.yaml").read_text(encoding="utf-8") == item_yaml("2025-0007")
