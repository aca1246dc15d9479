"""No module of the package reaches into another module's private names (issue 12, point 4).

A name starting with one underscore is the defining module's own business:
another module that needs it should use (or ask for) a public name. Read
with `ast`, so nothing is imported or run. A private *module* (such as
`signals/_history.py`) may be used by its own package only.
"""
from __future__ import annotations

import ast

from .conftest import REPO

PACKAGE = REPO / "generator"


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def violations(path, package=PACKAGE) -> list[str]:
    """Every use of another module's private name in `path`, a module of `package`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    rel = path.relative_to(package.parent).as_posix()
    here = path.parent.relative_to(package).parts
    found = []
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            parts = (node.module or "").split(".") if node.module else []
            # The package a relative `from ..x import` starts from (None: an absolute import).
            base = here[:len(here) - node.level + 1] if node.level else None
            for alias in node.names:
                imported.add(alias.asname or alias.name)
                if _private(alias.name):
                    found.append(f"{rel}:{node.lineno} imports {alias.name} from {node.module or '.'}")
            private_parts = [p for p in parts if _private(p)]
            if private_parts:
                owner = (base or ()) + tuple(parts[:parts.index(private_parts[0])])
                if base is None or owner != here:
                    found.append(f"{rel}:{node.lineno} imports the private module {node.module} from outside its package")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                imported.add((alias.asname or alias.name).split(".")[0])
                if any(_private(p) for p in alias.name.split(".")):
                    found.append(f"{rel}:{node.lineno} imports the private module {alias.name}")
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(node.value, ast.Name)
                and node.value.id in imported):
            found.append(f"{rel}:{node.lineno} uses {node.value.id}.{node.attr}")
    return found


def test_no_module_imports_another_modules_private_names():
    found = [v for path in sorted(PACKAGE.rglob("*.py")) for v in violations(path)]
    assert not found, "private names used across modules:\n" + "\n".join(found)


def test_the_check_sees_a_private_import(tmp_path):
    """The check itself: each way of reaching a private name is caught; a package's own private module is not."""
    package = tmp_path / "generator"
    (package / "sub").mkdir(parents=True)
    bad = package / "bad.py"
    bad.write_text("from .validate import _suggest_date\nfrom . import loader\nloader._resolve('x', True)\n"
                   "from .sub._helper import thing\n", encoding="utf-8")
    ok = package / "sub" / "user.py"
    ok.write_text("from ._helper import thing\nfrom .. import loader\nloader.resolve_tag('x', True)\n", encoding="utf-8")
    assert len(violations(bad, package)) == 3
    assert violations(ok, package) == []
