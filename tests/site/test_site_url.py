"""The public site's address (ledger.yaml `site_url`) and the files others read (issue 18, points 3 and 5).

A site published as a project site (GitLab or GitHub Pages: https://org.gitlab.io/ledger/)
lives under a sub-path: its 404 page is served for a missing page at any depth, so its
links must be absolute from the site's own path. The sitemap lists every public page;
the feed and the sitemap validate against their published schemas (Atom's RELAX NG,
sitemaps.org's XSD), and each unit calendar opens with a second iCalendar parser.
"""
from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from lxml import etree

from ducha.site import build_sites

from ..conftest import LEDGER_YAML, D, item_yaml, write_ledger
from . import browser

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "schemas"
SITE_URL = "https://example.gitlab.io/ledger/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

ITEMS = {
    "items/2025/2025-0001.yaml": item_yaml("2025-0001", extra="public: true\n",
                                           events=["date: 2025-03-15, type: progress, text: 已开工"]),
    "items/2025/2025-0002.yaml": item_yaml("2025-0002", lead="fgw", extra="public: true\n",
                                           events=["date: 2025-04-15, type: completed, text: 已完成"]),
    "items/2025/2025-0003.yaml": item_yaml("2025-0003", lead="qcq").replace("完成城区老旧小区改造120个", "不公开的事项"),
}


def ledger(root: Path, site_url: str | None) -> Path:
    text = LEDGER_YAML.replace("name: 测试台账\n", f"name: 测试台账\nsite_url: {site_url}\n" if site_url else "name: 测试台账\n")
    return write_ledger(root, ITEMS, text)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = ledger(tmp_path_factory.mktemp("ledger"), SITE_URL.rstrip("/"))  # "/" added by ducha
    result = build_sites(root, root / "site", D("2025-06-01"), use_cache=False)
    assert result.notices == []
    return root / "site"


def test_sitemap_lists_every_public_page_and_validates(site):
    public = site / "public"
    doc = etree.parse(str(public / "sitemap.xml"))
    xsd = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd")))
    assert xsd.validate(doc), xsd.error_log
    listed = {loc.text for loc in doc.iter(f"{SITEMAP}loc")}
    pages = {SITE_URL + p.parent.relative_to(public).as_posix().replace(".", "").strip("/") for p in
             public.rglob("index.html")}
    pages = {p if p.endswith("/") else p + "/" for p in pages}
    assert listed == pages
    assert f"{SITE_URL}items/2025-0001/" in listed and f"{SITE_URL}items/2025-0003/" not in listed
    home = (public / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{SITE_URL}">' in home
    # The internal site's pages are never given the public address.
    internal = (site / "internal" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>" not in internal and SITE_URL not in (site / "internal" / "index.html").read_text(encoding="utf-8")


def test_feed_validates_against_atoms_relax_ng(site):
    rng = etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))
    for audience in ("public", "internal"):
        doc = etree.parse(str(site / audience / "feed.xml"))
        assert rng.validate(doc), (audience, rng.error_log)


def test_every_calendar_opens_with_a_second_parser_and_is_named_after_its_unit(site):
    import vobject

    for audience in ("public", "internal"):
        calendars = sorted((site / audience / "calendar").glob("*.ics"))
        assert {p.stem for p in calendars} >= {"zjj", "fgw"}
        names = set()
        for path in calendars:
            cal = vobject.readOne(path.read_text(encoding="utf-8"))
            assert list(cal.components()), f"{path.name}: no component (RFC 5545 wants one)"
            names.add(cal.contents["x-wr-calname"][0].value)
        assert len(names) == len(calendars)


class _PagesHost(http.server.SimpleHTTPRequestHandler):
    """A static host as GitLab Pages serves a project site: the site under /ledger/, its 404.html for what is missing."""

    def __init__(self, *args, site: Path, **kwargs):
        self.site = site
        super().__init__(*args, directory=str(site), **kwargs)

    def log_message(self, *args):
        pass

    def translate_path(self, path):
        path = path.split("?", 1)[0]
        if not path.startswith("/ledger/"):
            return str(self.site / "no such file")
        return super().translate_path(path[len("/ledger"):])

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (self.site / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def pages_host(site: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_PagesHost, site=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.skipif(browser.missing() is not None, reason=browser.missing() or "")
def test_404_page_works_under_a_project_path(site):
    with pages_host(site / "public") as host, browser.desktop_page() as page:
        statuses = {}
        page.on("response", lambda r: statuses.__setitem__(r.url, r.status))
        response = page.goto(f"{host}/ledger/items/2025-9999/deeper/", wait_until="networkidle")
        assert response.status == 404
        assert page.locator("h1", has_text="页面不存在").is_visible()
        # Its styles, scripts and images came from the site, not from the host's root.
        loaded = {u: s for u, s in statuses.items() if u != page.url}
        assert loaded and all(s == 200 for s in loaded.values()), loaded
        assert all(u.startswith(f"{host}/ledger/") for u in loaded), loaded
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") != "static"
        page.locator("article a", has_text="全部清单").click()
        page.wait_for_load_state("networkidle")
        assert page.url == f"{host}/ledger/lists/" and statuses[page.url] == 200
        page.go_back(wait_until="networkidle")
        page.locator("article a", has_text="回到首页").click()
        page.wait_for_load_state("networkidle")
        assert page.url == f"{host}/ledger/" and statuses[page.url] == 200
        # The only failed load is the missing page itself.
        assert [u for u, s in statuses.items() if s not in (200, 304)] == [f"{host}/ledger/items/2025-9999/deeper/"], statuses
        assert [e for e in page.errors if "404" not in e] == [], page.errors


def test_without_site_url_the_build_says_what_is_lost(tmp_path):
    root = ledger(tmp_path / "ledger", None)
    proc = subprocess.run([sys.executable, "-m", "ducha", "build", "--as-of", "2025-06-01", "--no-cache"], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    warning = next(line for line in proc.stderr.splitlines() if "site_url" in line)
    for lost in ("网站地图", "规范链接", "404", "ledger.yaml"):
        assert lost in warning, warning
    assert "<loc>" not in (root / "site" / "public" / "sitemap.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize("value", ["ftp://example.org/", "https://user:pw@example.org/", "https://例子.中国/",
                                   "https://example.org/a b/", "https://example.org/?q=1", "javascript:alert(1)",
                                   "https://" + "a" * 400 + ".org/", '"https://example.org/\\x07"', "[https://a.org/]"])
def test_a_bad_site_url_is_a_finding_with_its_line(tmp_path, value):
    root = ledger(tmp_path / "ledger", value)
    proc = subprocess.run([sys.executable, "-m", "ducha", "validate", "--no-cache"], cwd=root,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr + proc.stdout
    assert "ledger.yaml" in proc.stdout and "site_url" in proc.stdout and "第 2 行" in proc.stdout, proc.stdout
