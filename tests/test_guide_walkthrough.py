"""Issue 16, done-when: docs/guide.md followed literally passes the audit.

The command blocks of docs/guide.md marked `<!-- guide-test as=EMAIL -->`
are run in order, as written, in a fresh Git repository holding the demo
ledger.yaml, each as the person of that e-mail in its `people`. Only what
the guide says changes with the day are substituted: its dates are moved
from the example's "today" to the real today, and the example item id to
the id `ducha new` gave. Then `ducha audit --range` over the new commits
must find nothing.
"""
import datetime as dt
import re
import shlex
import subprocess

import pytest
import yaml
from click.testing import CliRunner

from ducha.cli import main

from .conftest import REPO

GUIDE = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"<!-- guide-test as=(\S+) -->\n```bash\n(.*?)```", re.S)
DATE = re.compile(r"\b(20[0-9]{2})-([0-9]{2})-([0-9]{2})\b")


def guide_today() -> dt.date:
    return dt.date.fromisoformat(re.search(r"例子中的“今天”是 ([0-9-]{10})", GUIDE).group(1))


def shift(text: str, days: int) -> str:
    return DATE.sub(lambda m: (dt.date.fromisoformat(m.group(0)) + dt.timedelta(days=days)).isoformat(), text)


def commands(block: str) -> list[list[str]]:
    joined = re.sub(r"\\\n\s*", " ", block)
    return [argv for line in joined.splitlines() if (argv := shlex.split(line, comments=True))]


@pytest.fixture
def fresh_repo(tmp_path, monkeypatch, git_home):
    root = tmp_path / "台账"
    root.mkdir()
    ledger = (REPO / "ledger.yaml").read_text(encoding="utf-8")
    (root / "ledger.yaml").write_text(ledger, encoding="utf-8")
    (root / "items").mkdir()
    (root / "items" / ".gitkeep").write_text("", encoding="utf-8")
    people = {p["email"]: p["name"] for p in yaml.safe_load(ledger)["people"]}
    office = next(e for e in people if e.endswith("@duchashi.example"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "-c", f"user.name={people[office]}", "-c", f"user.email={office}", "commit", "-q", "-m", "台账")
    monkeypatch.chdir(root)
    return root, people


def git(root, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env={**os.environ, **(env or {})})
    assert proc.returncode == 0, proc.stderr
    return proc


def identity(name: str, email: str) -> dict:
    return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}


def test_the_guide_marks_its_walkthrough():
    blocks = BLOCK.findall(GUIDE)
    run = [argv[:2] for _, block in blocks for argv in commands(block)]
    for wanted in (["git", "config"], ["ducha", "new"], ["ducha", "progress"], ["ducha", "complete"],
                   ["ducha", "extension"], ["ducha", "urge"], ["git", "restore"]):
        assert wanted in run, wanted


def test_following_the_guide_literally_passes_the_audit(fresh_repo):
    root, people = fresh_repo
    base = git(root, "rev-parse", "HEAD").stdout.strip()
    days = (dt.date.today() - guide_today()).days
    example_id, item_id, ran = "2025-0017", None, 0
    for email, block in BLOCK.findall(GUIDE):
        env = identity(people[email], email)
        for argv in commands(shift(block, days)):
            if item_id:
                argv = [a.replace(f"items/2025/{example_id}", f"items/{item_id[:4]}/{item_id}")
                        .replace(example_id, item_id) for a in argv]
            if argv[0] == "git":
                git(root, *argv[1:], env=env)
            else:
                assert argv[0] == "ducha", argv
                result = CliRunner().invoke(main, argv[1:], env=env)
                assert result.exit_code == 0, (argv, result.output)
                found = re.search(r"已新建 (\S+)：", result.stdout)
                item_id = found.group(1) if found else item_id
            ran += 1
    assert ran >= 10 and item_id
    assert git(root, "status", "--porcelain").stdout == ""  # the undone change left nothing behind
    log = git(root, "log", "--format=%ae", f"{base}..HEAD").stdout.split()
    assert len(log) >= 7 and set(log) <= set(people) and len(set(log)) == 2
    result = CliRunner().invoke(main, ["audit", "--range", f"{base}..HEAD", "--landing-time", "now", "--no-cache"])
    assert result.exit_code == 0 and "没有发现问题" in result.stdout, result.output
    result = CliRunner().invoke(main, ["validate", "--no-cache"])
    assert result.exit_code == 0, result.output


def test_the_guides_refusal_examples_are_real(fresh_repo):
    root, people = fresh_repo
    office = next(e for e in people if e.endswith("@duchashi.example"))
    unit = next(e for e in people if e.endswith("@zjj.example"))
    runner = CliRunner()
    result = runner.invoke(main, ["new", "--category", "领导批示", "--title", "解决积水", "--lead", "住建局",
                                  "--deadline", "2099-01-01", "--commit"], env=identity("某人", "root@localhost"))
    assert result.exit_code == 1 and result.stderr.strip() in GUIDE
    result = runner.invoke(main, ["new", "--category", "领导批示", "--title", "解决积水", "--lead", "住建局",
                                  "--deadline", "2099-01-01", "--commit"], env=identity(people[office], office))
    item_id = re.search(r"已新建 (\S+)：", result.stdout).group(1)
    old = dt.date.today() - dt.timedelta(days=12)
    result = runner.invoke(main, ["progress", item_id, "--date", old.isoformat(), "--text", "补报", "--commit"],
                           env=identity(people[unit], unit))
    assert result.exit_code == 1
    days = (dt.date.today() - guide_today()).days
    assert result.stderr.strip() in shift(GUIDE, days)
