"""Issue 12, point 1: cli.py only parses options, calls a command and formats its result.

These tests read the source (what a reviewer would check by eye) and run
the CLI for the one behaviour the restructuring added: Click's own frame
text in Chinese.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from ducha.cli import main

CLI = Path(__file__).resolve().parent.parent / "generator" / "cli.py"
ALLOWED = ("commands", "output", "errors", "printers")  # what cli.py may import from the package
MAX_LINES = 40  # a command's function reads in one screen


def _tree() -> ast.Module:
    return ast.parse(CLI.read_text(encoding="utf-8"))


def test_cli_imports_no_domain_module():
    bad = []
    for node in ast.walk(_tree()):
        if isinstance(node, ast.ImportFrom) and node.level:
            first = (node.module or "").split(".")[0]
            names = [first] if first else [a.name for a in node.names]
            bad += [f"{CLI.name}:{node.lineno} imports .{n}" for n in names if n not in ALLOWED]
        if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").startswith("ducha"):
            bad.append(f"{CLI.name}:{node.lineno} imports {node.module}")
    assert not bad, "cli.py must call ducha.commands, not domain modules:\n" + "\n".join(bad)


def test_cli_functions_are_short():
    long = [f"{n.name} ({n.end_lineno - n.lineno + 1} lines, line {n.lineno})" for n in ast.walk(_tree())
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            and n.end_lineno - n.lineno + 1 - _docstring_lines(n) > MAX_LINES]
    assert not long, f"functions in cli.py longer than {MAX_LINES} lines (besides the docstring): {long}"


def _docstring_lines(fn: ast.FunctionDef) -> int:
    first = fn.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first.end_lineno - first.lineno + 1
    return 0


def test_cli_formats_no_result_and_handles_no_error_itself():
    """No JSON building, no `except <Error>` per command: formatters and the error hierarchy do that."""
    tree = _tree()
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import) and any(a.name == "json" for a in n.names)]
    caught = {ast.unparse(h.type) for h in ast.walk(tree) if isinstance(h, ast.ExceptHandler) and h.type is not None}
    assert caught <= {"ValueError", "click.Abort", "DuchaError", "UnknownName"}, caught  # a prompt asks again


def test_error_types_share_one_base():
    from ducha.edit import EditRefused
    from ducha.errors import DuchaError
    from ducha.excel import ExportFailed, ImportWriteFailed, WorkbookUnreadable
    from ducha.history import HistoryError
    from ducha.init import InitRefused
    from ducha.ledger import LedgerUnreadable
    from ducha.precommit import CommitRefused
    from ducha.site import BuildFailed, BuildStopped
    from ducha.site.builder import ConfigRefused

    for cls in (EditRefused, ExportFailed, ImportWriteFailed, WorkbookUnreadable, HistoryError, InitRefused,
                LedgerUnreadable, CommitRefused, BuildFailed, BuildStopped, ConfigRefused):
        assert issubclass(cls, DuchaError), cls
        assert cls.status in (1, 2) and cls.prefix


def test_click_frame_text_is_chinese(tmp_path):
    runner = CliRunner()
    help_text = runner.invoke(main, ["check", "--help"], prog_name="ducha").output
    assert "用法：ducha check [选项]" in help_text and "选项：" in help_text
    assert "[默认：text]" in help_text and "显示本帮助并退出。" in help_text
    for english in ("Usage:", "Options:", "[default:", "Show this message and exit."):
        assert english not in help_text
    top = runner.invoke(main, ["--help"], prog_name="ducha").output
    assert "命令：" in top and "Commands:" not in top and "显示版本号并退出。" in top

    wrong = runner.invoke(main, ["check", "--format", "xml", "--ledger", str(tmp_path)], prog_name="ducha")
    assert wrong.exit_code == 2
    assert "请运行“ducha check --help”查看帮助。" in wrong.stderr
    assert "错误：'--format' 的值无效：'xml' 不是可选的值" in wrong.stderr
    for english in ("Usage:", "Try '", "Error:", "Invalid value", "is not one of"):
        assert english not in wrong.stderr

    missing = runner.invoke(main, ["sample"])
    assert missing.exit_code == 2 and "缺少选项 '--month'。" in missing.stderr
    unknown = runner.invoke(main, ["check", "--formt", "json"])
    assert unknown.exit_code == 2 and "没有选项 --formt。" in unknown.stderr


def test_ctrl_c_reads_aborted_in_chinese(tmp_path):
    """End of input at a question of `ducha init`: Click's "Aborted!" is written in Chinese."""
    proc = subprocess.run([sys.executable, "-m", "ducha", "init", str(tmp_path / "new")], input="",
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "已中止。" in proc.stderr and "Aborted" not in proc.stderr and "Traceback" not in proc.stderr
