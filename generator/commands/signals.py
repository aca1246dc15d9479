"""`ducha signals`: leads that work was done on paper only, for the office to look into."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..ledger import load_ledger
from ..model import LedgerConfig
from ..reports import Period
from ..signals import SignalResult, fails, read_records, run_signals


@dataclass
class SignalsResult:
    found: SignalResult
    config: LedgerConfig
    as_of: dt.date
    period: Period | None
    status: int  # 1 when the signals reach --fail-on


def signals(ledger_dir: Path, as_of: dt.date, period: Period | None, *, fail_on: str = "never",
            use_cache: bool = True) -> SignalsResult:
    ledger = load_ledger(ledger_dir, use_cache=use_cache)
    records = read_records(ledger_dir, use_cache=use_cache)
    found = run_signals(ledger.items, ledger.config, as_of, period=period, records=records)
    return SignalsResult(found, ledger.config, as_of, period, 1 if fails(found.signals, fail_on) else 0)
