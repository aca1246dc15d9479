"""Issue 9, point 10: the site name (ledger.yaml `name`) is escaped on every page.

The theme printed it raw in the title bar, the header and the navigation,
so a name like `<img src=x onerror=alert(1)>` ran script on every page.
Checked in a real headless Chromium: no script runs, no such element
exists, and the name is shown literally.
"""
import xml.etree.ElementTree as ET

import pytest

from ducha.site import build_sites

from ..conftest import LEDGER_YAML, D, item_yaml, write_ledger
from ..site import browser

pytestmark = pytest.mark.skipif(browser.missing() is not None, reason=browser.missing() or "")

NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = write_ledger(tmp_path_factory.mktemp("p10"), {
        "items/2025/2025-0001.yaml": item_yaml("2025-0001", extra="public: true\n", events=[
            "date: 2025-03-15, type: progress, text: 已完成摸底调查"]),
    }, LEDGER_YAML.replace("name: 测试台账", f"name: '{NAME}'"))
    result = build_sites(root, root / "site", D("2025-06-01"), use_cache=False)
    with browser.serve(result.sites["public"]) as base:
        yield result, base


def visit(page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)  # an <img onerror> fires after its request fails


def test_the_name_is_shown_literally_and_runs_nothing(site):
    result, base = site
    with browser.phone_page() as page:
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for url in (base, base + "items/2025-0001/", base + "lists/"):
            visit(page, url)
            assert page.locator('img[src="x"]').count() == 0, url
            assert NAME in page.title(), url
            header = page.locator(".md-header__topic").first.inner_text()
            assert NAME in header, (url, header)
            drawer = page.locator("label.md-nav__title").first.text_content()
            assert NAME in drawer, (url, drawer)
            assert page.locator(".md-footer").count() == 1
        # Search: the results show, still without the element or a dialog.
        visit(page, base)
        browser.search(page, "老旧小区")
        assert page.locator('img[src="x"]').count() == 0
        page.wait_for_timeout(300)
        assert dialogs == []
        assert not [u for u in page.requests if u.rstrip("/").endswith("/x")]


def test_feed_and_raw_pages_hold_the_name_as_text(site):
    result, _ = site
    public = result.sites["public"]
    feed = ET.parse(public / "feed.xml").getroot()
    assert feed.find("{http://www.w3.org/2005/Atom}title").text == f"{NAME}：事项进展"
    for path in public.rglob("*.html"):
        assert NAME not in path.read_text(encoding="utf-8"), path.relative_to(public)
    index = (public / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "<img" not in index
