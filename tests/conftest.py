"""Shared helpers: small ledgers written into temp folders, the CLI run for real."""
from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from ducha.calendar import WorkingCalendar
from ducha.check import run_rules
from ducha.ledger import load_ledger, parse_item_bytes

REPO = Path(__file__).resolve().parent.parent

LEDGER_YAML = """\
name: 测试台账
units:
  - {id: duchashi, name: 市政府督查室, role: office}
  - {id: zjj, name: 市住房和城乡建设局}
  - {id: qcq, name: 谯城区人民政府}
  - {id: fgw, name: 市发展和改革委员会}
people:
  - {email: li@duchashi.example, name: 李明, unit: duchashi}
"""


def D(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def item_yaml(id="2025-0042", *, category="work_report", assigned="2025-02-20", lead="zjj",
              extra="", events=()) -> str:
    """A minimal valid item file; `extra` adds top-level lines, `events` flow mappings."""
    text = f"id: {id}\ntitle: 完成城区老旧小区改造120个\ncategory: {category}\nassigned: {assigned}\nlead_unit: {lead}\n"
    text += textwrap.dedent(extra)
    if events:
        text += "events:\n" + "".join(f"  - {{{e}}}\n" for e in events)
    return text


def write_ledger(root: Path, items: dict[str, str | bytes], ledger: str = LEDGER_YAML) -> Path:
    """Write `ledger.yaml` and item files (path relative to root → content)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "ledger.yaml").write_text(ledger, encoding="utf-8")
    (root / "items").mkdir(exist_ok=True)
    for rel, content in items.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def parse(text: str | bytes, rel: str = "items/2025/2025-0042.yaml"):
    """Parse one item file's content: (item or None, findings)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_item_bytes(data, rel)


def codes(findings) -> list[tuple[str, int | None]]:
    return [(f.code, f.line) for f in findings]


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.fixture
def check_ledger(tmp_path):
    """Write a ledger and run every rule as of a date: returns the CheckResult."""
    def run(items: dict[str, str], as_of: str, ledger: str = LEDGER_YAML):
        root = write_ledger(tmp_path / "ledger", items, ledger)
        return run_rules(load_ledger(root, use_cache=False), D(as_of))
    return run


@pytest.fixture
def cli(tmp_path):
    """Run `ducha ARGS` in-process; returns (exit code, stdout, stderr)."""
    def run(*args: str):
        result = CliRunner().invoke(__import__("ducha.cli", fromlist=["main"]).main, list(args))
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.stdout, result.stderr
    return run


def findings_of(result, code: str | None = None, item: str | None = None):
    return [f for f in result.findings if (code is None or f.code == code) and (item is None or f.item == item)]


def as_json(text: str) -> dict:
    return json.loads(text)


@pytest.fixture(autouse=True)
def cache_home(tmp_path_factory, monkeypatch) -> Path:
    """Each test's caches in a fresh folder of its own (never the user's ~/.cache/ducha)."""
    home = tmp_path_factory.mktemp("ducha-cache-home")
    monkeypatch.setenv("DUCHA_CACHE_DIR", str(home))
    return home


@pytest.fixture
def git_home(tmp_path, monkeypatch):
    """Git sees no global or system configuration and no identity from the environment."""
    config = tmp_path / "gitconfig"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(key, raising=False)
    return config
