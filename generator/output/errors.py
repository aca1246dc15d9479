"""How a `DuchaError` reads: its findings (if any), then one Chinese line with what to do."""
from __future__ import annotations

from .. import printers
from ..errors import DuchaError
from ..ledger import LedgerUnreadable
from . import Output, lines


def error(err: DuchaError, fmt: str = "text", command: str = "") -> Output:
    """The output for `err` in a run of `command` whose findings are printed as `fmt`.

    When the ledger cannot be read by a command asked for a machine format
    (json, github, gitlab, junit), standard output still gets a valid report
    (of the findings that explain why), so a CI job can parse it. Otherwise
    findings go to standard error before the message: short "第 N 行："
    lines when they all concern the one file the command names, else a
    text report.
    """
    if fmt not in printers.FORMATS:
        fmt = "text"
    report = printers.Report(command, err.findings, titles=err.titles, checked=err.checked)
    out = text = ""
    if fmt != "text" and isinstance(err, LedgerUnreadable):
        out = printers.render(report, fmt)
    elif err.findings and not err.findings_as_lines:
        text = printers.render(report, "text")
    text += lines(f"{err.prefix}{err}")
    if err.findings_as_lines:
        text += lines(*(f"  {f'第 {f.line} 行：' if f.line else ''}{f.message}" for f in err.findings))
    return Output(out, text, err.status)
