"""`ducha build` for real: MkDocs builds both sites; nothing internal reaches the public one."""
import html
import json
import re
import subprocess
import time
from pathlib import Path

import pytest

from ducha.site import BuildFailed, build_sites

from ..conftest import LEDGER_YAML, REPO, D, item_yaml, write_ledger

# Letters only: an escaped canary (&#45; for "-") must still be found.
CANARIES = {
    "CANARYxPRIVATExTITLE": "title of an item that is not public",
    "CANARYxCONTACT": "contact of a public item",
    "CANARYxITEMxNOTE": "internal note of a public item",
    "CANARYxEVENTxNOTE": "internal note on a public event",
    "CANARYxBY": "who recorded an event",
    "CANARYxURGE": "text of an urge (internal by default)",
    "CANARYxDEMAND": "text of a leader demand",
    "CANARYxEXPLAIN": "text of an explanation",
    "CANARYxPENDINGxEXT": "text of an extension not approved",
    "CANARYxCIRCULAR": "circular not marked public",
    "CANARYxHIDDEN": "progress marked public: false",
    "CANARYxPRIVATExEVENT": "event of the private item",
    "CANARYxVISIT": "a leader's visit (internal)",
    "CANARYxUNDERCOVER": "the internal note of a visit (暗访)",
}

PUBLIC_ITEM = item_yaml("2025-0001", extra="""\
public: true
contact: 王芳 CANARYxCONTACT
note: CANARYxITEMxNOTE
""", events=[
    "date: 2025-03-15, type: progress, text: 已完成摸底调查, note: CANARYxEVENTxNOTE, by: CANARYxBY",
    "date: 2025-04-20, type: urge, text: CANARYxURGE",
    "date: 2025-04-21, type: leader_demand, text: CANARYxDEMAND",
    "date: 2025-04-22, type: explanation, text: CANARYxEXPLAIN, accepted: true",
    "date: 2025-04-23, type: extension, new_deadline: 2026-03-31, text: CANARYxPENDINGxEXT",
    "date: 2025-04-24, type: circular, level: 1, text: CANARYxCIRCULAR",
    "date: 2025-04-25, type: progress, text: CANARYxHIDDEN, public: false",
    "date: 2025-04-26, type: circular, kind: praise, public: true, text: 公开表扬住建局",
    "date: 2025-05-10, type: progress, text: 首批45个小区开工",
])
PRIVATE_ITEM = item_yaml("2025-0002", category="leader_instruction", extra="deadline: 2025-08-31\n",
                         events=["date: 2025-03-20, type: progress, text: CANARYxPRIVATExEVENT"]
                         ).replace("完成城区老旧小区改造120个", "CANARYxPRIVATExTITLE")
HOSTILE_ITEM = item_yaml("2025-0003", extra="public: true\n", events=[
    "date: 2025-03-15, type: progress, text: '<img src=x onerror=alert(1)> [点我](javascript:alert(2)) a|b'"]
).replace("完成城区老旧小区改造120个", "'</title><script>alert(\"x\")</script> 排水|改造 [链接](javascript:alert(3))'")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = write_ledger(tmp_path_factory.mktemp("ledger"), {
        "items/2025/2025-0001.yaml": PUBLIC_ITEM,
        "items/2025/2025-0002.yaml": PRIVATE_ITEM,
        "items/2025/2025-0003.yaml": HOSTILE_ITEM,
        "inspections/2025-05-20-mayor.yaml": "leader: mayor\ndate: 2025-05-20\nplaces: [现场]\n"
                                             "items: [2025-0001]\nfindings: CANARYxVISIT\nnote: CANARYxUNDERCOVER\n",
    }, LEDGER_YAML + "leaders:\n  - {id: mayor, name: 张建国, title: 市长}\n")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example", "commit", "-qm", "x"], cwd=root,
                   check=True)
    result = build_sites(root, root / "site", D("2025-06-01"), use_cache=False)
    return root, result


def all_files(folder: Path):
    return [p for p in folder.rglob("*") if p.is_file()]


