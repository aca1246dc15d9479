"""The source pages as a journalist reads them on a phone (walk-through of issue 17), in Chromium."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from ducha.site import build_sites

from ..conftest import REPO
from . import browser

pytestmark = pytest.mark.skipif(browser.missing() is not None, reason=str(browser.missing()))


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    out = tmp_path_factory.mktemp("src-phone") / "site"
    build_sites(REPO, out, dt.date(2025, 12, 31), use_cache=False)
    return out / "public"


def test_the_progress_list_keeps_each_date_on_one_line_and_shows_done_of_total(public):
    with browser.serve(public) as base, browser.phone_page() as page:
        page.goto(base + "sources/")
        dates = page.locator("table.ducha-sources .ducha-date")
        assert dates.count() == 4  # the demo's four public sources
        for i in range(dates.count()):
            assert re.fullmatch(r"20\d\d-\d\d-\d\d", dates.nth(i).inner_text())
            assert dates.nth(i).evaluate("e => e.getClientRects().length") == 1, "a date broken over two lines"
        row = page.locator("table.ducha-sources tr", has_text="2025年《政府工作报告》").inner_text()
        assert "政府工作报告" in row and "2025-01-16" in row and re.search(r"\b3\s+2\s+2\s+0\s+67%", row)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_task_card_shows_the_latest_progress_labelled_below_its_title(public):
    with browser.serve(public) as base, browser.phone_page() as page:
        page.goto(base + "sources/2025-gzbg/")
        card = page.locator("#in_progress + table tr", has_text="建成5G基站1500个")
        title, note = card.locator("td.ducha-title"), card.locator("td.ducha-note")
        assert note.inner_text().startswith("最新进展：2025-12-10：建成1440个")
        assert note.bounding_box()["y"] > title.bounding_box()["y"] + title.bounding_box()["height"] - 1
        assert "期限 2025-12-31" in card.inner_text()
        headings = page.locator("article h2").all_inner_texts()
        assert "已办结（2 项）" in headings and not any("已落实（已办结）" in h for h in headings)
