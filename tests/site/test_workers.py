"""`workers.side_by_side`: one process per call; the calls that can wait yield the CPU."""
import os

import pytest

from ducha.site.workers import YIELD_NICENESS, side_by_side


def _niceness() -> int:
    return os.nice(0)


@pytest.mark.skipif((os.cpu_count() or 1) < 2 or not hasattr(os, "nice"), reason="runs in this process on one core")
def test_a_yielding_process_runs_at_a_lower_priority_and_the_others_and_this_one_do_not():
    here = os.nice(0)
    got = side_by_side(_niceness, {"public": (), "internal": ()}, yielding=frozenset({"public"}))
    assert got["internal"] == here
    assert got["public"] == min(here + YIELD_NICENESS, 19)  # the kernel's lowest priority is 19
    assert os.nice(0) == here  # the build's own process keeps its priority


def test_in_one_process_nothing_changes_priority():
    here = os.nice(0)
    got = side_by_side(_niceness, {"public": (), "internal": ()}, parallel=False, yielding=frozenset({"public"}))
    assert got == {"public": here, "internal": here}
