"""Issue 9, point 5: an item's public history starts when it became public.

An item first committed with `public: false` under an investigation title,
then retitled and made public, must not show the old title, source or
description anywhere on the public site (修订记录, search index, feed,
CSV/JSON, calendars). The same holds for a time an item spent non-public
between two public ones.
"""
from pathlib import Path

import pytest

from ducha.site import build_sites

from ..conftest import D, item_yaml
from ..gitrepo import OFFICE, Repo

# Letters only: an escaped canary (&#45; for "-") must still be found.
SECRETS = {
    "CANARYxINVESTIGATIONxTITLE": "title while the item was not public",
    "CANARYxSECRETxSOURCE": "source while the item was not public",
    "CANARYxSECRETxDESCRIPTION": "description while the item was not public",
    "CANARYxHIDDENxPERIOD": "title during a non-public spell of a public item",
}


def item(id: str, title: str, *, public: bool, source: str, description: str, deadline: str) -> str:
    extra = f"public: {'true' if public else 'false'}\nsource: {source}\ndescription: {description}\n" \
            f"deadline: {deadline}\n"
    return item_yaml(id, extra=extra).replace("完成城区老旧小区改造120个", title)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("p05")
    repo = Repo(tmp / "ledger")
    a, b = "items/2025/2025-0001.yaml", "items/2025/2025-0002.yaml"
    # 2025-0001: investigated privately, then retitled and published, then its deadline moves.
    repo.write(a, item("2025-0001", "CANARYxINVESTIGATIONxTITLE", public=False, source="CANARYxSECRETxSOURCE",
                       description="CANARYxSECRETxDESCRIPTION", deadline="2025-10-31"))
    # 2025-0002: public from the start.
    repo.write(b, item("2025-0002", "整治老城区背街小巷", public=True, source="市政府常务会议",
                       description="完成背街小巷整治", deadline="2025-10-31"))
    repo.commit("立案调查", OFFICE, "2025-03-01T10:00:00+08:00")
    repo.write(a, item("2025-0001", "改造城区雨污管网", public=False, source="CANARYxSECRETxSOURCE",
                       description="CANARYxSECRETxDESCRIPTION", deadline="2025-10-31"))
    repo.commit("调整标题", OFFICE, "2025-03-05T10:00:00+08:00")
    repo.write(a, item("2025-0001", "改造城区雨污管网全长30公里", public=True, source="政府工作报告",
                       description="新建和改造雨污管网", deadline="2025-10-31"))
    # 2025-0002 goes non-public for a while and is retitled there.
    repo.write(b, item("2025-0002", "CANARYxHIDDENxPERIOD", public=False, source="市政府常务会议",
                       description="完成背街小巷整治", deadline="2025-10-31"))
    repo.commit("公开事项 2025-0001，暂停公开 2025-0002", OFFICE, "2025-04-10T10:00:00+08:00")
    repo.write(a, item("2025-0001", "改造城区雨污管网全长30公里", public=True, source="政府工作报告",
                       description="新建和改造雨污管网", deadline="2025-12-31"))
    repo.write(b, item("2025-0002", "整治老城区背街小巷50条", public=True, source="市政府常务会议",
                       description="完成背街小巷整治", deadline="2025-10-31"))
    repo.commit("延后期限，恢复公开 2025-0002", OFFICE, "2025-05-20T10:00:00+08:00")
    return build_sites(repo.root, tmp / "site", D("2025-06-01"), use_cache=False)


def files_under(folder: Path):
    return [p for p in folder.rglob("*") if p.is_file()]


def test_nothing_from_before_publication_reaches_the_public_site(built):
    public = built.sites["public"]
    files = files_under(public)
    names = {p.name for p in files}
    assert {"search_index.json", "feed.xml", "items.csv", "items.json"} <= names
    assert any(p.suffix == ".ics" for p in files)
    for path in files:
        data = path.read_bytes()
        for secret, what in SECRETS.items():
            assert secret.encode() not in data, f"{what} ({secret}) leaked into {path.relative_to(public)}"
    # The secrets really are in the history: the internal site's 修改历史 shows them.
    internal = b"".join(p.read_bytes() for p in files_under(built.sites["internal"]))
    for secret in SECRETS:
        assert secret.encode() in internal, secret


def test_public_history_begins_where_the_item_became_public(built):
    page = (built.sites["public"] / "items" / "2025-0001" / "index.html").read_text(encoding="utf-8")
    history = page[page.index("修订记录"):]
    history = history[history.index("<ul>"):]  # the entries, below the note on dates
    assert "事项向社会公开" in history and "<strong>2025-04-10</strong>" in history
    # Changes to public fields after publication are still shown.
    assert "2025-10-31 → 2025-12-31" in history.replace("&#45;", "-")
    for before in ("<strong>2025-03-01</strong>", "<strong>2025-03-05</strong>", "录入台账", "改造城区雨污管网 →"):
        assert before not in history, before


def test_a_non_public_spell_is_left_out(built):
    page = (built.sites["public"] / "items" / "2025-0002" / "index.html").read_text(encoding="utf-8")
    history = page[page.index("修订记录"):]
    history = history[history.index("<ul>"):]
    assert "录入台账" in history and "<strong>2025-03-01</strong>" in history
    assert "<strong>2025-04-10</strong>" not in history  # the commit that made it non-public
    assert "事项向社会公开" in history and "<strong>2025-05-20</strong>" in history
