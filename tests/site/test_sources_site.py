"""Per-source pages and the printable sheet of a decision (issue 17), on really built sites."""
from __future__ import annotations

import re
import shutil

import pytest

from ducha.site import build_sites

from ..conftest import REPO
from . import browser


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The demo ledger with 2025-0003 (a task of the public 2025 work report) made non-public, built."""
    root = tmp_path_factory.mktemp("src") / "ledger"
    root.mkdir()
    shutil.copy(REPO / "ledger.yaml", root / "ledger.yaml")
    for folder in ("items", "sources", "inspections"):
        shutil.copytree(REPO / folder, root / folder)
    item = root / "items/2025/2025-0003.yaml"
    item.write_text(item.read_text(encoding="utf-8").replace("public: true", "public: false"), encoding="utf-8")
    out = root.parent / "site"
    build_sites(root, out, __import__("datetime").date(2025, 12, 31), use_cache=False)
    return out


def read(site, rel):
    return (site / rel).read_text(encoding="utf-8")


def test_a_non_public_task_of_a_public_source_never_shows_on_the_public_site(built):
    public = read(built / "public", "sources/2025-gzbg/index.html")
    assert "2025年《政府工作报告》" in public and "items/2025-0001/" in public
    assert "2025-0003" not in public and "剩余60个因电力配套延误" not in public  # its id, link and progress
    internal = read(built / "internal", "sources/2025-gzbg/index.html")
    assert "items/2025-0003/" in internal and "剩余60个因电力配套延误" in internal
    listing = re.sub(r"<[^>]+>", " ", read(built / "public", "sources/index.html"))
    assert "重点任务落实进展" in listing and re.search(r"2025年《政府工作报告》.*?2025-01-16\s+2\s+2\s+2", listing, re.S)


def test_home_pages_link_the_source_pages(built):
    assert 'href="sources/"' in read(built / "public", "index.html")
    assert "重点任务落实进展" in read(built / "public", "index.html")
    assert 'href="sources/"' in read(built / "internal", "index.html")
    internal = read(built / "internal", "sources/2025-cwh-15/index.html")
    assert "../../forms/source-2025-cwh-15.html" in internal
    assert "市政府重要事项交办单" in read(built / "internal", "forms/source-2025-cwh-15.html")
    assert not (built / "public" / "forms").exists()


@pytest.mark.skipif(browser.missing() is not None, reason=str(browser.missing()))
def test_an_eight_task_meeting_sheet_is_one_a4_page(tmp_path, cli):
    from playwright.sync_api import sync_playwright

    root = tmp_path / "ledger"
    root.mkdir()
    shutil.copy(REPO / "ledger.yaml", root / "ledger.yaml")
    for folder in ("items", "sources"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "sources/2025-cwh-12.yaml").write_text(
        "id: 2025-cwh-12\ntitle: 市政府第12次常务会议\nkind: meeting\ndate: 2025-02-10\n", encoding="utf-8")
    units = ["住建局", "交通局", "发改委", "人社局", "经信局", "商务局", "水务局", "生态环境局"]
    rows = [f"研究推进第{n}项重点工作，明确时间表和路线图，确保按期完成并形成长效机制,{u},\"财政局、谯城区\",2025-0{n}-28"
            for n, u in zip(range(2, 10), units)]
    table = tmp_path / "t.csv"
    table.write_text("任务,牵头单位,配合单位,完成时限\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert cli("decompose", "2025-cwh-12", "--from", str(table), "--ledger", str(root))[0] == 0
    form = tmp_path / "sheet.html"
    status, _, _ = cli("form", "source", "2025-cwh-12", "--ledger", str(root), "--out", str(form),
                       "--date", "2025-03-11")
    assert status == 0 and read(tmp_path, "sheet.html").count('<td class="n">') == 8
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=browser.CHROMIUM, args=browser.CHROMIUM_ARGS)
        try:
            page = chromium.new_page()
            page.goto(form.as_uri())
            pdf = page.pdf(format="A4", prefer_css_page_size=True)
        finally:
            chromium.close()
    assert len(re.findall(rb"/Type\s*/Page(?![s])", pdf)) == 1
