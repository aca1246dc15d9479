"""`ducha report` and `ducha assess`: figures for a period."""
from __future__ import annotations

import datetime as dt
import re
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
    from ..source_report import source_sections

    ledger = load_ledger(ledger_dir)
    result = ReportResult(kind, period, build_report(ledger.items, ledger.config, period))
    result.report.sources = source_sections(ledger.sources, ledger.items, ledger.config, period.start, period.end)
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


# What a file name in the current folder cannot hold (a path separator, Windows' reserved characters).
_NOT_IN_FILE_NAMES = re.compile(r'[/\\:*?"<>|\x00-\x1f]+')
FILE_NAME_CHARS = 60  # 180 bytes of Chinese text: room for the suffix within the usual 255


def file_name(title: str, fallback: str) -> str:
    """`title` as the stem of a file in the current folder: never a path, never hidden, bounded in length."""
    stem = _NOT_IN_FILE_NAMES.sub("_", " ".join(title.split())).strip(" ._")[:FILE_NAME_CHARS]
    return stem or fallback


@dataclass
class SourceReportResult:
    report: object  # source_report.SourceReport
    written: Path | None = None  # the .docx file, when one was asked for


def source_report(ledger_dir: Path, source_id: str, as_of: dt.date, *, docx: Path | None = None,
                  docx_wanted: bool = False) -> SourceReportResult:
    """The 落实情况 report of one decision as of `as_of`; with `docx_wanted`, also as a Word file."""
    from ..source_report import build_source_report, source_report_docx
    from .decompose import find_source

    ledger = load_ledger(ledger_dir)
    source = find_source(ledger.root, source_id)
    result = SourceReportResult(build_source_report(source, ledger.items, ledger.config, as_of))
    if docx_wanted:
        result.written = docx or Path(f"{file_name(source.title, source.id)}落实情况.docx")
        source_report_docx(result.report, result.written)
    return result
