"""The internal site as the office's daily desk (issue 13), on the demo ledger.

One module-scoped build of the demo (with `repo_url`/`edit_uri` set, as a
ledger on GitLab would) serves every test here; the browser tests run in
real Chromium at desktop size and also refresh the screenshots of
docs/guide.md. The copy-and-run test works on its own copy of the ledger,
a real Git repository, built as of today.
"""
from __future__ import annotations

import datetime as dt
import html
import os
import re
import shlex
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from ducha.assessment import UnitScore, ranks
from ducha.check import run_rules
from ducha.findings import CODES, TITLES
from ducha.ledger import load_ledger
from ducha.model import CATEGORIES, EVENT_TYPES, ITEM_FIELDS
from ducha.site import build_sites

from ..conftest import REPO, D
from . import browser

AS_OF = D("2026-11-26")
EDIT = "https://gitlab.example.gov.cn/duchashi/ledger/-/edit/main/"
IMG = REPO / "docs" / "img"
needs_browser = pytest.mark.skipif(browser.missing() is not None, reason=browser.missing() or "")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    work = tmp_path_factory.mktemp("desk")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(repo_url="https://gitlab.example.gov.cn/duchashi/ledger", edit_uri="-/edit/main/")
    config_file = work / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = build_sites(REPO, work / "site", AS_OF, config_file=config_file, use_cache=False)
    check = run_rules(load_ledger(REPO, use_cache=False), AS_OF)
    return result.sites, check


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def today_rows(page: str) -> list[tuple[str, str, str]]:
    """(kind, row text, command) of each row of 今日待办."""
    table = re.search(r'<div class="ducha-today">(.*?)</table>', page, re.S).group(1)
    return [(kind, text_of(row), text_of(re.search(r"<code>(.*?)</code>", row, re.S).group(1)))
            for kind, row in re.findall(r'<tr data-kind="([a-z_0-9]+)">(.*?)</tr>', table, re.S)]


def pending(check) -> list[tuple[str, int, object]]:
    return [(item.id, p.level, status) for item, status in check.items for p in status.escalation_pending]


# --- What a person reads: no Markdown left, no raw codes ------------------------------------

_HIDDEN = {"script", "style", "code", "pre", "title", "svg", "textarea"}
RAW_CODES = (set(EVENT_TYPES) | set(CODES) | set(CATEGORIES) | {k for k in ITEM_FIELDS if "_" in k}
             | {"not_started", "in_progress", "completed", "closed", "criticism", "praise"})
_RAW = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(sorted(map(re.escape, RAW_CODES), key=len, reverse=True))
                  + r")(?![A-Za-z0-9_])")
MARKDOWN = ("|---", "**", "{{", "{%")
# The open-data page defines the CSV/JSON columns, whose values are these codes.
ALLOWED_CODES = {"data/index.html": {"not_started", "in_progress", "completed", "closed", "work_report"}}


class _Visible(HTMLParser):
    """The text a reader sees: not scripts, styles, code snippets or attributes."""

    def __init__(self):
        super().__init__()
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in _HIDDEN

    def handle_endtag(self, tag):
        if tag in _HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return " ".join(parser.parts)


def test_no_page_of_either_site_shows_markdown_or_raw_codes(demo):
    sites, _ = demo
    problems, pages = [], 0
    for audience, site in sites.items():
        for path in sorted(site.rglob("*.html")):
            rel = path.relative_to(site).as_posix()
            text = visible_text(path.read_text(encoding="utf-8"))
            pages += 1
            left = [m for m in MARKDOWN if m in text]
            raw = set(_RAW.findall(text)) - ALLOWED_CODES.get(rel, set())
            if left or raw:
                problems.append((audience, rel, left, sorted(raw)))
    assert pages > 150  # both sites, every item, list, report and form page
    assert problems == []


def test_every_finding_code_has_a_chinese_title():
    from ducha.signals import SIGNALS

    assert set(TITLES) == set(CODES)
    assert {code: TITLES[code] for code in SIGNALS} == {code: m.TITLE for code, m in SIGNALS.items()}
    assert all(re.search(r"[\u4e00-\u9fff]", title) for title in TITLES.values())


# --- 今日待办, boards, lists --------------------------------------------------------------------

