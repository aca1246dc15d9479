"""One hierarchy for every error a user can fix: a Chinese message and an exit status.

Each module keeps its own error type (`LedgerUnreadable`, `EditRefused`,
`HistoryError`, `BuildFailed`, ...) as a subclass of `DuchaError`; the
command line prints any of them the same way (`output.errors`) and exits
with its status. Statuses: 1 means "the ledger or the request needs a
change" (a refusal, a failed check), 2 means "ducha could not run" (an
unreadable ledger, Git failed, a file could not be written).
"""
from __future__ import annotations


class DuchaError(Exception):
    """An error with a Chinese message that says what to do, and the exit status to end with.

    `prefix` starts the printed line ("错误：" unless the command says
    otherwise, e.g. "未保存："); `findings`, when given, are printed with
    the message (a report in the command's format, or short line-numbered
    lines when `findings_as_lines`).
    """

    status: int = 2
    prefix: str = "错误："
    findings: list = []  # noqa: RUF012 - replaced per instance, never mutated
    findings_as_lines = False  # findings in one known file: "第 N 行：…" lines, not a full report
    titles: dict = {}  # noqa: RUF012 - item id -> title, for a full report of the findings
    checked = 0  # how many items were read, for a full report

    def __init__(self, message: str = "", status: int | None = None, *, prefix: str | None = None,
                 findings: list | None = None, titles: dict | None = None, checked: int = 0) -> None:
        super().__init__(message)
        self.checked = checked
        if titles is not None:
            self.titles = titles
        if status is not None:
            self.status = status
        if prefix is not None:
            self.prefix = prefix
        if findings is not None:
            self.findings = list(findings)

    @property
    def message(self) -> str:
        return str(self)


class NotFound(DuchaError):
    """The item (or other thing) the command names does not exist (status 1, no prefix)."""

    status = 1
    prefix = ""


class Cancelled(DuchaError):
    """The user ended a question with end of input or Ctrl+C (status 1)."""

    status = 1
    prefix = ""
