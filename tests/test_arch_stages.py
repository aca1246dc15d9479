"""Data flows between stages as arguments, never through module state or the environment (issue 12, point 5).

Read with `ast`, so nothing is imported or run:
- no module reads or writes `os.environ` except for the user settings
  listed in `ENVIRONMENT_SETTINGS` (and handing the whole environment on to
  a child process, `{**os.environ, ...}`);
- no function rebinds a module name (`global`) or writes into a module-level
  dict, list or set (item assignment, `del`, or a mutating method);
- `build_sites` is a straight sequence of calls (no branches, loops or
  `try`) that runs the named stages in order, and `ducha serve` runs the same
  stage functions.
"""
from __future__ import annotations

import ast
from pathlib import Path

from .conftest import REPO

PACKAGE = REPO / "generator"

# Environment variables that are genuine settings of the user, with where they are read.
ENVIRONMENT_SETTINGS = {
    "DUCHA_CACHE_DIR",  # cache.py: where caches live
    "XDG_CACHE_HOME",  # cache.py: the user's cache folder
    "HOME",  # the user's home (the default cache folder)
    "DUCHA_LOCK_TIMEOUT",  # edit.py: how long an edit waits for the ledger's lock
    "NO_COLOR",  # cli.py: no colours in the terminal
    "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",  # init.py: who makes the first commit
    "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL",
}
# Module-level state that functions may write: per-process memos and resources, never data of a stage.
PROCESS_STATE = {
    ("generator/cache.py", "_SECRETS"),  # each cache folder's signing key, read once per process
    ("generator/loader.py", "_RESOLVED"),  # memo: how YAML resolves a plain scalar (bounded)
    ("generator/edit.py", "_held"),  # the ledger locks this process holds, with nesting depth
    ("generator/site/__init__.py", "_SESSIONS"),  # `ducha serve`: its view between rebuilds (MkDocs reloads the hook)
}
MUTATORS = {"append", "extend", "insert", "update", "setdefault", "pop", "popitem", "clear", "add", "remove",
            "discard", "__setitem__", "__delitem__"}
MUTABLE_CALLS = {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque"}


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _setting(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value in ENVIRONMENT_SETTINGS


def environment_uses(tree: ast.AST, rel: str) -> list[str]:
    """Each use of the environment other than reading a listed setting or handing it all to a child."""
    parents = _parents(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [f"{rel}:{node.lineno} imports os.{a.name}" for a in node.names
                      if a.name in ("environ", "getenv", "putenv", "unsetenv", "environb")]
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os"):
            continue
        parent = parents.get(node)
        grand = parents.get(parent) if parent else None
        if node.attr == "getenv":
            ok = isinstance(parent, ast.Call) and bool(parent.args) and _setting(parent.args[0])
        elif node.attr in ("environ", "environb"):
            ok = ((isinstance(parent, ast.Attribute) and parent.attr == "get" and isinstance(grand, ast.Call)
                   and bool(grand.args) and _setting(grand.args[0]))
                  or (isinstance(parent, ast.Subscript) and isinstance(parent.ctx, ast.Load) and _setting(parent.slice))
                  or (isinstance(parent, ast.Compare) and _setting(parent.left))
                  or (isinstance(parent, ast.Dict) and any(k is None and v is node
                                                           for k, v in zip(parent.keys, parent.values))))
        elif node.attr in ("putenv", "unsetenv"):
            ok = False
        else:
            continue
        if not ok:
            found.append(f"{rel}:{node.lineno} uses os.{node.attr} beyond the user settings")
    return found


def _module_mutables(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        targets, value = [], None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        mutable = isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)) or (
            isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in MUTABLE_CALLS)
        if mutable:
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _local_names(function: ast.AST) -> set[str]:
    args = function.args  # type: ignore[attr-defined]
    names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg] if a}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def module_state_writes(tree: ast.Module, rel: str) -> list[str]:
    """Each `global` statement, and each write into a module-level dict/list/set from a function."""
    mutables = _module_mutables(tree)
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        shared = mutables - _local_names(function) if not isinstance(function, ast.Lambda) else mutables
        for node in ast.walk(function):
            if isinstance(node, ast.Global):
                found.append(f"{rel}:{node.lineno} rebinds module names {', '.join(node.names)} (global)")
            written = None
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
                written = node.value
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in MUTATORS):
                written = node.func.value
            if isinstance(written, ast.Name) and written.id in shared and (rel, written.id) not in PROCESS_STATE:
                found.append(f"{rel}:{node.lineno} writes into the module-level {written.id}")
    return sorted(set(found))


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(REPO).as_posix(), ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_no_module_passes_data_through_the_environment():
    found = [v for rel, tree in _modules() for v in environment_uses(tree, rel)]
    assert not found, "the environment used for something other than a user setting:\n" + "\n".join(found)


