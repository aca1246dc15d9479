"""Issue 9, point 4 (site half): a mkdocs.yml that loads from another host fails the build.

The sites promise to work offline and to call no other host. Anything the
ledger's mkdocs.yml adds that would load from elsewhere (extra scripts or
styles, a theme logo, raw HTML in a setting, templates or assets of a theme
`custom_dir`) stops `ducha build` with a Chinese message, before any work,
and leaves the old site alone.
"""
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import item_yaml, write_ledger

BASE = "site_name: 督查台账\ntheme:\n  name: material\n"


def ducha(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ducha", *args], capture_output=True, text=True, timeout=120)


def ledger(root: Path, mkdocs: str, files: dict | None = None) -> Path:
    root = write_ledger(root, {"items/2025/2025-0001.yaml": item_yaml("2025-0001", extra="public: true\n"),
                               **(files or {})})
    (root / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")
    return root


def build(root: Path) -> subprocess.CompletedProcess:
    return ducha("build", "--ledger", str(root), "--as-of", "2025-06-01", "--no-cache")


OVERRIDE = "theme:\n  name: material\n  custom_dir: overrides\n"
CASES = {
    "extra_javascript": (BASE + "extra_javascript:\n  - https://cdn.example.com/track.js\n", {},
                         "cdn.example.com"),
    "extra_javascript as a mapping": (
        BASE + "extra_javascript:\n  - {path: 'https://cdn.example.com/m.js', type: module}\n", {}, "cdn.example.com"),
    "extra_css, protocol-relative": (BASE + "extra_css:\n  - //cdn.example.com/x.css\n", {}, "cdn.example.com"),
    "theme logo": ("theme:\n  name: material\n  logo: https://img.example.com/logo.png\n", {}, "img.example.com"),
    "script in copyright": (BASE + "copyright: '<script src=\"https://evil.example/x.js\"></script>'\n", {},
                            "evil.example"),
    "script in an override template": (
        OVERRIDE, {"overrides/main.html": '{% extends "base.html" %}\n{% block scripts %}\n{{ super() }}\n'
                   '<script src=https://evil.example/x.js></script>\n{% endblock %}\n'}, "overrides/main.html 第 4 行"),
    "stylesheet in an override": (
        OVERRIDE, {"overrides/main.html": '{% extends "base.html" %}\n{% block extrahead %}\n'
                   '<link rel="stylesheet" href="https://fonts.example.com/f.css">\n{% endblock %}\n'},
        "overrides/main.html 第 3 行"),
    "import in an override's CSS": (
        OVERRIDE, {"overrides/main.html": '{% extends "base.html" %}\n',
                   "overrides/assets/x.css": 'body { color: red }\n@import url("https://fonts.example.com/f.css");\n'},
        "overrides/assets/x.css 第 2 行"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_setting_that_loads_from_another_host_stops_the_build(tmp_path, case):
    mkdocs, files, named = CASES[case]
    root = ledger(tmp_path / "ledger", mkdocs, files)
    run = build(root)
    assert run.returncode == 1, run.stdout
    assert "离线" in run.stderr and named in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert not (root / "site" / "public").exists()


def test_the_old_site_is_kept_and_serve_refuses_too(tmp_path):
    root = ledger(tmp_path / "ledger", BASE)
    assert build(root).returncode == 0
    page = root / "site" / "public" / "index.html"
    before = page.read_bytes()
    (root / "mkdocs.yml").write_text(BASE + "extra_javascript:\n  - https://cdn.example.com/track.js\n",
                                     encoding="utf-8")
    run = build(root)
    assert run.returncode == 1 and "原有网站未被改动" in run.stderr
    assert page.read_bytes() == before
    serve = ducha("serve", "--ledger", str(root), "--port", "1")
    assert serve.returncode == 1 and "离线" in serve.stderr and "cdn.example.com" in serve.stderr


def test_inherit_is_refused_in_chinese(tmp_path):
    root = ledger(tmp_path / "ledger", "INHERIT: other.yml\n" + BASE,
                  {"other.yml": "extra_javascript:\n  - https://cdn.example.com/track.js\n"})
    run = build(root)
    assert run.returncode == 1 and "INHERIT" in run.stderr and "直接写进" in run.stderr, run.stderr


def test_offline_overrides_and_plain_links_still_build(tmp_path):
    # A local override and a link to another site (not loaded by the page) are fine.
    root = ledger(tmp_path / "ledger",
                  OVERRIDE + "copyright: '<a href=\"https://www.gov.cn/\">中国政府网</a>'\n", {
                      "overrides/main.html": '{% extends "base.html" %}\n{% block announce %}本站为演示站点'
                                             '{% endblock %}\n'})
    run = build(root)
    assert run.returncode == 0, run.stderr
    page = (root / "site" / "public" / "index.html").read_text(encoding="utf-8")
    assert "本站为演示站点" in page and 'href="https://www.gov.cn/"' in page
