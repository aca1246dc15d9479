"""The 真实性提示 page and the item pages' signals: on the internal site only, never on the public one."""
import pytest

from ducha.signals import SIGNALS
from ducha.site import build_sites

from ..conftest import D, item_yaml
from ..gitrepo import OFFICE, ZJJ, Repo

TEXT = "已完成摸底调查，形成工作方案，明确责任分工和时间节点"
PATH = "items/2025/2025-0042.yaml"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("signals-site")
    repo = Repo(tmp / "ledger")
    # A public item: completed with no progress, its completion pasted into another public item;
    # all of it filed in one commit months after the first date.
    repo.write(PATH, item_yaml(extra="public: true\ndeadline: 2025-12-31\n"))
    repo.write("items/2025/2025-0043.yaml", item_yaml("2025-0043", extra="public: true\n"))
    repo.commit("新建事项", OFFICE, "2025-02-20T10:00:00+08:00")
    repo.write(PATH, item_yaml(extra="public: true\ndeadline: 2025-12-31\n", events=[
        f"date: 2025-03-01, type: completed, text: {TEXT}"]))
    repo.write("items/2025/2025-0043.yaml", item_yaml("2025-0043", extra="public: true\n", events=[
        f"date: 2025-06-30, type: progress, text: {TEXT}"]))
    repo.commit("补报", ZJJ, "2025-07-01T10:00:00+08:00")
    result = build_sites(repo.root, tmp / "site", D("2025-07-31"), use_cache=False)
    return result.sites["public"], result.sites["internal"]


def test_internal_site_has_the_page_and_the_item_shows_its_signals(built):
    _, internal = built
    page = (internal / "signals" / "index.html").read_text(encoding="utf-8")
    assert "真实性提示" in page and "线索，不是结论" in page
    for code in ("copied_report", "completed_without_progress", "backfilled_events"):
        assert code in page
    assert "按单位" in page and "市住房和城乡建设局" in page and "报告文字照抄" in page
    assert 'href="../items/2025-0043/"' in page  # the item is linked
    home = (internal / "index.html").read_text(encoding="utf-8")
    assert "真实性提示" in home  # in the navigation
    item = (internal / "items" / "2025-0043" / "index.html").read_text(encoding="utf-8")
    assert "真实性提示" in item and "copied_report" in item and "敷衍塞责" in item


def test_public_site_never_shows_signals(built):
    public, _ = built
    assert not (public / "signals").exists()
    words = [b"\xe7\x9c\x9f\xe5\xae\x9e\xe6\x80\xa7\xe6\x8f\x90\xe7\xa4\xba"]  # 真实性提示
    words += [code.encode() for code in SIGNALS] + [m.TITLE.encode() for m in SIGNALS.values()]
    for path in public.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for word in words:
                assert word not in data, f"{word.decode()} on the public site: {path.relative_to(public)}"
    # The items themselves are public: the page exists, without the hints.
    assert (public / "items" / "2025-0043" / "index.html").is_file()
