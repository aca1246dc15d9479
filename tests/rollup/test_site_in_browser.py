"""The province site as its readers see it in Chromium: a leader on a desktop, a journalist on a phone.

Found walking the roll-up by hand: a verified city's page showed its figures as raw `| 28 | 18 |` text
(the table was glued to the list above it); the stale reason made the city table wider than a screen, so
"数据过期" was scrolled out of sight; the delegations' problems column was cut off; times were ISO strings.
"""
from __future__ import annotations

import datetime as dt

import pytest

from ducha.rollup import rollup

from ..site import browser
from .conftest import NOW, City, Server, city_items, sources_yaml

DESK = {"viewport": {"width": 1366, "height": 900}}


@pytest.fixture(scope="module")
def chromium():
    if browser.missing():
        pytest.skip(browser.missing())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chrome = p.chromium.launch(executable_path=browser.CHROMIUM, args=browser.CHROMIUM_ARGS)
        yield chrome
        chrome.close()


@pytest.fixture
def province(tmp_path, server):
    """Two cities, one of them down on the second roll-up (stale), and a province item delegated to each."""
    (tmp_path / "www2").mkdir()
    other = Server(tmp_path / "www2")
    bozhou = City(tmp_path, "bozhou", server, city_items(2, higher=("2025-0001",)))
    fuyang = City(tmp_path, "fuyang", other, city_items(3))
    bozhou.publish()
    fuyang.publish()
    sources = sources_yaml(tmp_path / "sources.yaml", [bozhou, fuyang])
    rollup(sources, tmp_path / "out", now=NOW)
    other.stop()
    rollup(sources, tmp_path / "out", now=NOW + dt.timedelta(days=1))
    with browser.serve(tmp_path / "out" / "site") as base:
        yield base


def _visible_right_edge(page, text: str) -> bool:
    """Whether the first table cell containing `text` lies inside the window (not scrolled out of sight)."""
    return page.evaluate("""text => {
        const cell = [...document.querySelectorAll('td')].find(td => td.innerText.includes(text));
        if (!cell) return false;
        const box = cell.getBoundingClientRect();
        return box.left >= 0 && box.left < window.innerWidth;
    }""", text)


def test_a_verified_citys_figures_are_a_table(chromium, province):
    page = chromium.new_context(**DESK).new_page()
    page.goto(province + "cities/bozhou/")
    text = page.inner_text("article")
    assert "| 事项数 |" not in text and "|---|" not in text
    headers = page.locator("th").all_inner_texts()
    assert "按时办结率" in headers and "超期" in headers
    assert "（北京时间）" in text and "T09:00:00" not in text  # when the province fetched it, as people write it


@pytest.mark.parametrize("device", [DESK, browser.PHONE], ids=["desktop", "phone"])
def test_a_stale_city_is_marked_where_the_reader_looks(chromium, province, device):
    page = chromium.new_context(**device).new_page()
    page.goto(province)
    # the city's name cell says it, on any screen, and the reason is above the table, not in a wide cell
    assert _visible_right_edge(page, "fuyang市（数据过期）")
    warning = page.locator(".admonition.warning").inner_text()
    assert "fuyang市" in warning and "连接被拒绝" in warning and "2025-07-01" in warning
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("window.innerWidth")
    assert "汇总时间 2025-07-01 09:00（北京时间）" in page.inner_text("article")


def test_a_delegations_problem_is_in_sight_on_a_desktop(chromium, tmp_path, server):
    from ..conftest import item_yaml, write_ledger

    bozhou = City(tmp_path, "bozhou", server, city_items(2))
    bozhou.publish()
    province = write_ledger(tmp_path / "province", {
        "items/2025/2025-0100.yaml": item_yaml("2025-0100", category="meeting_decision", extra="""\
            delegated:
              - {city: bozhou, item: 2025-0099}
              - {city: bozhou, item: 2025-0001}
            """)})
    rollup(sources_yaml(tmp_path / "sources.yaml", [bozhou]), tmp_path / "out", province=province, now=NOW)
    with browser.serve(tmp_path / "out" / "site") as base:
        page = chromium.new_context(**DESK).new_page()
        page.goto(base + "delegated/")
        # the table names each problem briefly, inside the window; the full text with what to do is below it
        assert _visible_right_edge(page, "交办的城市事项不存在")
        assert _visible_right_edge(page, "城市事项不是上级交办事项")
        below = page.locator("article ul").last.inner_text()
        assert "2025-0099 不在该市的开放数据中" in below and "请该市改正类别" in below