def test_nothing_internal_reaches_the_public_site(built):
    root, result = built
    public, internal = result.sites["public"], result.sites["internal"]
    files = all_files(public)
    assert any(p.name == "search_index.json" for p in files)
    assert any(p.suffix == ".ics" for p in files) and (public / "feed.xml").is_file()
    assert (public / "data" / "items.csv").is_file() and (public / "data" / "items.json").is_file()
    for path in files:
        data = path.read_bytes()
        for canary in CANARIES:
            assert canary.encode() not in data, f"{canary} ({CANARIES[canary]}) leaked into {path.relative_to(public)}"
    # The canaries are really in the ledger: the internal site shows every one.
    internal_text = b"".join(p.read_bytes() for p in all_files(internal))
    for canary in CANARIES:
        assert canary.encode() in internal_text, canary


def test_public_site_shows_public_events_and_praise(built):
    _, result = built
    page = (result.sites["public"] / "items" / "2025-0001" / "index.html").read_text(encoding="utf-8")
    assert "首批45个小区开工" in page and "已完成摸底调查" in page
    assert not (result.sites["public"] / "items" / "2025-0002").exists()
    circulars = (result.sites["public"] / "circulars" / "index.html").read_text(encoding="utf-8")
    assert "公开表扬住建局" in circulars


def test_hostile_text_is_shown_not_run(built):
    _, result = built
    for site in result.sites.values():
        html = (site / "items" / "2025-0003" / "index.html").read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html
        assert 'href="javascript' not in html.lower()
        assert "javascript" in html  # shown as text
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "<" not in title
        # The table of the list page still has its five cells per row.
        listing = (site / "lists" / "category-work_report" / "index.html").read_text(encoding="utf-8")
        row = re.search(r"<tr>(?:(?!</tr>).)*?href=\"../../items/2025-0003/\".*?</tr>", listing, re.S).group(0)
        assert row.count("<td") == 5  # state, number, title, unit, deadline


def test_pages_refer_to_no_other_host(built):
    # What the scripts fetch at run time is checked in the browser test.
    _, result = built
    pattern = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)
    for site in result.sites.values():
        for path in all_files(site):
            if path.suffix in (".html", ".css"):
                text = path.read_text(encoding="utf-8", errors="replace")
                assert not pattern.search(text), f"{path.name} refers to another host"
                assert "fonts.googleapis" not in text and "unpkg.com" not in text


def test_ledger_head_is_written_into_each_site(built):
    root, result = built
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    for audience, site in result.sites.items():
        data = json.loads((site / "ledger-head.json").read_text(encoding="utf-8"))
        assert data["commit"] == head and data["site"] == audience and data["as_of"] == "2025-06-01"


def test_search_index_holds_titles_not_progress(built):
    _, result = built
    index = json.loads((result.sites["public"] / "search" / "ducha_index.json").read_text(encoding="utf-8"))
    text = json.dumps(index, ensure_ascii=False)
    assert "完成城区老旧小区改造120个" in text
    assert "首批45个小区开工" not in text  # progress paragraphs stay out of the index


