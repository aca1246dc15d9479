"""Red team: a ledger's mkdocs.yml or theme templates must not run code on `ducha build`.

The office owns mkdocs.yml by the audit, but a merge request's CI builds
the site from the unmerged branch, so whatever that file names runs on
CI. MkDocs imports each plugin, hook and Markdown extension it names;
Python-Markdown's `module:Class` form calls any class (`subprocess:Popen`
runs a command while the config is read), and the templates of a theme
`custom_dir` are Jinja, which runs Python through `__globals__` unless
sandboxed. The build must refuse all of these with a Chinese message, and
nothing may run.
"""
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import item_yaml, write_ledger

BASE = "site_name: 督查台账\ntheme:\n  name: material\n"
SSTI = ('{% extends "base.html" %}\n{% block extrahead %}'
        '{{ config.__class__.__init__.__globals__["__builtins__"]["__import__"]("os")'
        '.system("touch MARKER") }}{% endblock %}\n')


def build(root: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ducha", "build", "--ledger", str(root), "--out", str(out),
                           "--as-of", "2025-06-01", "--no-cache"], capture_output=True, text=True, timeout=120)


CASES = {
    "markdown extension module:Class": (
        BASE + "markdown_extensions:\n  - toc\n  - subprocess:Popen:\n      args: ['touch', 'MARKER']\n", {},
        "subprocess:Popen"),
    "hooks naming a file of the repository": (
        BASE + "hooks:\n  - evil.py\n", {"evil.py": "open('MARKER', 'w')\n"}, "hooks"),
    "plugin that enables other plugins": (
        BASE + "plugins:\n  - search\n  - material/group:\n      enabled: true\n      plugins: [search]\n", {},
        "material/group"),
    "Jinja template in custom_dir": (
        "site_name: x\ntheme:\n  name: material\n  custom_dir: overrides\n", {"overrides/main.html": SSTI},
        "custom_dir"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_code_named_by_the_site_settings_never_runs(tmp_path, case):
    mkdocs, files, named = CASES[case]
    marker = tmp_path / "ran"
    files = {k: v.replace("MARKER", str(marker)) for k, v in files.items()}
    root = write_ledger(tmp_path / "ledger", {"items/2025/2025-0001.yaml": item_yaml("2025-0001", extra="public: true\n"),
                                              **files})
    (root / "mkdocs.yml").write_text(mkdocs.replace("MARKER", str(marker)), encoding="utf-8")
    proc = build(root, tmp_path / "site")
    assert not marker.exists(), "code from the ledger ran during the build"
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert named in proc.stderr and "Traceback" not in proc.stderr
    assert "请修改或删除" in proc.stderr or "请删除" in proc.stderr
    assert not (tmp_path / "site" / "public" / "index.html").exists()


def test_allowed_plugins_and_extensions_still_build(tmp_path):
    root = write_ledger(tmp_path / "ledger", {"items/2025/2025-0001.yaml": item_yaml("2025-0001", extra="public: true\n"),
                                              "overrides/main.html": '{% extends "base.html" %}\n'
                                              '{% block extrahead %}<meta name="x" content="{{ config.site_name }}">'
                                              '{% endblock %}\n'})
    (root / "mkdocs.yml").write_text(
        "site_name: x\ntheme:\n  name: material\n  custom_dir: overrides\nplugins:\n  - search\n  - offline\n"
        "markdown_extensions:\n  - tables\n  - toc:\n      permalink: true\n  - pymdownx.details\n", encoding="utf-8")
    proc = build(root, tmp_path / "site")
    assert proc.returncode == 0, proc.stderr
    assert '<meta name="x"' in (tmp_path / "site" / "public" / "index.html").read_text(encoding="utf-8")
