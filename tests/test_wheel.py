"""The wheel as an office installs it (issue 11): built from the source, installed into a fresh
virtual environment outside the checkout, every command run from a temp folder on a ledger
that `ducha init` made; the CI files `init` writes, run against that ledger.

The wheel is built and installed once per session (module-scoped fixture). Its dependencies
come from the environment running the tests, offered to the new environment through a `.pth`
folder that holds everything there except ducha itself; pip installs the wheel with
`--no-index`, so it must find every dependency the wheel declares satisfied, without network.
"""
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import yaml

from .conftest import REPO

# What goes into the build: the project's own files, copied so the checkout gets no build/ or egg-info.
SOURCES = ["pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "ledger.yaml", "mkdocs.yml",
           "generator", "site_templates", "hooks", "items", "inspections", "sources"]
MEMBER = {"GIT_AUTHOR_NAME": "周敏", "GIT_AUTHOR_EMAIL": "zhou.min@dcs.example",
          "GIT_COMMITTER_NAME": "周敏", "GIT_COMMITTER_EMAIL": "zhou.min@dcs.example"}
IMPORT = "ducha"


def run(cmd, cwd, env, check=True):
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert proc.returncode == 0, f"{cmd}\n{proc.stdout}\n{proc.stderr}"
    return proc


def _deps_folder(tmp: Path) -> Path:
    """The test environment's installed packages, less ducha (its editable install) and pip."""
    site = Path(sysconfig.get_paths()["purelib"])
    deps = tmp / "deps"
    deps.mkdir()
    for entry in site.iterdir():
        name = entry.name.lower()
        if name.startswith(("ducha", "__editable__", "pip", "_distutils_hack", "__pycache__")) or name.endswith(".pth"):
            continue
        (deps / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    return deps


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(wheel path, the new environment's bin folder, an env for subprocesses, a work folder)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, src / name, **(
            {"ignore": ignore} if (REPO / name).is_dir() else {}))
    dist = tmp / "dist"
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(src)], tmp, os.environ)
    [wheel] = dist.glob("ducha-*.whl")

    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", str(venv)], tmp, os.environ)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    new_site = run([str(bin_dir / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                   tmp, os.environ).stdout.strip()
    (Path(new_site) / "deps.pth").write_text(str(_deps_folder(tmp)) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(MEMBER, PATH=str(bin_dir) + os.pathsep + env["PATH"], PIP_NO_INDEX="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1", NO_COLOR="1")
    run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "--no-index", str(wheel)], tmp, env)
    work = tmp / "work"
    work.mkdir()
    return wheel, bin_dir, env, work


def test_installed_ducha_is_the_wheel_not_the_checkout(installed):
    _, bin_dir, env, work = installed
    out = run([str(bin_dir / "python"), "-c",
               f"import sys, {IMPORT}; print({IMPORT}.__file__); print('\\n'.join(sys.path))"], work, env).stdout
    module, *path = out.splitlines()
    assert Path(module).is_relative_to(bin_dir.parent)
    assert not any(p and Path(p).resolve().is_relative_to(REPO) for p in path)


def test_every_command_runs_from_the_installed_wheel(installed):
    _, bin_dir, env, work = installed
    ducha = str(bin_dir / "ducha")
    run([ducha, "init", "ledger", "--name", "某市政府督查台账", "--office-unit", "某市政府督查室", "--host", "gitlab",
         "--no-demo"], work, env)
    root = work / "ledger"
    assert (root / "ledger.yaml").is_file() and (root / ".gitlab-ci.yml").is_file()
    out = run([ducha, "new", "--category", "policy_document", "--title", "落实稳就业政策", "--lead", "duchashi",
               "--public", "--commit"], root, env).stdout
    [item] = re.findall(r"已新建 ([0-9]{4}-[0-9]{4})", out)
    run([ducha, "progress", item, "--text", "已召开部署会", "--commit"], root, env)
    log = subprocess.run(["git", "log", "--format=%an|%s"], cwd=root, capture_output=True, text=True).stdout
    assert len(log.splitlines()) == 3 and "周敏|" + "新建事项 " + item in log
    year = item[:4]
    for args, made in (
        (["check"], None),
        (["validate"], None),
        (["build"], "site/public/items/" + item + "/index.html"),
        (["audit"], None),
        (["history", item], None),
        (["report", "monthly", "--period", f"{year}-01"], None),
        (["assess", "--period", year], None),
        (["form", "assignment", item, "--out", "slip.html"], "slip.html"),
        (["export-xlsx", "--out", "ledger.xlsx"], "ledger.xlsx"),
        (["schema"], "schema/ledger.schema.json"),
    ):
        proc = run([ducha, *args], root, env)
        if made:
            assert (root / made).is_file(), args
        if args == ["history", item]:
            assert "已召开部署会" in proc.stdout
    assert (root / "site" / "internal" / "escalations" / "index.html").is_file()
    assert "落实稳就业政策" in (root / "slip.html").read_text(encoding="utf-8")


def test_demo_ledger_from_the_wheel(installed):
    _, bin_dir, env, work = installed
    ducha = str(bin_dir / "ducha")
    run([ducha, "init", "demo", "--demo", "-y"], work, env)
    root = work / "demo"
    assert len(list((root / "items").rglob("*.yaml"))) == len(list((REPO / "items").rglob("*.yaml")))
    for args in (["validate"], ["audit"], ["check", "--fail-on", "error"]):
        run([ducha, *args], root, env)


