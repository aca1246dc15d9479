"""`ducha sample` prefers netizen messages with integrity signals, and stays reproducible."""
import json

from click.testing import CliRunner

from ducha.cli import main

from ..conftest import item_yaml, write_ledger

REPLY = "经核查，该路段积水问题已安排施工队伍疏通排水管网，现已恢复正常通行"


def _message(n, text, completed="2025-09-10"):
    return (f"items/2025/2025-{n:04d}.yaml",
            item_yaml(f"2025-{n:04d}", category="netizen_message", assigned="2025-09-01",
                      events=[f"date: {completed}, type: completed, text: '{text}'"]))


def _sample(root):
    result = CliRunner().invoke(main, ["sample", "--ledger", str(root), "--month", "2025-09", "--as-of", "2025-10-05",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_messages_with_signals_are_picked_first(tmp_path):
    own = {n: f"第{n}号留言已办理：{'甲乙丙丁戊己庚辛壬癸'[n % 10]}路段路灯修复完毕，已回复网友{n}" for n in range(1, 11)}
    plain = _sample(write_ledger(tmp_path / "a", dict(_message(n, t) for n, t in own.items())))
    assert len(plain["picks"]) == 3 and plain["signals"] == {}
    # Two messages the plain ranking leaves out answer with a reply pasted from an earlier one.
    pasted = [n for n in range(2, 11) if f"2025-{n:04d}" not in plain["picks"]][:2]
    items = dict(_message(n, REPLY if n in pasted else t) for n, t in own.items())
    items.update([_message(11, REPLY, completed="2025-08-20")])  # the original, completed in August
    root = write_ledger(tmp_path / "b", items)
    drawn = _sample(root)
    flagged = [f"2025-{n:04d}" for n in pasted]
    assert sorted(drawn["picks"][:2]) == flagged
    assert drawn["signals"] == {i: ["copied_report"] for i in flagged}
    assert _sample(root) == drawn  # still reproducible
    text = CliRunner().invoke(main, ["sample", "--ledger", str(root), "--month", "2025-09", "--as-of", "2025-10-05"])
    assert f"{flagged[0]}" in text.stdout and "真实性提示：copied_report" in text.stdout
