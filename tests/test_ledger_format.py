"""The ledger format version (issue 11): a ledger newer than this ducha says which ducha to install."""
import json

from ducha.ledger_format import FORMAT, ducha_version

from .conftest import LEDGER_YAML, item_yaml, write_ledger


def _ledger(tmp_path, head: str, tail: str = ""):
    return write_ledger(tmp_path / "ledger", {"items/2025/2025-0042.yaml": item_yaml()}, head + LEDGER_YAML + tail)


def test_newer_format_asks_for_the_ducha_it_names(tmp_path, cli):
    # A future ducha adds a key this one does not know: the user hears "upgrade", not "unknown key".
    root = _ledger(tmp_path, 'format: 2\nmin_ducha: "9.1.0"\n', "reminders:\n  weekly: true\n")
    for command in (["check"], ["validate"], ["build", "--out", str(tmp_path / "site")], ["schema"]):
        code, out, err = cli(*command, "--ledger", str(root))
        assert code == 2, (command, out, err)
        assert "台账格式为 2 版，请升级 ducha 到 9.1.0 以上" in err
        assert "reminders" not in out + err and "invalid_field" not in out + err
    code, out, err = cli("check", "--ledger", str(root), "--format", "json")
    assert code == 2 and json.loads(out)["findings"] == []


def test_newer_format_without_a_release_still_says_upgrade(tmp_path, cli):
    root = _ledger(tmp_path, f"format: {FORMAT + 1}\n")
    code, _, err = cli("check", "--ledger", str(root))
    assert code == 2
    assert f"台账格式为 {FORMAT + 1} 版，请升级 ducha 到 {ducha_version()} 之后" in err


def test_known_format_and_older_minimum_pass(tmp_path, cli):
    root = _ledger(tmp_path, f'format: {FORMAT}\nmin_ducha: "0.0.1"\n')
    code, out, err = cli("validate", "--ledger", str(root))
    assert code == 0, out + err


def test_newer_minimum_release_is_refused_even_for_a_known_format(tmp_path, cli):
    root = _ledger(tmp_path, f'format: {FORMAT}\nmin_ducha: "99.0"\n')
    code, _, err = cli("check", "--ledger", str(root))
    assert code == 2 and f"台账格式为 {FORMAT} 版，请升级 ducha 到 99.0 以上" in err


def test_malformed_format_is_a_finding_on_its_line(tmp_path, cli):
    root = _ledger(tmp_path, "format: zwei\nmin_ducha: latest\n")
    code, out, _ = cli("check", "--ledger", str(root), "--format", "json")
    assert code == 1
    found = {(f["code"], f["line"]) for f in json.loads(out)["findings"] if f["file"] == "ledger.yaml"}
    assert found == {("invalid_field", 1), ("invalid_field", 2)}
    assert "format: 1" in out