def _wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


def test_wheel_holds_everything_the_code_loads(installed):
    wheel, bin_dir, env, work = installed
    names = _wheel_names(wheel)
    top = {n.split("/", 1)[0] for n in names}
    assert top == {IMPORT, next(t for t in top if t.endswith(".dist-info"))}  # no tests/, benchmarks/, items/ at top
    expected = {f"{IMPORT}/{p.relative_to(REPO / 'generator').as_posix()}"
                for p in (REPO / "generator").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    for folder in ("site_templates", "hooks"):
        expected |= {f"{IMPORT}/{folder}/{p.relative_to(REPO / folder).as_posix()}"
                     for p in (REPO / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    expected |= {f"{IMPORT}/demo/{name}" for name in ("ledger.yaml", "mkdocs.yml")}
    for folder in ("items", "inspections", "sources"):
        expected |= {f"{IMPORT}/demo/{p.relative_to(REPO).as_posix()}" for p in (REPO / folder).rglob("*.yaml")}
    assert expected - names == set()
    assert f"{IMPORT}/py.typed" in names
    # And from the other side: what the installed code asks for exists, read through importlib.resources.
    probe = f"""
import importlib.resources as r
from {IMPORT} import init, resources
from {IMPORT}.site import builder, render
from {IMPORT} import forms
env = render.environment()
for name in env.list_templates(extensions=["j2"]):
    env.get_template(name)
assert "item.html.j2" in env.list_templates() and "forms/urge.html.j2" in env.list_templates()
for path in (builder.DEFAULT_CONFIG, builder.HOOKS, builder.SERVE_HOOK, render.TEMPLATES / "assets" / "ducha.css",
             render.TEMPLATES / "assets" / "ducha.js"):
    assert path.is_file(), path
for template in [*init.COMMON_FILES, *[t for files in init.CI_FILES.values() for t in files]]:
    assert (resources.init_templates() / template).is_file(), template
for hook in init.HOOKS:
    assert (resources.hooks() / hook).is_file(), hook
assert (resources.demo_ledger() / "ledger.yaml").is_file()
print("ok")
"""
    assert run([str(bin_dir / "python"), "-c", probe], work, env).stdout.strip() == "ok"


@pytest.fixture(scope="module")
def ci_ledgers(installed):
    """A ledger per CI host, pushed to an origin, with a merge-request branch carrying one progress report."""
    _, bin_dir, env, work = installed
    ducha = str(bin_dir / "ducha")
    ledgers = {}
    for host in ("gitlab", "github"):
        root = work / f"ci-{host}"
        run([ducha, "init", str(root), "-y", "--host", host, "--name", "某县督查台账"], work, env)
        out = run([ducha, "new", "--category", "policy_document", "--title", "整治背街小巷", "--lead", "duchashi",
                   "--public", "--commit"], root, env).stdout
        [item] = re.findall(r"已新建 ([0-9]{4}-[0-9]{4})", out)
        origin = work / f"origin-{host}.git"
        for cmd in (["git", "init", "-q", "--bare", str(origin)], ["git", "remote", "add", "origin", str(origin)],
                    ["git", "push", "-q", "origin", "main"], ["git", "checkout", "-q", "-b", "feature"]):
            run(cmd, root, env)
        run([ducha, "progress", item, "--text", "完成第一批整治", "--commit"], root, env)
        ledgers[host] = root
    return ledgers


def _sh(line: str, root: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", line], cwd=root, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("job, made", [("validate", "ducha-validate.xml"), ("audit", None), ("daily-overdue", None),
                                       ("pages", "public/index.html")])
def test_gitlab_template_jobs_run_with_the_wheel(installed, ci_ledgers, job, made):
    wheel, _, env, _ = installed
    root = ci_ledgers["gitlab"]
    ci = yaml.safe_load((root / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert ci["variables"]["DUCHA_PACKAGE"].startswith("ducha==")
    assert ci["before_script"] == ['pip install -q "$DUCHA_PACKAGE"']
    job_env = {**env, "DUCHA_PACKAGE": str(wheel),  # the pinned release, here the wheel just built
               "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_PROJECT_DIR": str(root)}
    for line in [*ci["before_script"], *ci[job]["script"]]:
        proc = _sh(line, root, job_env)
        assert proc.returncode == 0, (line, proc.stdout, proc.stderr)
    if made:
        assert (root / made).is_file()


@pytest.mark.parametrize("job, made", [("validate", None), ("daily-overdue", None), ("pages", "build/public/index.html")])
def test_github_template_jobs_run_with_the_wheel(installed, ci_ledgers, job, made):
    wheel, _, env, _ = installed
    root = ci_ledgers["github"]
    workflow = yaml.safe_load((root / ".github" / "workflows" / "ducha.yml").read_text(encoding="utf-8"))
    assert workflow["env"]["DUCHA_PACKAGE"].startswith("ducha==")
    steps = [s["run"] for s in workflow["jobs"][job]["steps"] if "run" in s]
    assert steps[0] == 'pip install -q "$DUCHA_PACKAGE"'
    job_env = {**env, "DUCHA_PACKAGE": str(wheel)}
    for line in steps:
        proc = _sh(line.replace("${{ github.base_ref }}", "main"), root, job_env)
        assert proc.returncode == 0, (line, proc.stdout, proc.stderr)
    if made:
        assert (root / made).is_file()
