"""The public site in a real headless Chromium on a phone: search, console, requests, accessibility."""
import pytest

from ducha.site import build_sites

from ..conftest import REPO, D
from . import browser

pytestmark = pytest.mark.skipif(browser.missing() is not None, reason=browser.missing() or "")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    build_sites(REPO, out, D("2026-11-26"), use_cache=False)
    with browser.serve(out / "public") as base:
        yield base


def serious(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [(v["id"], v["impact"], v["help"]) for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def test_phone_search_opens_the_hit_without_errors_or_outside_requests(site):
    with browser.phone_page() as page:
        page.goto(site, wait_until="load")
        assert page.locator("h1").first.inner_text().startswith("亳州市政府督查台账")
        assert serious(page) == []
        # "积水" is a word inside the title of 2025-0006 (jieba segments it).
        browser.search(page, "积水")
        hit = page.locator(".md-search-result__item a", has_text="利辛路").first
        assert "items/2025-0006/" in hit.get_attribute("href")
        hit.click()
        page.wait_for_url("**/items/2025-0006/**")
        assert page.locator("h1").first.inner_text() == "解决利辛路下穿通道积水问题"
        page.wait_for_load_state("load")
        assert serious(page) == []
        assert page.errors == []
        outside = [u for u in page.requests if not u.startswith(site)]
        assert outside == [], outside
