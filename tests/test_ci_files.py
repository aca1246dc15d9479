"""The CI files in the repo are real: parse them and run the commands they name on the demo ledger."""
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml

from .conftest import REPO

BIN = str(Path(sys.executable).parent)
OFFICE = {"GIT_AUTHOR_NAME": "李明", "GIT_AUTHOR_EMAIL": "li.ming@duchashi.example",
          "GIT_COMMITTER_NAME": "李明", "GIT_COMMITTER_EMAIL": "li.ming@duchashi.example"}
UNIT = {"GIT_AUTHOR_NAME": "王芳", "GIT_AUTHOR_EMAIL": "wang.fang@zjj.example",
        "GIT_COMMITTER_NAME": "王芳", "GIT_COMMITTER_EMAIL": "wang.fang@zjj.example"}


def sh(cmd: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, "PATH": BIN + os.pathsep + os.environ["PATH"], **(env or {})}
    return subprocess.run(["bash", "-c", cmd], cwd=cwd, env=full, capture_output=True, text=True)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    """The demo ledger as a repository with an origin, plus one merge-request commit by a unit."""
    tmp = tmp_path_factory.mktemp("ci")
    root = tmp / "ledger"
    root.mkdir()
    for name in ("items", "schema", "sources"):
        shutil.copytree(REPO / name, root / name)
    for name in ("ledger.yaml", "mkdocs.yml"):
        shutil.copy(REPO / name, root / name)
    env = {**OFFICE, "GIT_AUTHOR_DATE": "2026-11-20T09:00:00+08:00", "GIT_COMMITTER_DATE": "2026-11-20T09:00:00+08:00"}
    for cmd in ("git init -q -b main", "git add -A", "git commit -q -m 演示台账",
                f"git init -q --bare {tmp / 'origin.git'}", f"git remote add origin {tmp / 'origin.git'}",
                "git push -q origin main", "git checkout -q -b feature"):
        assert sh(cmd, root, env).returncode == 0, cmd
    item = root / "items" / "2026" / "2026-0004.yaml"
    # The merge request's commit is recent: the audit judges it as landing now.
    day = max(dt.date(2026, 11, 24), dt.date.today() - dt.timedelta(days=1))
    item.write_text(item.read_text(encoding="utf-8") + f"  - {{date: {day}, type: progress, text: 智能化改造完成}}\n",
                    encoding="utf-8")
    env = {**UNIT, "GIT_AUTHOR_DATE": f"{day}T09:00:00+08:00", "GIT_COMMITTER_DATE": f"{day}T09:00:00+08:00"}
    assert sh("git commit -q -am 报告进展", root, env).returncode == 0
    return root


def gitlab_jobs():
    data = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    return {name: job for name, job in data.items() if isinstance(job, dict) and "script" in job}


def test_gitlab_jobs_cover_the_workflow():
    jobs = gitlab_jobs()
    assert set(jobs) == {"validate", "audit", "daily-overdue", "pages"}
    assert jobs["validate"]["artifacts"]["reports"] == {"codequality": "gl-code-quality-report.json",
                                                        "junit": "ducha-validate.xml"}
    assert jobs["pages"]["artifacts"]["paths"] == ["public"]


@pytest.mark.parametrize("job, status", [("validate", 0), ("audit", 0), ("daily-overdue", 1), ("pages", 0)])
def test_gitlab_job_runs_on_the_demo_ledger(ledger, job, status):
    env = {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}
    results = [sh(line, ledger, env) for line in gitlab_jobs()[job]["script"]]
    failed = [r for r in results if r.returncode != 0]
    assert (1 if failed else 0) == status, [r.stderr for r in failed]
    if job == "validate":
        report = json.loads((ledger / "gl-code-quality-report.json").read_text(encoding="utf-8"))
        assert report == []
        assert ET.parse(ledger / "ducha-validate.xml").getroot().find("testsuite").get("failures") == "0"
    if job == "daily-overdue":
        assert "overdue" in failed[0].stdout
    if job == "pages":
        assert (ledger / "public" / "index.html").is_file() and (ledger / "public" / "ledger-head.json").is_file()


def github_steps():
    data = yaml.safe_load((REPO / ".github" / "workflows" / "ducha.yml").read_text(encoding="utf-8"))
    return {name: [s["run"] for s in job["steps"] if "run" in s and s["run"].startswith("ducha")]
            for name, job in data["jobs"].items()}


@pytest.mark.parametrize("job, status", [("validate", 0), ("daily-overdue", 1), ("pages", 0)])
def test_github_job_runs_on_the_demo_ledger(ledger, job, status):
    steps = github_steps()[job]
    assert steps
    results = [sh(re.sub(r"\$\{\{ github.base_ref \}\}", "main", line), ledger) for line in steps]
    assert (1 if any(r.returncode for r in results) else 0) == status, [r.stderr for r in results]
    if job == "daily-overdue":
        assert "::warning file=items/" in results[0].stdout


def test_pre_commit_hook_validates_changed_files(ledger, tmp_path):
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    pattern = re.compile(hook["files"])
    assert pattern.search("items/2025/2025-0001.yaml") and pattern.search("ledger.yaml")
    assert not pattern.search("README.md")
    assert sh(f"{hook['entry']} items/2025/2025-0001.yaml", ledger).returncode == 0
    broken = ledger / "items" / "2025" / "2025-0099.yaml"
    broken.write_text("id: 2025-0099\ntitle: [\n", encoding="utf-8")
    try:
        result = sh(f"{hook['entry']} items/2025/2025-0099.yaml", ledger)
        assert result.returncode == 1 and "yaml_syntax" in result.stdout
    finally:
        broken.unlink()


def test_vscode_maps_the_schemas():
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {"./schema/item.schema.json": "items/**/*.yaml",
                                        "./schema/ledger.schema.json": "ledger.yaml"}
    for path in settings["yaml.schemas"]:
        assert (REPO / path).is_file()
