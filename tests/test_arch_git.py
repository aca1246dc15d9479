"""One module owns Git (issue 12): no other module of ducha starts a `git` process or uses GitPython.

The source is read with `ast`, not run: a call that starts a process
(subprocess, os.system, os.exec*/spawn*, asyncio) with an argv that starts
with "git", any list or tuple written out starting with "git" (an argv
built first and run later), and `import git` / `from git import …` are
found wherever they are. Audit rules run no Git at all: they read what
`run_audit` computed, so a rule module may not even import the Git module.
"""
from __future__ import annotations

import ast
from pathlib import Path

import ducha

PACKAGE = Path(ducha.__file__).resolve().parent
GIT_MODULE = "gitrepo.py"

PROCESS_CALLS = {
    ("subprocess", name) for name in ("run", "Popen", "call", "check_call", "check_output", "getoutput",
                                      "getstatusoutput")
} | {("os", name) for name in ("system", "popen", "execv", "execve", "execvp", "execvpe", "execl", "execle",
                               "execlp", "execlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe", "spawnl",
                               "spawnle", "spawnlp", "spawnlpe", "posix_spawn", "posix_spawnp")} | {
    ("asyncio", "create_subprocess_exec"), ("asyncio", "create_subprocess_shell")}
BARE_NAMES = {name for _, name in PROCESS_CALLS}  # `from subprocess import run` then `run([...])`


def _is_git(node: ast.AST | None) -> bool:
    """An argv (list/tuple whose first item is "git"), or a command line starting with `git `."""
    if isinstance(node, (ast.List, ast.Tuple)) and node.elts:
        node = node.elts[0]
        return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip() in ("git", "git.exe")
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.strip() == "git" or node.value.lstrip().startswith("git ")
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        return isinstance(first, ast.Constant) and str(first.value).lstrip().startswith("git")
    return False


def _call_name(func: ast.AST) -> tuple[str | None, str | None]:
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id, func.attr
    if isinstance(func, ast.Name):
        return None, func.id
    return None, None


def git_uses(source: str, filename: str = "<source>") -> list[str]:
    """Where `source` starts git or uses GitPython, as "line: what"."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names if a.name.split(".")[0] == "git"]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and (node.module or "").split(".")[0] == "git":
                found.append(f"{node.lineno}: from {node.module} import …")
        elif isinstance(node, ast.Call):
            owner, name = _call_name(node.func)
            if (owner, name) in PROCESS_CALLS or (owner is None and name in BARE_NAMES):
                argv = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "args"), None)
                # os.exec*/spawn* take (path, argv) or (mode, path, argv): any argument counts.
                if _is_git(argv) or any(_is_git(a) for a in node.args[1:]):
                    found.append(f"{node.lineno}: {owner + '.' if owner else ''}{name}(git …)")
            elif name == "__import__" and node.args and isinstance(node.args[0], ast.Constant) \
                    and node.args[0].value == "git":
                found.append(f"{node.lineno}: __import__('git')")
        elif isinstance(node, (ast.List, ast.Tuple)) and _is_git(node):
            found.append(f"{node.lineno}: an argv starting with git")
    return sorted(set(found))


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_only_the_git_module_starts_git():
    outside = {}
    for path in modules():
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == GIT_MODULE:
            continue
        uses = git_uses(path.read_text(encoding="utf-8"), rel)
        if uses:
            outside[rel] = uses
    assert outside == {}, f"only generator/{GIT_MODULE} may run Git; found: {outside}"


def test_the_git_module_is_where_git_runs():
    """The scan sees real uses: the Git module's own are found (so an empty result elsewhere means something)."""
    uses = git_uses((PACKAGE / GIT_MODULE).read_text(encoding="utf-8"))
    assert any("subprocess.run(git" in u for u in uses) and any("subprocess.Popen(git" in u for u in uses)


def test_the_scan_finds_each_way_of_starting_git():
    samples = {
        'import subprocess\nsubprocess.run(["git", "log"])': "subprocess.run",
        'import subprocess\nsubprocess.Popen(args=("git", "cat-file", "--batch"))': "subprocess.Popen",
        'from subprocess import check_output\ncheck_output(["git", "rev-parse", "HEAD"])': "check_output",
        'import os\nos.system("git commit -m x")': "os.system",
        'import os\nos.execvp("git", ["git", "status"])': "os.execvp",
        'argv = ["git", "-C", "x", "log"]\n': "argv",
        'import git\n': "import git",
        'from git import Repo\n': "from git",
        'import git.cmd\n': "import git.cmd",
    }
    for source, what in samples.items():
        assert git_uses(source), f"not found: {what}"
    assert git_uses('import subprocess\nsubprocess.run(["mkdocs", "build"])\nx = ["gitlab", "github"]') == []
    assert git_uses("from . import gitrepo\ngitrepo.run(path, 'log')") == []


def test_audit_rules_run_no_git():
    """Each audit rule reads precomputed changes and snapshots: it does not import the Git module or history readers."""
    bad = {}
    for path in sorted((PACKAGE / "audit").glob("*.py")):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = {a.name for a in node.names}
                module = node.module or ""
                if module.endswith("gitrepo") or "gitrepo" in names \
                        or (module.endswith("history") and names - {"LEDGER_FILE"}):
                    bad.setdefault(path.name, []).append(f"{node.lineno}: from {'.' * node.level}{module} import …")
            elif isinstance(node, ast.Import) and any(a.name.endswith("gitrepo") for a in node.names):
                bad.setdefault(path.name, []).append(f"{node.lineno}: import gitrepo")
    assert bad == {}
