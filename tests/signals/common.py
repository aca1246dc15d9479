"""Run `ducha signals` for real on a ledger and read its JSON."""
from __future__ import annotations

import json

from click.testing import CliRunner

from ducha.cli import main


def signals(root, *args: str) -> tuple[int, dict]:
    """`ducha signals --format json` on the ledger at `root`: (exit status, parsed output)."""
    result = CliRunner().invoke(main, ["signals", "--ledger", str(root), "--format", "json", "--no-cache", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, json.loads(result.stdout)


def text(root, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["signals", "--ledger", str(root), "--no-cache", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


def of(data: dict, code: str) -> list[dict]:
    return [s for s in data["signals"] if s["code"] == code]
