"""`ducha check` and `ducha validate`: the ledger's findings, as a printable report."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..check import check_scanned
from ..findings import fails
from ..ledger import scan_ledger
from ..printers import Report, repo_prefix


@dataclass
class Checked:
    report: Report
    status: int  # 1 when the findings reach --fail-on


def check(ledger_dir: Path, as_of: dt.date, *, fail_on: str = "error", use_cache: bool = True) -> Checked:
    """Validate the whole ledger and evaluate every item as of `as_of`."""
    scan = scan_ledger(ledger_dir)
    outcome = check_scanned(scan, as_of, use_cache=use_cache)
    report = Report("check", outcome.findings, payload={"as_of": as_of.isoformat(), "items": outcome.items},
                    titles=outcome.titles, files=["ledger.yaml", *scan.files], checked=len(scan.files),
                    prefix=repo_prefix(ledger_dir))
    return Checked(report, 1 if fails(outcome.findings, fail_on) else 0)


def ledger_files(files: tuple[Path, ...], ledger_dir: Path) -> list[str] | None:
    """The item files among `files`, relative to the ledger (None when no file is given).

    ValueError (the Chinese reason) for a file outside the ledger's folder.
    """
    if not files:
        return None
    root = ledger_dir.resolve()
    only = []
    for f in files:
        try:
            rel = f.resolve().relative_to(root).as_posix()
        except ValueError:
            raise ValueError(f"{f} 不在台账目录 {root} 之内。") from None
        if rel.startswith("items/") and rel.endswith(".yaml"):
            only.append(rel)
    return only


def validate(ledger_dir: Path, only: list[str] | None, as_of: dt.date, *, fail_on: str = "error",
             use_cache: bool = True) -> Checked:
    """Validate the data only (no dates), of the whole ledger or of the files `only`."""
    scan = scan_ledger(ledger_dir)
    outcome = check_scanned(scan, as_of, with_dates=False, only=only, use_cache=use_cache)
    report = Report("validate", outcome.findings, titles=outcome.titles,
                    files=["ledger.yaml", *(only if only is not None else scan.files)],
                    checked=len(only) if only is not None else len(scan.files), prefix=repo_prefix(ledger_dir))
    return Checked(report, 1 if fails(outcome.findings, fail_on) else 0)
