"""GitLab Code Quality report (a JSON array of issues)."""
from __future__ import annotations

import hashlib
import json as _json
import re
from collections import Counter

SEVERITY = {"error": "major", "warning": "minor", "info": "info"}

_NUMBERS = re.compile(r"[0-9]+")


def subject(message: str) -> str:
    """What a finding is about, as its message says it, without the numbers that move.

    Messages carry day counts, dates and line numbers ("已超期 3 天", "第 12 行"),
    which change from one day or one edit to the next while the problem stays
    the same one; the words around them name it.
    """
    return _NUMBERS.sub("#", message)


def fingerprint(path: str, code: str, item: str | None, commit: str | None, message: str, nth: int) -> str:
    """A finding's identity across runs: never its line, so a line inserted above it keeps it the same issue."""
    ident = "\x1f".join([code, path, item or "", commit or "", subject(message), str(nth)])
    return hashlib.md5(ident.encode()).hexdigest()


def render(report, color: bool = False) -> str:
    issues = []
    seen: Counter = Counter()
    for f in report.findings:
        path = report.repo_path(f.file)
        # Unique within a report: equal findings (same subject) are told apart by their order.
        key = (f.code, path, f.item or "", f.commit or "", subject(f.message))
        seen[key] += 1
        issues.append({
            "type": "issue",
            "description": f.message,
            "check_name": f.code,
            "fingerprint": fingerprint(path, f.code, f.item, f.commit, f.message, seen[key]),
            "severity": SEVERITY[f.severity],
            "location": {"path": path, "lines": {"begin": f.line or 1}},
        })
    return _json.dumps(issues, ensure_ascii=False, indent=1) + "\n"