def test_todays_list_is_first_on_the_internal_home_and_holds_every_pending_escalation(demo):
    sites, check = demo
    page = read(sites["internal"], "index.html")
    article = page[page.index("<article"):]
    assert article.index("今日待办") < article.index("<table")  # the first table
    assert re.search(r'<h2 id="[^"]*">今日待办', article)
    rows = today_rows(page)
    assert rows and pending(check)
    for item_id, level, status in pending(check):
        kind = "transfer" if level == 3 else f"circular_{level}"
        row = [r for r in rows if r[0] == kind and item_id in r[1]]
        assert len(row) == 1, (item_id, level)
        _, text, cmd = row[0]
        urges = [e.date for e in status.events if e.type == "urge"]
        demands = [e.date for e in status.events if e.type == "leader_demand"]
        if level == 2 and len(urges) >= 2:
            assert f"催办 {len(urges)} 次" in text and urges[1].strftime("%m-%d") in text
        else:
            assert "领导明确整改要求" in text and demands[0].strftime("%m-%d") in text
        assert cmd.startswith(f"ducha event {item_id} " + ("transfer" if level == 3 else f"circular --level {level}"))
    # Sorted by urgency: escalations before urges, verifications and the rest.
    order = [k for k, _, _ in rows]
    assert order == sorted(order, key=["transfer", "circular_2", "circular_1", "urge", "verify", "follow_up",
                                       "sample"].index)


def test_board_shows_trigger_and_date_and_no_pending_item_is_green(demo):
    sites, check = demo
    board = read(sites["internal"], "escalations/index.html")
    for item_id, _level, status in pending(check):
        row = next(r for r in re.findall(r"<tr>(.*?)</tr>", board, re.S) if f"items/{item_id}/" in r)
        assert "ducha-green" not in row and ("催办" in text_of(row) or "领导明确整改要求" in text_of(row))
        assert re.search(r"20\d\d-\d\d-\d\d .{0,20}天前", text_of(row))
        light = re.search(r"ducha-light ducha-(\w+)", read(sites["internal"], f"items/{item_id}/index.html"))
        assert light.group(1) == ("red" if status.overdue else "escalated")
    # An overdue item is never green either, on any list.
    for item, status in check.items:
        if status.overdue:
            assert "ducha-red" in read(sites["internal"], f"items/{item.id}/index.html")


def test_overdue_lists_carry_urges_and_contacts(demo):
    sites, check = demo
    overdue = read(sites["internal"], "overdue/index.html")
    not_urged = read(sites["internal"], "overdue-not-urged/index.html")
    for page in (overdue, not_urged, read(sites["internal"], "missing-reports/index.html"),
                 read(sites["internal"], "upcoming/index.html")):
        assert "联系人" in page
    for item, status in check.items:
        late_urges = [e for e in status.events if e.type == "urge" and status.overdue
                      and e.date > status.effective_deadline]
        assert (f"items/{item.id}/" in overdue) == status.overdue
        assert (f"items/{item.id}/" in not_urged) == (status.overdue and not late_urges), item.id
        if status.overdue and item.contact:
            row = next(r for r in re.findall(r"<tr>(.*?)</tr>", overdue, re.S) if f"items/{item.id}/" in r)
            assert html.escape(item.contact.split()[0]) in row or item.contact.split()[0] in text_of(row)
            urges = [e for e in status.events if e.type == "urge"]
            assert (f"已催办 {len(urges)} 次" if urges else "未催办") in text_of(row)


# --- Acting from an item page ---------------------------------------------------------------

