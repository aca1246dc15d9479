"""`ducha signals` as a command: exit status, --fail-on, --period, settings, and `ducha check` untouched."""
import json
from pathlib import Path

import pytest

from ducha.findings import CODES
from ducha.signals import SIGNALS

from ..conftest import LEDGER_YAML, item_yaml, write_ledger
from .common import signals, text

SEED = Path("/work/shared/seed/000_8f106f82b791b899.txt")
COPIED = "已完成摸底调查，形成工作方案，明确责任分工和时间节点"


def _ledger(tmp_path, ledger=LEDGER_YAML):
    return write_ledger(tmp_path, {
        # A warning (a copied report) ...
        "items/2025/2025-0042.yaml": item_yaml(events=[f"date: 2025-04-15, type: progress, text: {COPIED}",
                                                       f"date: 2025-05-15, type: progress, text: {COPIED}"]),
        # ... and an info (two extensions).
        "items/2025/2025-0043.yaml": item_yaml("2025-0043", extra="deadline: 2025-06-30\n", events=[
            "date: 2025-06-01, type: extension, new_deadline: 2025-09-30, approved: true",
            "date: 2025-09-01, type: extension, new_deadline: 2025-12-31, approved: true"]),
    }, ledger)


def test_signals_never_fail_unless_asked(tmp_path):
    root = _ledger(tmp_path)
    assert signals(root, "--as-of", "2025-12-31")[0] == 0
    assert signals(root, "--as-of", "2025-12-31", "--fail-on", "warning")[0] == 1
    assert signals(root, "--as-of", "2025-12-31", "--fail-on", "info")[0] == 1
    # Only the info left in the period: --fail-on warning passes, info fails.
    assert signals(root, "--as-of", "2025-12-31", "--period", "2025Q3", "--fail-on", "warning")[0] == 0
    assert signals(root, "--as-of", "2025-12-31", "--period", "2025Q3", "--fail-on", "info")[0] == 1


def test_json_has_each_signal_with_title_explanation_and_evidence(tmp_path):
    _, data = signals(_ledger(tmp_path), "--as-of", "2025-12-31")
    assert data["as_of"] == "2025-12-31" and data["period"] is None and data["items"] == 2
    assert data["units"] == {"zjj": {"copied_report": 1, "repeated_extension": 1}}
    for s in data["signals"]:
        assert s["title"] == SIGNALS[s["code"]].TITLE and "依据：“" in s["explanation"] and s["evidence"]
    assert {f["code"]: f["severity"] for f in data["findings"]} == {"copied_report": "warning",
                                                                     "repeated_extension": "info"}
    assert set(data["codes"]) == set(SIGNALS)


def test_text_groups_signals_under_their_explanation(tmp_path):
    code, out = text(_ledger(tmp_path), "--as-of", "2025-12-31", "--period", "2025")
    assert code == 0
    assert out.startswith("真实性提示（2025年）：以下是需要督查室进一步核实的线索，不是结论。")
    assert "报告文字照抄（copied_report）：1 条" in out and "依据：“对落实到位" in out
    assert "items/2025/2025-0042.yaml 第 8 行" in out
    assert out.rstrip().endswith("警告 1 条，提示 1 条。")


def test_bad_period_is_refused_in_chinese(tmp_path):
    from click.testing import CliRunner

    from ducha.cli import main

    result = CliRunner().invoke(main, ["signals", "--ledger", str(_ledger(tmp_path)), "--period", "2025Q5"])
    assert result.exit_code == 2 and "季度写 2025Q3" in result.stderr


def test_check_output_has_no_signals(tmp_path, cli):
    root = _ledger(tmp_path)
    code, out, _ = cli("check", "--ledger", str(root), "--as-of", "2025-12-31", "--format", "json", "--no-cache")
    assert not {f["code"] for f in json.loads(out)["findings"]} & set(SIGNALS)


def test_thresholds_come_from_ledger_yaml(tmp_path, cli):
    settings = "signals:\n  copy_similarity: 0.95\n  extensions: 3\n"
    root = _ledger(tmp_path / "a", LEDGER_YAML + settings)
    code, out, _ = cli("validate", "--ledger", str(root), "--format", "json", "--no-cache")
    assert code == 0 and json.loads(out)["findings"] == []
    _, data = signals(root, "--as-of", "2025-12-31")
    assert [s["code"] for s in data["signals"]] == ["copied_report"]  # two extensions are below 3 now


def test_bad_thresholds_are_reported_with_line_and_default_kept(tmp_path, cli):
    settings = "signals:\n  copy_similarity: 1.5\n  backfil_days: 30\n"
    root = _ledger(tmp_path, LEDGER_YAML + settings)
    code, out, _ = cli("validate", "--ledger", str(root), "--format", "json", "--no-cache")
    found = {f["line"]: f for f in json.loads(out)["findings"]}
    line = LEDGER_YAML.count("\n") + 2
    assert code == 1 and found[line]["code"] == "invalid_field" and found[line]["file"] == "ledger.yaml"
    assert "0.5 到 1 之间" in found[line]["message"] and "默认值 0.9" in found[line]["message"]
    assert "是不是想写 backfill_days" in found[line + 1]["message"]
    # The signals still run, with the default.
    assert [s["code"] for s in signals(root, "--as-of", "2025-12-31")[1]["signals"]] == [
        "copied_report", "repeated_extension"]


def test_every_signal_is_a_known_code_and_documented():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    rules = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    for code, module in SIGNALS.items():
        assert CODES[code] in ("info", "warning")
        assert module.__doc__ and "SHOWS" in module.__doc__ and "QUIET" in module.__doc__
        assert f"`{code}`" in rules and f"`{code}`" in readme


@pytest.mark.skipif(not SEED.is_file(), reason="the regulation's text is kept outside the repository")
def test_each_explanation_quotes_the_regulation_verbatim():
    seed = SEED.read_text(encoding="utf-8")
    for module in SIGNALS.values():
        assert module.QUOTE[1] in seed, module.CODE
