"""The docs keep up with the code: commands, finding codes, rules and the README example."""
import re
import shutil

import pytest

from ducha import rules
from ducha.cli import main
from ducha.findings import CODES

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
RULES_DOC = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(main.commands))
def test_commands_are_documented_and_have_help(command):
    assert f"ducha {command}" in README
    assert main.commands[command].help


@pytest.mark.parametrize("code", sorted(CODES))
def test_finding_codes_are_documented(code):
    assert f"`{code}`" in README


@pytest.mark.parametrize("module", list(rules.RULES.values()), ids=lambda m: m.CODE)
def test_rules_have_docs_with_examples(module):
    assert module.__doc__ and module.CODE in module.__doc__
    assert "FAIL" in module.__doc__
    assert module.CODE in CODES
    if module.NEEDS_AS_OF:  # every date rule is explained in docs/rules.md
        assert f"`{module.CODE}`" in RULES_DOC


def test_readme_example_is_real_output(tmp_path, cli):
    root = tmp_path / "ledger"
    shutil.copytree(REPO / "tests" / "fixtures" / "readme_example", root)
    shutil.copy(REPO / "ledger.yaml", root / "ledger.yaml")
    code, out, _ = cli("validate", "--ledger", str(root), "--no-cache")
    block = re.search(r"校验结果如下：\n\n```\n(.*?)```", README, re.S).group(1)
    assert code == 1 and out == block


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    command = re.search(r"# 2\. 安装，并运行全部测试\n(.+)\n", README).group(1)
    assert command in ci


def test_guide_error_examples_are_real(tmp_path, cli):
    from .conftest import item_yaml, write_ledger

    guide = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")
    root = write_ledger(tmp_path, {"items/2025/2025-0017.yaml": item_yaml(
        "2025-0017", category="leader_instruction", extra="deadline: 2025-08-15\n",
        events=["date: 2025-07-22, type: progress"])})
    _, _, err = cli("progress", "2025-0017", "--ledger", str(root), "--date", "2025-07-01")
    assert err.strip() in guide
    _, _, err = cli("event", "2025-0017", "extension", "--ledger", str(root), "--date", "2025-08-10")
    assert err.strip() in guide
