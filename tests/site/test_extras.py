"""Issue 19: the internal site's signals and reports are made in a process beside its view
(`stages.start_extras`) and handed over (`workers.Handover`); the site is the same as when
they are made in the site's own process."""
import datetime as dt
import re
from pathlib import Path

from ducha.site import build_sites
from ducha.site.workers import Handover, beside

from ..conftest import D, item_yaml, write_ledger
from .test_incremental import LEDGER, differences

AS_OF = D("2025-06-01")


def rushed_ledger(root: Path) -> Path:
    """One unit completes twelve items on their deadline day, another twelve early: a deadline-day signal
    with twelve evidence lines (the page shows ten), and every item completed without a progress report."""
    items = {}
    for n in range(1, 25):
        lead, done = ("zjj", "2025-04-30") if n <= 12 else ("fgw", "2025-03-10")
        items[f"items/2025/2025-{n:04d}.yaml"] = item_yaml(
            f"2025-{n:04d}", lead=lead, extra="deadline: 2025-04-30\npublic: true\n",
            events=[f"date: {done}, type: completed, text: 已全部完成"])
    return write_ledger(root, items, LEDGER)


def test_signals_and_reports_made_beside_give_the_same_internal_site(tmp_path):
    root = rushed_ledger(tmp_path / "ledger")
    build_sites(root, tmp_path / "beside", AS_OF, use_cache=False, parallel=True)
    build_sites(root, tmp_path / "here", AS_OF, use_cache=False, parallel=False)
    assert differences(tmp_path / "beside" / "internal", tmp_path / "here" / "internal") == []
    site = tmp_path / "beside" / "internal"
    signals = (site / "signals" / "index.html").read_text(encoding="utf-8")
    assert "办结集中在期限当天" in signals and "……另有 2 条" in signals  # twelve lines, ten shown
    page = (site / "items" / "2025-0001" / "index.html").read_text(encoding="utf-8")
    assert "真实性提示" in page and "办结集中在期限当天" in page
    report = (site / "reports" / "monthly-2025-04" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", report))
    assert "市住房和城乡建设局 12 12 0" in text  # due, on time, late: the unit's row of the April report


class Node:
    def __init__(self, name: str) -> None:
        self.name = name


def _made_there(shared: list) -> Handover:
    return Handover({"first": shared[0], "both": [shared[1], shared[1]], "new": Node("made there"),
                     "day": dt.date(2025, 6, 1)}, shared)


def test_handover_gives_the_receiver_its_own_shared_objects():
    """What a forked process made crosses back with the objects both processes hold put back in
    place (not copies of them); what it made itself is copied."""
    shared = [Node("a"), Node("b")]
    with beside(_made_there, shared) as call:
        value = call.result().value(shared)
    assert value["first"] is shared[0] and value["both"][0] is shared[1] and value["both"][1] is shared[1]
    assert value["new"].name == "made there" and value["day"] == dt.date(2025, 6, 1)
    # In one process nothing is copied.
    here = _made_there(shared).value(shared)
    assert here["first"] is shared[0]
