"""How results and errors read: formatter functions from a command's result to text.

`ducha.cli` calls a command (`ducha.commands`), hands its result to one of
these formatters and writes the `Output` it gets back. The findings
printers (text, JSON, GitHub, GitLab, JUnit) live in `ducha.printers`; the
formatters here use them for reports of findings and format every other
result. `frame` puts Click's own text (usage, help, errors) in Chinese.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Output:
    """Text for standard output and standard error, and the exit status to end with."""

    out: str = ""
    err: str = ""
    status: int = 0
    err_first: bool = False  # standard error is written first (warnings about what follows)

    def __add__(self, other: Output) -> Output:
        return Output(self.out + other.out, self.err + other.err, other.status or self.status,
                      self.err_first or other.err_first)


def lines(*texts: str) -> str:
    """Lines of text, each ended by a line break."""
    return "".join(f"{t}\n" for t in texts)