def test_failed_build_leaves_the_last_good_site(tmp_path):
    root = write_ledger(tmp_path, {"items/2025/2025-0001.yaml": item_yaml("2025-0001", extra="public: true\n")})
    first = build_sites(root, root / "site", D("2025-06-01"), use_cache=False, parallel=False)
    marker = first.sites["public"] / "index.html"
    before = marker.read_bytes()
    (root / "mkdocs.yml").write_text("theme:\n  name: no-such-theme\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build_sites(root, root / "site", D("2025-07-01"), use_cache=False, parallel=False)
    assert marker.read_bytes() == before
    deadline = time.monotonic() + 60  # what the builds replaced is deleted in the background
    while list((root / "site").glob(".ducha-trash-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in (root / "site").iterdir()) == [
        ".ducha-build.json", ".ducha-pages-internal.json", ".ducha-pages-public.json", "internal", "public"]


def test_demo_ledger_builds_through_the_cli(tmp_path, cli):
    code, out, err = cli("build", "--ledger", str(REPO), "--as-of", "2026-11-26", "--out", str(tmp_path / "site"),
                         "--no-cache")
    assert code == 0, err
    assert "公开网站" in out and "2027-05-05" in err
    internal = tmp_path / "site" / "internal"
    for page in ("escalations", "missing-reports", "upcoming", "assessment", "reports", "scores", "visits"):
        assert (internal / page / "index.html").is_file()
    assert not (tmp_path / "site" / "public" / "escalations").exists()
    board = (internal / "escalations" / "index.html").read_text(encoding="utf-8")
    assert "新增普惠性托位1000个" in board  # 2026-0002 waits for a level-2 circular


def test_item_pages_show_history(tmp_path):
    from ..gitrepo import OFFICE, ZJJ, Repo

    repo = Repo(tmp_path / "ledger")
    path = "items/2025/2025-0001.yaml"
    repo.write(path, item_yaml("2025-0001", extra="public: true\ndeadline: 2025-11-30\n"))
    repo.commit("新建事项", OFFICE, "2025-03-20T10:00:00+08:00")
    repo.write(path, item_yaml("2025-0001", extra="public: true\ndeadline: 2025-12-31\ncontact: CANARYxPHONE\n",
                               events=["date: 2025-03-25, type: progress, text: 已开工"]))
    repo.commit("调整期限并报告进展", ZJJ, "2025-03-26T09:00:00+08:00")
    result = build_sites(repo.root, tmp_path / "site", D("2025-06-01"), use_cache=False, parallel=False)
    public = (result.sites["public"] / "items" / "2025-0001" / "index.html").read_text(encoding="utf-8")
    internal = (result.sites["internal"] / "items" / "2025-0001" / "index.html").read_text(encoding="utf-8")
    assert "修订记录" in public and "2025-11-30 → 2025-12-31" in html.unescape(public)
    assert "王芳" not in public and "CANARYxPHONE" not in public and "contact" not in public and "联系人" not in public
    assert "修改历史" in internal and "王芳" in internal and "修改联系人" in internal


def test_history_read_into_the_cache_beside_the_ledger(tmp_path, monkeypatch):
    """The real layout (Git's history cached by a forked process while the ledger loads): the item page
    shows every commit, the public one starts where the item became public, and a second commit
    after the first build shows too (only it is read from Git)."""
    from ..gitrepo import OFFICE, ZJJ, Repo

    monkeypatch.setenv("DUCHA_CACHE_DIR", str(tmp_path / "cache"))
    repo = Repo(tmp_path / "ledger")
    path = "items/2025/2025-0001.yaml"
    repo.write(path, item_yaml("2025-0001", extra="deadline: 2025-11-30\n"))
    repo.commit("新建事项（不公开）", OFFICE, "2025-03-20T10:00:00+08:00")
    repo.write(path, item_yaml("2025-0001", extra="public: true\ndeadline: 2025-12-31\n"))
    repo.commit("公开并调整期限", OFFICE, "2025-03-21T10:00:00+08:00")
    build_sites(repo.root, tmp_path / "site", D("2025-06-01"), parallel=True)
    repo.write(path, item_yaml("2025-0001", extra="public: true\ndeadline: 2026-01-31\n",
                               events=["date: 2025-03-25, type: progress, text: 已开工"]))
    repo.commit("再次调整期限", ZJJ, "2025-03-26T09:00:00+08:00")
    result = build_sites(repo.root, tmp_path / "site", D("2025-06-01"), parallel=True)
    public = html.unescape((result.sites["public"] / "items/2025-0001/index.html").read_text(encoding="utf-8"))
    internal = html.unescape((result.sites["internal"] / "items/2025-0001/index.html").read_text(encoding="utf-8"))
    assert "2025-12-31 → 2026-01-31" in public and "2025-12-31 → 2026-01-31" in internal
    assert "2025-11-30 → 2025-12-31" in internal  # made while not public: internal only
    assert "2025-11-30 → 2025-12-31" not in public