def test_item_pages_show_file_edit_link_commands_and_printable_forms(demo):
    sites, check = demo
    internal, public = sites["internal"], sites["public"]
    for item, status in check.items:
        page = read(internal, f"items/{item.id}/index.html")
        assert item.file in text_of(page)
        assert f'href="{EDIT}{item.file}"' in html.unescape(page) and "在 GitLab 中编辑" in page
        assert f"ducha progress {item.id}" in text_of(page) or status.state not in ("not_started", "in_progress")
        if status.state == "closed":
            assert f"ducha form assignment {item.id}" in text_of(page)
            assert not (internal / "forms" / f"{item.id}-assignment.html").exists()
            continue
        assert f'href="../../forms/{item.id}-assignment.html"' in html.unescape(page)
        form = read(internal, f"forms/{item.id}-assignment.html")
        assert "市政府重要事项交办单" in form and html.escape(item.title) in form
        assert "@page { size: A4" in form and f'href="../items/{item.id}/"' in form
        if status.state in ("not_started", "in_progress"):
            assert f'href="../../forms/{item.id}-urge.html"' in html.unescape(page)
            assert "督查催办通知" in read(internal, f"forms/{item.id}-urge.html")
    for path in [*internal.rglob("*.html"), *public.rglob("*.html")]:
        text = path.read_text(encoding="utf-8")
        assert "md-source" not in text  # Material's repository widget (it fetches from the host) stays off
        if path.is_relative_to(public):
            assert "gitlab.example" not in text and "事项文件" not in text and "ducha event" not in text


def test_equal_scores_share_a_rank_and_years_come_newest_first(demo):
    assert ranks([UnitScore("a", "甲", score=100.0), UnitScore("b", "乙", score=95.0),
                  UnitScore("c", "丙", score=95.0), UnitScore("d", "丁", score=90.0)]) == [1, 2, 2, 4]
    sites, _ = demo
    scores = read(sites["internal"], "scores/index.html")
    years = re.findall(r"<h2 id=\"[^\"]*\">(20\d\d) 年", scores)
    assert years and years[0] == "2026" and years == sorted(years, reverse=True)
    table = scores[scores.index(f">{years[0]} 年"):]
    table = table[:table.index("</table>")]
    rows = [[text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
            for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    got = [(int(r[0]), float(r[2])) for r in rows if r]
    for n, (rank, score) in enumerate(got):
        assert rank == (got[n - 1][0] if n and score == got[n - 1][1] else n + 1)
    assert len({s for _, s in got}) < len(got), "the demo has tied scores"
    ledger = read(sites["internal"], "assessment/index.html")
    years = re.findall(r"<h2 id=\"[^\"]*\">(20\d\d) 年", ledger)
    assert years == sorted(set(years), reverse=True) and len(years) >= 2


# --- In the browser -------------------------------------------------------------------------

def _shot(page, name: str, clip_height: int = 900) -> None:
    """Refresh a screenshot of docs/guide.md (only where Chinese fonts exist)."""
    if browser.has_cjk_font():
        IMG.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(IMG / name), clip={"x": 0, "y": 0, "width": 1366, "height": clip_height})


@needs_browser
def test_desk_in_chromium_at_desktop_size(demo):
    sites, check = demo
    with browser.serve(sites["internal"]) as base, browser.desktop_page() as page:
        page.goto(base, wait_until="load")
        first = page.locator("article table").first
        assert first.locator("xpath=ancestor::div[@class='ducha-today']").count() == 1
        box = first.bounding_box()
        assert box["y"] + 120 < 900  # its head and first row show without scrolling
        heading = page.locator("article h2").first
        assert heading.inner_text().strip() == "今日待办" and heading.bounding_box()["y"] < box["y"]
        for item_id, level, _ in pending(check):
            row = page.locator(f'.ducha-today tr[data-kind="circular_{level}"]', has=page.locator(
                f'a[href="items/{item_id}/"]'))
            assert row.count() == 1 and row.locator("code").inner_text().startswith(f"ducha event {item_id}")
            assert row.locator(".ducha-copy").is_visible()
        _shot(page, "desk-today.png", 820)
        page.locator(".ducha-today a", has_text=pending(check)[0][0]).first.click()
        page.wait_for_load_state("load")
        assert page.get_by_text("在 GitLab 中编辑").is_visible()
        _shot(page, "desk-item.png", 560)
        page.get_by_text("打印催办通知").first.click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text().replace(" ", "") == "督查催办通知"
        page.emulate_media(media="print")  # on paper: the notice alone
        assert page.locator("h1").is_visible() and not page.locator(".noprint").is_visible()
        page.emulate_media(media="screen")
        page.get_by_text("返回事项").click()
        page.wait_for_load_state("load")
        assert page.get_by_text("在 GitLab 中编辑").is_visible()
        page.goto(base + "escalations/", wait_until="load")
        _shot(page, "desk-escalations.png", 700)
        assert page.errors == []
        assert [u for u in page.requests if not u.startswith(base)] == []


def _ledger_copy(root: Path) -> Path:
    root.mkdir()
    for name in ("ledger.yaml", "mkdocs.yml"):
        shutil.copy(REPO / name, root / name)
    for name in ("items", "inspections", "sources"):
        shutil.copytree(REPO / name, root / name)
    env = _git_env()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "演示台账"], cwd=root, check=True, env=env)
    return root


