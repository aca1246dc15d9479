"""`personal_data` (issue 15): personal information in any text the public site shows is an error,
reported by `check` and `validate FILE` at the line of that value or event; internal fields never."""
import json
import shutil

import pytest

from ducha.privacy import find, id_check_digit, luhn_ok

from ..conftest import LEDGER_YAML, REPO, findings_of, item_yaml, write_ledger

ID_17 = "34160219880515123"  # 皖 亳州, born 1988-05-15
ID_18 = ID_17 + id_check_digit(ID_17)
ID_15 = "341602880515123"


def _luhn(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


CARD_19 = _luhn("621700123456789012")
CARD_16 = _luhn("436742123456789")

# (kind in Chinese as the message names it, value as staff paste it)
SAMPLES = [
    ("手机号码", "13812345678"),
    ("手机号码", "138 1234 5678"),
    ("手机号码", "139-5588-1234"),
    ("手机号码", "+86 13812345678"),
    ("手机号码", "１３８１２３４５６７８"),  # full-width digits
    ("固定电话号码", "0558-5123456"),
    ("固定电话号码", "（0558）5123456"),
    ("固定电话号码", "010-62345678"),
    ("居民身份证号码", ID_18),
    ("居民身份证号码", ID_15),
    ("银行卡号", CARD_19),
    ("银行卡号", " ".join(CARD_16[i:i + 4] for i in range(0, 16, 4))),
    ("电子邮箱地址", "zhangsan1988@example.com"),
    ("机动车号牌", "皖S12345"),
    ("机动车号牌", "皖S·D12345"),
]

# A demo-like netizen item; every text the public site shows carries «V»,
# every internal place «I» (never reported).
PLANTED = """\
# yaml-language-server: $schema=../../schema/item.schema.json
id: 2025-0014
title: 网友留言：老旧小区加装电梯补贴申请进度 «V»
category: netizen_message
source: '人民网领导留言板 第2025-4620号 «V»'
description: |
  网友反映加装电梯补贴申请已提交两个月，
  尚无答复，留言中附有 «V» 请核实。
assigned: 2025-10-09
lead_unit: zjj
public: true
contact: 王芳 «I»
requester: 网友“老街坊” «I»
note: 内部备注 «I»
events:
  - {date: 2025-10-10, type: progress, text: "已受理，正在核实 «V»"}
  - {date: 2025-10-11, type: urge, text: "催办 «I»"}
  - {date: 2025-10-12, type: progress, text: "内部进展 «I»", public: false}
  - {date: 2025-10-13, type: explanation, text: "说明原因 «I»", accepted: true}
  - {date: 2025-10-14, type: extension, new_deadline: 2025-11-30, approved: true, text: "同意延期 «V»"}
  - {date: 2025-10-15, type: extension, new_deadline: 2025-12-31, text: "再次申请 «I»"}
  - {date: 2025-10-16, type: circular, kind: praise, public: true, text: "通报表扬 «V»"}
  - {date: 2025-10-17, type: circular, level: 1, text: "内部通报 «I»"}
  - {date: 2025-10-20, type: progress, text: "已联系网友 «V»", note: "备注 «I»", by: "经办人 «I»"}
  - date: 2025-10-22
    type: completed
    text: |
      补贴已拨付，
      回访电话 «V»。
  - {date: 2025-10-24, type: verified, result: pass, text: "复核通过 «V»"}
  - {date: 2025-10-25, type: evaluation, evaluator: "评估机构 «V»", grade: "良好 «V»", score: 88, text: "评估 «V»"}
  - {date: 2025-10-26, type: reinspection, result: pass, text: "回头看 «V»"}
"""
# Where each public finding must point: the line of the value (the block's
# second line for the description), of the event for event texts; the
# evaluation's text, evaluator and grade are three findings on one line.
PUBLIC_MARKS = ["老旧小区加装电梯补贴申请进度", "第2025-4620号", "尚无答复", "已受理", "同意延期",
                "通报表扬", "已联系网友", "- date: 2025-10-22", "复核通过", *["评估机构"] * 3, "回头看"]


def _line(text: str, mark: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if mark in line)


def _plant(value: str, internal: str | None = None) -> str:
    return PLANTED.replace("«V»", value).replace("«I»", value if internal is None else internal)


@pytest.mark.parametrize("kind,value", SAMPLES, ids=[v for _, v in SAMPLES])
def test_check_reports_each_kind_in_each_public_place(tmp_path, cli, kind, value):
    text = _plant(value)
    root = write_ledger(tmp_path, {"items/2025/2025-0014.yaml": text})
    code, out, _ = cli("check", "--ledger", str(root), "--as-of", "2025-10-27", "--format", "json", "--no-cache")
    found = [f for f in json.loads(out)["findings"] if f["code"] == "personal_data"]
    assert code == 1
    assert sorted(f["line"] for f in found) == sorted(_line(text, m) for m in PUBLIC_MARKS)
    for f in found:
        assert f["severity"] == "error" and f["file"] == "items/2025/2025-0014.yaml" and f["item"] == "2025-0014"
        assert kind in f["message"]
        # How to fix: delete, move to an internal field, or allow a published number.
        assert "删去" in f["message"] and "requester" in f["message"] and "privacy.allow" in f["message"]


def test_the_message_masks_the_value(tmp_path, cli):
    root = write_ledger(tmp_path, {"items/2025/2025-0014.yaml": _plant("13812345678")})
    _, out, _ = cli("check", "--ledger", str(root), "--as-of", "2025-10-27", "--no-cache")
    reported = [line for line in out.splitlines() if "personal_data" in line]
    assert reported and all("138****5678" in line and "13812345678" not in line for line in reported)
    assert "title（事项标题）中有个人信息：手机号码 138****5678" in out
    assert "2025-10-10 的进展报告记录中的 text（内容）" in out


def test_validate_file_reports_it_too(tmp_path, cli):
    text = _plant("0558-5123456")
    root = write_ledger(tmp_path, {"items/2025/2025-0014.yaml": text})
    code, out, _ = cli("validate", "--ledger", str(root), "--format", "json", "--no-cache",
                       str(root / "items/2025/2025-0014.yaml"))
    found = [f for f in json.loads(out)["findings"] if f["code"] == "personal_data"]
    assert code == 1
    assert sorted(f["line"] for f in found) == sorted(_line(text, m) for m in PUBLIC_MARKS)
    assert all("固定电话号码" in f["message"] for f in found)


def test_internal_places_and_private_items_are_never_read(check_ledger):
    text = _plant("已电话联系网友", internal="13812345678")
    result = check_ledger({"items/2025/2025-0014.yaml": text}, "2025-10-27")
    assert findings_of(result, "personal_data") == []
    assert result.items[0][0].requester == "网友“老街坊” 13812345678"
    # Not public at all: nothing of it is published, nothing to report.
    private = _plant("13812345678").replace("public: true\n", "")
    result = check_ledger({"items/2025/2025-0014.yaml": private}, "2025-10-27")
    assert findings_of(result, "personal_data") == []


def test_allow_list_accepts_the_published_office_number(check_ledger):
    text = _plant("0558-5123456")
    ledger = LEDGER_YAML + 'privacy:\n  allow: ["12345", "(0558) 512 3456", "dbs@bozhou.example"]\n'
    assert findings_of(check_ledger({"items/2025/2025-0014.yaml": text}, "2025-10-27", ledger), "personal_data") == []
    # Only what is listed: another number is still reported.
    text = _plant("0558-5123457")
    assert findings_of(check_ledger({"items/2025/2025-0014.yaml": text}, "2025-10-27", ledger), "personal_data")


def test_a_bad_allow_list_is_a_finding_not_a_crash(check_ledger):
    ledger = LEDGER_YAML + "privacy:\n  allow: [12345]\n  alow: []\n"
    result = check_ledger({"items/2025/2025-0014.yaml": _plant("已电话联系")}, "2025-10-27", ledger)
    messages = [f.message for f in findings_of(result, "invalid_field") if f.file == "ledger.yaml"]
    assert any("请加引号" in m for m in messages) and any("allow" in m and "alow" in m for m in messages)


def test_the_demo_ledger_has_no_personal_data(tmp_path, cli):
    root = tmp_path / "demo"
    for part in ("items", "inspections", "sources"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy(REPO / "ledger.yaml", root / "ledger.yaml")
    _, out, _ = cli("check", "--ledger", str(root), "--format", "json", "--no-cache")
    assert [f for f in json.loads(out)["findings"] if f["code"] == "personal_data"] == []


GUIDE = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")


def test_the_guide_example_is_real_output(tmp_path, cli):
    item = item_yaml("2025-0031", category="netizen_message", assigned="2025-10-09", extra="public: true\n",
                     events=["date: 2025-10-20, type: progress, text: 已电话联系留言人张先生（13912345678），告知补贴下月拨付"])
    root = write_ledger(tmp_path, {"items/2025/2025-0031.yaml": item})
    code, out, _ = cli("validate", "--ledger", str(root), "--no-cache", str(root / "items/2025/2025-0031.yaml"))
    (line,) = [line.strip() for line in out.splitlines() if "personal_data" in line]
    assert code == 1 and line in GUIDE


def test_the_guides_wording_table_is_right():
    """Each “不要写” of the guide is reported, each “改为” is not."""
    section = GUIDE.split("公开的进展怎么写", 1)[1].split("\n\n", 2)[1]
    rows = [r.strip("|").split("|") for r in section.splitlines()[2:]]
    assert len(rows) >= 4
    for bad, good in rows:
        assert find(bad.strip()), bad
        assert not find(good.strip()), good
