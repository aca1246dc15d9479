"""`ducha rollup`: a province's verified view of its cities' published ledgers."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..rollup import RollupResult
from ..rollup import rollup as run

__all__ = ["RollupResult", "rollup"]


def rollup(sources: Path, out: Path, *, province: Path | None, fail_on: str | None, now: dt.datetime,
           full: bool = False, reset: tuple[str, ...] = (), use_cache: bool = True) -> RollupResult:
    """Fetch, verify and combine every city of `sources`; the province site is swapped into out/site."""
    return run(sources, out, province=province, fail_on=fail_on, now=now, full=full, reset=reset,
               use_cache=use_cache)
