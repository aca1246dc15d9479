"""Issue 14: the public site as journalists and citizens use it, on a phone (390×844) in real Chromium.

One build of the demo ledger for the module and one browser page shared by
the tests (a Chromium start costs about a second). Expected values come
from the site's own open data (data/items.json) and from ledger.yaml, never
from numbers written into the test.
"""
import json
import re

import pytest
import yaml

from ducha.site import build_sites

from ..conftest import REPO, D, item_yaml
from ..gitrepo import OFFICE, Repo
from . import browser

AS_OF = "2026-11-26"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-site")
    result = build_sites(REPO, out, D(AS_OF), use_cache=False)
    public = result.sites["public"]
    items = json.loads((public / "data" / "items.json").read_text(encoding="utf-8"))["items"]
    with browser.serve(public) as base:
        yield {"base": base, "public": public, "items": items}


@pytest.fixture(scope="module")
def phone():
    if browser.missing():
        pytest.skip(browser.missing())
    with browser.phone_page() as page:
        yield page


def demo_units() -> list[dict]:
    return yaml.safe_load((REPO / "ledger.yaml").read_text(encoding="utf-8"))["units"]


def overdue_ids(items) -> set[str]:
    return {i["id"] for i in items if i["overdue"]}


def listed_ids(page) -> list[str]:
    return page.locator("table.ducha-list td.ducha-id").all_inner_texts()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def test_home_shows_the_headline_numbers_as_a_table_and_the_overdue_figure_lists_them(demo, phone):
    items = demo["items"]
    phone.goto(demo["base"], wait_until="load")
    headline = phone.locator("table.ducha-headline")
    assert headline.is_visible()
    assert headline.locator("th").all_inner_texts() == ["事项总数", "已落实", "超期", "按时办结率"]
    assert headline.locator("td").first.inner_text() == str(len(items))
    assert "|---" not in phone.locator("article").inner_text()  # no Markdown left as raw pipes
    assert no_sideways_scroll(phone)

    headline.locator("a", has_text=re.compile(rf"^{len(overdue_ids(items))}$")).click()
    phone.wait_for_url("**/overdue/")
    assert overdue_ids(items)  # the demo has overdue items
    assert sorted(listed_ids(phone)) == sorted(overdue_ids(items))
    # Longest overdue first, with the days and the deadline on each row.
    days = [int(re.sub(r"\D", "", d)) for d in phone.locator("td.ducha-days").all_inner_texts()]
    assert days == sorted(days, reverse=True) and all(d > 0 for d in days)
    assert all(re.search(r"\d{4}-\d\d-\d\d", d) for d in phone.locator("td.ducha-deadline").all_inner_texts())


