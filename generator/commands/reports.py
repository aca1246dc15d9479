"""`ducha report` and `ducha assess`: figures for a period."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..assessment import UnitScore, scores_xlsx
from ..assessment import assess as run_assess
from ..ledger import load_ledger
from ..reports import KINDS, Period, Report, build_report, report_docx


@dataclass
class ReportResult:
    kind: str
    period: Period
    report: Report
    written: Path | None = None  # the .docx file, when one was asked for


def report(ledger_dir: Path, kind: str, period: Period, *, docx: Path | None = None,
           docx_wanted: bool = False) -> ReportResult:
    """The report for `period`; with `docx_wanted`, also written as a Word file."""
    ledger = load_ledger(ledger_dir)
    result = ReportResult(kind, period, build_report(ledger.items, ledger.config, period))
    if docx_wanted:
        result.written = docx or Path(f"{period.title}{KINDS[kind]}.docx")
        report_docx(result.report, result.written)
    return result


@dataclass
class AssessResult:
    period: Period
    scores: list[UnitScore]
    written: Path | None = None  # the .xlsx file, when one was asked for


def assess(ledger_dir: Path, period: Period, *, xlsx: Path | None = None, xlsx_wanted: bool = False) -> AssessResult:
    """Each unit's score for `period`; with `xlsx_wanted`, also written as a workbook."""
    ledger = load_ledger(ledger_dir)
    result = AssessResult(period, run_assess(ledger.items, ledger.config, period))
    if xlsx_wanted:
        result.written = xlsx or Path(f"{period.title}督查考核得分.xlsx")
        scores_xlsx(result.scores, period, ledger.config, result.written)
    return result