def _git_env() -> dict:
    who = {"GIT_AUTHOR_NAME": "李明", "GIT_AUTHOR_EMAIL": "li.ming@duchashi.example",  # the office, in people
           "GIT_COMMITTER_NAME": "李明", "GIT_COMMITTER_EMAIL": "li.ming@duchashi.example"}
    return {**os.environ, **who, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def _ducha() -> list[str]:
    script = Path(sys.executable).with_name("ducha")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ducha"]


@needs_browser
def test_a_copied_command_records_the_event_and_the_row_goes(tmp_path):
    root = _ledger_copy(tmp_path / "ledger")
    today = dt.date.today()  # the command records today's date, so the site is built as of today
    out = tmp_path / "site"
    build_sites(root, out, today, use_cache=False)
    with browser.serve(out / "internal") as base, browser.desktop_page(clipboard=True) as page:
        page.goto(base, wait_until="load")
        row = page.locator('.ducha-today tr[data-kind="circular_2"]').first
        item_id = row.locator("a").first.inner_text().strip()
        row.locator(".ducha-copy").click()
        page.get_by_text("已复制").first.wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == row.locator("code").inner_text()
        words = shlex.split(copied)
        assert words[:4] == ["ducha", "event", item_id, "circular"] and "--commit" in words
        run = subprocess.run(_ducha() + words[1:], cwd=root, env=_git_env(), capture_output=True, text=True,
                             timeout=60)
        assert run.returncode == 0, run.stderr
        log = subprocess.run(["git", "log", "-1", "--format=%s"], cwd=root, capture_output=True, text=True).stdout
        assert item_id in log and "通报" in log
        build_sites(root, out, today, use_cache=False)
        page.reload(wait_until="load")
        assert page.locator('.ducha-today tr[data-kind="circular_2"]', has=page.locator(
            f'a[href="items/{item_id}/"]')).count() == 0
        assert page.locator(".ducha-today tbody tr").count() >= 1  # the other rows stay


def test_the_guide_shows_the_desk_as_built(demo):
    sites, _ = demo
    guide = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")
    for image in re.findall(r"\]\((img/[^)]+\.png)\)", guide):
        assert (REPO / "docs" / image).is_file(), image
    assert "img/desk-today.png" in guide
    example = re.search(r"`(ducha event 2026-0002 circular [^`]+)`", guide).group(1)
    assert example in [cmd for _, _, cmd in today_rows(read(sites["internal"], "index.html"))]


def test_report_pages_list_overdue_items_as_a_table_of_working_links(demo):
    """Section 四 of each report page (HTML handed to MkDocs since issue 19, Markdown before): a
    five-column table whose rows link the item pages, the id as the link's text."""
    sites, _ = demo
    internal = sites["internal"]
    pages = sorted((internal / "reports").glob("*/index.html"))
    assert pages
    rows_seen = 0
    for path in pages:
        section = path.read_text(encoding="utf-8").split("四、期末超期未办结事项</h2>", 1)[1].split("<h2", 1)[0]
        if "<table>" not in section:
            assert "无。" in section
            continue
        heads = re.findall(r"<th>(.*?)</th>", section)
        assert heads == ["编号", "事项", "主办单位", "办结期限", "超期天数"]
        for row in re.findall(r"<tr>\s*(<td>.*?)</tr>", section, re.S):
            cells = re.findall(r"<td>(.*?)</td>", row, re.S)
            link = re.fullmatch(r'<a href="\.\./\.\./items/([^"/]+)/">(.*?)</a>', cells[0])
            assert len(cells) == 5 and link, row
            assert html.unescape(link.group(2)) == link.group(1)
            assert (internal / "items" / link.group(1) / "index.html").is_file()
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", cells[3]) and int(cells[4]) > 0
            rows_seen += 1
    assert rows_seen