def test_each_units_overdue_count_links_to_its_overdue_items(demo, phone):
    items = demo["items"]
    phone.goto(demo["base"], wait_until="load")
    table = phone.locator("table.ducha-units")
    headers = table.locator("th").all_inner_texts()
    assert headers[:3] == ["单位", "超期", "按时办结率"]
    # Bulletins rank units by on-time rate, lowest first; units with nothing due come last.
    rates = [r for r in table.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    numbers = [int(r.rstrip("%")) for r in rates if r != "—"]
    assert numbers == sorted(numbers) and rates[len(numbers):] == ["—"] * (len(rates) - len(numbers))
    # The two columns a journalist wants are on screen, not cut off.
    for name in ("超期", "按时办结率"):
        box = table.locator("th", has_text=name).first.bounding_box()
        assert box["x"] + box["width"] <= 390
    links = table.locator("a.ducha-overdue")
    targets = [(links.nth(n).get_attribute("href"), links.nth(n).inner_text()) for n in range(links.count())]
    by_unit = {}
    for i in items:
        if i["overdue"]:
            by_unit.setdefault(i["lead_unit"], set()).add(i["id"])
    assert {re.search(r"overdue/([^/]+)/", href).group(1) for href, _ in targets} == set(by_unit)
    for href, count in targets:
        unit = re.search(r"overdue/([^/]+)/", href).group(1)
        phone.goto(demo["base"] + href, wait_until="load")
        assert set(listed_ids(phone)) == by_unit[unit] and int(count) == len(by_unit[unit])


def list_pages(public) -> list[str]:
    pages = []
    for folder in ("lists", "overdue", "units"):
        for index in sorted((public / folder).rglob("index.html")):
            pages.append(index.parent.relative_to(public).as_posix() + "/")
    return pages


def test_list_pages_fit_a_phone_and_show_every_items_state(demo, phone):
    pages = list_pages(demo["public"])
    assert len(pages) > 20
    state_names = {"未落实", "落实中", "已办结（待复核）", "已落实"}
    for rel in pages:
        phone.goto(demo["base"] + rel, wait_until="load")
        assert no_sideways_scroll(phone), rel
        rows = phone.evaluate("""() => [...document.querySelectorAll("table.ducha-list tbody tr")].map(tr => {
            const light = tr.querySelector(".ducha-light").getBoundingClientRect();
            return {id: tr.querySelector(".ducha-id").innerText, state: tr.querySelector(".ducha-state").innerText,
                    shown: light.width > 0 && light.left >= 0 && light.right <= window.innerWidth};
        })""")
        for row in rows:
            assert row["shown"], (rel, row)
            light, _, name = row["state"].partition(" ")
            assert light in {"超期", "临近期限", "正常", "已落实"}, (rel, row)
            assert not name or (name in state_names and name != light), (rel, row)  # never 已落实 已落实
    # The whole list holds every public item, each with its state.
    phone.goto(demo["base"] + "lists/all/", wait_until="load")
    assert sorted(listed_ids(phone)) == sorted(i["id"] for i in demo["items"])


def open_search(page, base):
    page.goto(base, wait_until="load")
    page.locator('label.md-header__button[for="__search"]').click()
    field = page.locator("input.md-search__input")
    field.wait_for(state="visible")
    return field


def shown_results(page) -> tuple[list[str], int]:
    """The item ids of the results shown, in order (the theme shows 10, more as one scrolls),
    and how many results the search says it found."""
    page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=10000)
    page.wait_for_timeout(100)
    hrefs = page.locator(".md-search-result__item > a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    meta = page.locator(".md-search-result__meta").inner_text()
    count = int(re.search(r"\d+", meta).group())
    return [re.search(r"items/([^/]+)/", h).group(1) for h in hrefs], count


def results_for(page, field, word) -> tuple[list[str], int]:
    """Type `word` key by key into a cleared search field: see `shown_results`."""
    field.fill("")
    page.wait_for_function("!document.querySelector('.md-search-result__item')")
    page.keyboard.type(word, delay=20)
    return shown_results(page)


def first_are(found: tuple[list[str], int], expected: set[str]) -> bool:
    """The results begin with exactly the `expected` items (as far as they are shown)."""
    shown, count = found
    head = shown[:len(expected)]
    return count >= len(expected) and set(head) <= expected and len(head) == min(len(expected), len(shown))


def test_searching_a_units_short_name_finds_its_items_first(demo, phone):
    items = demo["items"]
    field = open_search(phone, demo["base"])
    checked = 0
    for unit in demo_units():
        led = {i["id"] for i in items if i["lead_unit"] == unit["id"]}
        if not led:
            continue
        found = results_for(phone, field, unit["short"])
        assert first_are(found, led), (unit["short"], found)
        checked += 1
    assert checked >= 10
    # The full name finds that unit's items (led or assisted), not every item on 市.
    name = "市住房和城乡建设局"
    involved = {i["id"] for i in items if i["lead_unit"] == "zjj" or name in i["co_units"]}
    shown, count = results_for(phone, field, name)
    assert count == len(involved) and set(shown) <= involved
    # What people say: 城管 for 市城市管理局.
    assert first_are(results_for(phone, field, "城管"), {i["id"] for i in items if i["lead_unit"] == "cgj"})


def test_states_are_searchable(demo, phone):
    items = demo["items"]
    field = open_search(phone, demo["base"])
    closed = {i["id"] for i in items if i["state"] == "closed"}
    shown, count = results_for(phone, field, "已落实")
    assert count == len(closed) and set(shown) <= closed


def test_typing_through_an_input_method_searches(demo, phone):
    """Composition events and input events, no keyup (how a Chinese IME types)."""
    field = open_search(phone, demo["base"])
    field.evaluate("""el => {
        el.dispatchEvent(new CompositionEvent("compositionstart", {data: ""}));
        el.value = "chao'qi";
        el.dispatchEvent(new InputEvent("input", {isComposing: true, inputType: "insertCompositionText"}));
        el.value = "超期";
        el.dispatchEvent(new InputEvent("input", {isComposing: true, inputType: "insertCompositionText"}));
        el.dispatchEvent(new CompositionEvent("compositionend", {data: "超期"}));
    }""")
    shown, count = shown_results(phone)
    assert set(shown) == overdue_ids(demo["items"]) and count == len(shown)
    assert phone.errors == []


def test_unit_pages_list_led_and_assisted_items_apart(demo):
    items = demo["items"]
    names = {u["id"]: u["name"] for u in demo_units()}
    assisted = {}
    for i in items:
        for name in i["co_units"]:
            assisted.setdefault(name, set()).add(i["id"])
    assert assisted
    for unit, name in names.items():
        page = demo["public"] / "units" / unit / "index.html"
        led = {i["id"] for i in items if i["lead_unit"] == unit}
        if not led and name not in assisted:
            continue
        html = page.read_text(encoding="utf-8")
        lead_part, _, assist_part = html.partition('id="assist"')
        assert set(re.findall(r'items/(\d{4}-\d{4})/', lead_part)) == led, unit
        assert set(re.findall(r'items/(\d{4}-\d{4})/', assist_part.split("</article>")[0])) == assisted.get(name, set())
    # An item page links its co-units to their pages.
    item = next(i for i in items if i["co_units"])
    html = (demo["public"] / "items" / item["id"] / "index.html").read_text(encoding="utf-8")
    unit = next(u for u, n in names.items() if n == item["co_units"][0])
    assert f'href="../../units/{unit}/">{item["co_units"][0]}</a>' in html


def test_downloads_and_pages_speak_chinese(demo):
    public = demo["public"]
    header = (public / "data" / "items.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("事项编号,事项标题,") and "lead_unit" not in header
    payload = json.loads((public / "data" / "items.json").read_text(encoding="utf-8"))
    assert "lead_unit" in payload["items"][0] and "id" in payload["items"][0]  # JSON keys stay
    data_page = (public / "data" / "index.html").read_text(encoding="utf-8")
    assert "<td>事项编号</td>\n<td><code>id</code></td>" in data_page  # the dictionary pairs them
    assert ">住建局</a>" in data_page and ">zjj</a>" not in data_page  # calendars by unit name
    not_found = (public / "404.html").read_text(encoding="utf-8")
    assert "页面不存在" in not_found and "Not found" not in not_found
    item = (public / "items" / "2025-0001" / "index.html").read_text(encoding="utf-8")
    assert "<th>项目</th>" not in item
    assert "已落实</span> 已落实" not in item and "已落实</span> <strong>已落实" not in item


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A ledger in Git: an item assigned long before it was entered, and a hostile title."""
    repo = Repo(tmp_path_factory.mktemp("small") / "ledger", ledger="""\
name: 测试台账
units:
  - {id: duchashi, name: 市政府督查室, role: office}
  - {id: zjj, name: 市住房和城乡建设局, short: 住建局, aliases: [住建委]}
  - {id: fgw, name: 市发展和改革委员会, short: 发改委}
people:
  - {email: li@duchashi.example, name: 李明, unit: duchashi}
""")
    repo.write("items/2025/2025-0001.yaml", item_yaml("2025-0001", assigned="2025-02-20", extra="public: true\n"))
    repo.write("items/2025/2025-0002.yaml", item_yaml("2025-0002", lead="fgw", extra="public: true\nco_units: [zjj]\n")
               .replace("完成城区老旧小区改造120个", "'排水<img src=x onerror=alert(1)><script>alert(2)</script>改造'"))
    repo.commit("录入", OFFICE, "2025-11-26T10:00:00+08:00")
    result = build_sites(repo.root, repo.root / "site", D("2025-12-01"), use_cache=False)
    with browser.serve(result.sites["public"]) as base:
        yield {"base": base, "public": result.sites["public"]}


def test_revision_history_tells_entry_in_the_ledger_from_the_assignment(small):
    html = (small["public"] / "items" / "2025-0001" / "index.html").read_text(encoding="utf-8")
    history = html[html.index("修订记录"):]
    assert "<strong>2025-11-26</strong>：录入台账" in history
    assert "新建事项" not in history
    note = history[:history.index("<ul>")]
    assert "不是交办日期" in note and "2025-02-20" in note


def test_search_by_alias_and_a_hostile_title_shows_as_text(small, phone):
    field = open_search(phone, small["base"])
    dialogs = []
    phone.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    assert results_for(phone, field, "住建委") == (["2025-0001", "2025-0002"], 2)  # leads, then assists
    assert results_for(phone, field, "排水") == (["2025-0002"], 1)
    title = phone.locator(".md-search-result__item h1").first
    assert "<script>" in title.inner_text() and "<img" in title.inner_text()
    assert phone.locator(".md-search-result__item img").count() == 0
    phone.wait_for_timeout(200)
    assert dialogs == []
