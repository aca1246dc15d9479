"""GitLab Code Quality report (a JSON array of issues)."""
from __future__ import annotations

import hashlib
import json as _json
from collections import Counter

SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def render(report, color: bool = False) -> str:
    issues = []
    seen: Counter = Counter()
    for f in report.findings:
        path = f.file or "ledger.yaml"
        # Stable across days (messages carry day counts), unique within a report.
        ident = "\x1f".join([f.code, path, f.item or "", str(f.line or "")])
        seen[ident] += 1
        ident += f"\x1f{seen[ident]}"
        issues.append({
            "type": "issue",
            "description": f.message,
            "check_name": f.code,
            "fingerprint": hashlib.md5(ident.encode()).hexdigest(),
            "severity": SEVERITY[f.severity],
            "location": {"path": path, "lines": {"begin": f.line or 1}},
        })
    return _json.dumps(issues, ensure_ascii=False, indent=1) + "\n"
