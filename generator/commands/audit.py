"""`ducha audit`: the ledger's Git history against the audit rules."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..audit import run_audit
from ..errors import DuchaError
from ..findings import fails
from ..landing import parse_time, push_window, trusted_backdate_days
from ..ledger import load_config
from ..printers import Report, repo_prefix


@dataclass
class Audited:
    report: Report
    status: int  # 1 when the findings reach --fail-on


def landing_at(text: str | None, now: dt.datetime) -> dt.datetime | None:
    """When the commits of --range land on the main line: `--landing-time`, "now" being `now`."""
    if text is None:
        return None
    landed = now.replace(microsecond=0) if text.strip() == "now" else parse_time(text)
    if landed is None:
        raise DuchaError(f"--landing-time 的值“{text}”不是带时区的时间。"
                         "请写成 2025-03-26T10:00:00+08:00 这样的 ISO 8601 格式，或写 now。")
    return landed


def audit(ledger_dir: Path, *, rev_range: str | None, published: Path | None, landed_at: dt.datetime | None,
          fail_on: str = "error", use_cache: bool = True) -> Audited:
    config, _ = load_config(ledger_dir)
    result = run_audit(ledger_dir, config, rev_range, published, use_cache=use_cache, landing_time=landed_at)
    if landed_at is not None:
        days = trusted_backdate_days(ledger_dir, rev_range, config.backdate_days)
        result.findings.extend(push_window(ledger_dir, rev_range, landed_at, days))
    report = Report("audit", result.findings, files=sorted({f.file for f in result.findings if f.file}),
                    checked=result.commits, prefix=repo_prefix(ledger_dir))
    return Audited(report, 1 if fails(result.findings, fail_on) else 0)
