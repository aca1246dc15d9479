"""CI reports as their consumers read them (issue 18, point 4).

GitLab's Code Quality widget keys issues by fingerprint (a line inserted
above a finding must not turn it into "fixed + new"); Jenkins and GitLab
read JUnit against junit-10.xsd; GitHub, GitLab and JUnit name files from
the repository root, wherever in the repository the ledger lives.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from .conftest import item_yaml
from .gitrepo import Repo

SCHEMAS = Path(__file__).parent / "data" / "schemas"
OVERDUE = item_yaml("2025-0001", extra="deadline: 2025-03-31\n")
BROKEN = item_yaml("2025-0002", extra="public: 是的\n")


def ducha(*args: str, cwd: Path) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, "-m", "ducha", *args, "--no-cache"], cwd=cwd, capture_output=True,
                          text=True, timeout=60)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc.returncode, proc.stdout


@pytest.fixture
def nested(tmp_path) -> tuple[Path, Path]:
    """A Git repository whose ledger lives in `supervision/city/`, as a server hook allows."""
    top = tmp_path / "repo"
    repo = Repo(top)
    ledger = top / "supervision" / "city"
    ledger.mkdir(parents=True)
    (top / "ledger.yaml").rename(ledger / "ledger.yaml")
    (top / "items").rmdir()
    repo.write("supervision/city/items/2025/2025-0001.yaml", OVERDUE)
    repo.write("supervision/city/items/2025/2025-0002.yaml", BROKEN)
    repo.commit("两个事项")
    return top, ledger


def report(fmt: str, ledger: Path, cwd: Path) -> str:
    _, out = ducha("check", "--ledger", str(ledger), "--as-of", "2025-06-01", "--format", fmt, cwd=cwd)
    return out


def test_paths_are_relative_to_the_repository_root(nested):
    top, ledger = nested
    issues = json.loads(report("gitlab", ledger, top))
    paths = {i["location"]["path"] for i in issues}
    assert "supervision/city/items/2025/2025-0001.yaml" in paths
    assert all((top / p).is_file() for p in paths), paths
    annotations = report("github", ledger, ledger)  # run from inside the ledger folder: same paths
    assert "file=supervision/city/items/2025/2025-0002.yaml,line=" in annotations
    root = etree.fromstring(report("junit", ledger, top).split("\n", 1)[1].encode())
    classes = {c.get("classname") for c in root.iter("testcase")}
    assert "supervision/city/items/2025/2025-0002.yaml" in classes
    assert all((top / c).is_file() for c in classes), classes


def test_a_ledger_at_the_top_keeps_its_paths(tmp_path):
    repo = Repo(tmp_path / "ledger")
    repo.write("items/2025/2025-0001.yaml", OVERDUE)
    repo.commit("事项")
    issues = json.loads(report("gitlab", repo.root, repo.root))
    assert {i["location"]["path"] for i in issues} == {"items/2025/2025-0001.yaml"}


def test_code_quality_fingerprints_survive_a_line_inserted_above(nested):
    top, ledger = nested
    before = json.loads(report("gitlab", ledger, top))
    for rel in ("items/2025/2025-0001.yaml", "items/2025/2025-0002.yaml"):
        path = ledger / rel
        path.write_text("# 备注：新增一行注释\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    after = json.loads(report("gitlab", ledger, top))
    assert [i["location"]["lines"]["begin"] for i in after] != [i["location"]["lines"]["begin"] for i in before]
    assert {i["fingerprint"] for i in after} == {i["fingerprint"] for i in before}
    # A day later the day counts in the messages change; the issues stay the same ones.
    _, later = ducha("check", "--ledger", str(ledger), "--as-of", "2025-06-02", "--format", "gitlab", cwd=top)
    assert {i["fingerprint"] for i in json.loads(later)} == {i["fingerprint"] for i in before}
    assert len({i["fingerprint"] for i in before}) == len(before)


def test_code_quality_matches_gitlabs_schema(nested):
    top, ledger = nested
    issues = json.loads(report("gitlab", ledger, top))
    schema = json.loads((SCHEMAS / "gitlab-codeclimate.json").read_text(encoding="utf-8"))
    assert isinstance(issues, list) and issues
    for issue in issues:
        jsonschema.validate(issue, schema)
        assert isinstance(issue["location"]["lines"]["begin"], int)


def test_junit_is_valid_against_junit_10_xsd(nested):
    top, ledger = nested
    xsd = etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-10.xsd")))
    for fmt_args in (("check", "--as-of", "2025-06-01"), ("validate",)):
        _, out = ducha(*fmt_args, "--ledger", str(ledger), "--format", "junit", cwd=top)
        doc = etree.fromstring(out.encode())
        assert xsd.validate(doc), xsd.error_log
        assert doc.find(".//failure") is not None
        assert all(c.get("file") is None for c in doc.iter("testcase"))