def test_no_function_writes_module_state():
    found = [v for rel, tree in _modules() for v in module_state_writes(tree, rel)]
    assert not found, "module state written by functions:\n" + "\n".join(found)


def test_the_checks_see_what_they_look_for():
    bad = ast.parse(
        "import os\n_SHARED: dict = {}\nCACHE = []\n"
        "def init(x):\n    _SHARED['x'] = x\n"
        "def add(x):\n    CACHE.append(x)\n"
        "def rebind():\n    global N\n    N = 1\n"
        "def hand_over(job):\n    os.environ['DUCHA_SERVE'] = job\n"
        "def take():\n    return os.environ['DUCHA_SERVE'], os.getenv('DUCHA_JOB'), os.environ.get('X')\n")
    assert len(module_state_writes(bad, "m.py")) == 3
    assert len(environment_uses(bad, "m.py")) == 4
    good = ast.parse(
        "import os\nCACHE = []\n"
        "def local(x):\n    CACHE = []\n    CACHE.append(x)\n    return CACHE\n"
        "def settings():\n    return os.environ.get('DUCHA_CACHE_DIR'), 'NO_COLOR' in os.environ, {**os.environ}\n")
    assert module_state_writes(good, "m.py") == [] and environment_uses(good, "m.py") == []


# ---- build_sites reads as its stages ----

BUILD_STAGES = ["clean_output", "site_settings", "start_history", "load_ledger", "evaluate", "stop_on_errors",
                "read_history", "work_folder", "build_audiences", "swap_in", "build_result"]
# Per audience, in its process: the view (the internal site's signals and reports made beside it), its Markdown,
# MkDocs, the item pages.
SITE_STAGES = ["start_extras", "audience_view", "stage_item_pages", "content_keys", "take_extras", "site_markdown",
               "run_mkdocs", "prepare_item_pages",
               "write_item_pages"]
REST_STAGES = ["write_markdown", "mkdocs_config"]
# `session_history`: the build's `read_history`, kept by `ducha serve` while the head commit stays.
SERVE_STAGES = ["load_ledger", "evaluate", "session_history", "audience_view", "write_markdown"]


def _function(path: Path, name: str) -> ast.FunctionDef:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)


def _straight_calls(body: list[ast.stmt]) -> list[str]:
    """The functions a straight sequence of statements calls by name, in order (AssertionError on `if`, `for`,
    `while`, `try`, a conditional expression or a comprehension: stages are called, not wired)."""
    called = []
    for statement in body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # the docstring
        assert isinstance(statement, (ast.Assign, ast.Expr, ast.Return, ast.With)), (
            f"line {statement.lineno}: {type(statement).__name__} is not a stage call")
        if isinstance(statement, ast.With):
            called += [item.context_expr.func.id for item in statement.items  # type: ignore[attr-defined]
                       if isinstance(item.context_expr, ast.Call) and isinstance(item.context_expr.func, ast.Name)]
            called += _straight_calls(statement.body)
            continue
        value = statement.value
        assert not any(isinstance(n, (ast.IfExp, ast.Lambda, ast.comprehension)) for n in ast.walk(statement)), (
            f"line {statement.lineno}: a branch or a loop")
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            called.append(value.func.id)
    return called


def _in_order(called: list[str], stages: list[str]) -> bool:
    at = iter(called)
    return all(stage in at for stage in stages)


def test_build_sites_is_the_named_stages_in_order():
    called = _straight_calls(_function(PACKAGE / "site" / "__init__.py", "build_sites").body)
    assert _in_order(called, BUILD_STAGES), called
    site = _straight_calls(_function(PACKAGE / "site" / "stages.py", "build_audience").body)
    assert _in_order(site, SITE_STAGES), site
    rest = _straight_calls(_function(PACKAGE / "site" / "stages.py", "site_markdown").body)
    assert _in_order(rest, REST_STAGES), rest


def test_serve_runs_the_same_stages():
    called = _straight_calls(_function(PACKAGE / "site" / "__init__.py", "preview_markdown").body)
    assert _in_order(called, SERVE_STAGES), called
    hook = (PACKAGE / "site" / "serve_hook.py").read_text(encoding="utf-8")
    assert "preview_markdown" in hook and "environ" not in hook
