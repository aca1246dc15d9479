"""GitLab Code Quality report (a JSON array of issues)."""
from __future__ import annotations

import hashlib
import json as _json

SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def render(report, color: bool = False) -> str:
    issues = []
    for f in report.findings:
        path = f.file or "ledger.yaml"
        commit = getattr(f, "commit", None) or ""
        ident = "\x1f".join([f.code, path, f.item or "", str(f.line or ""), commit])
        issues.append({
            "type": "issue",
            "description": f.message,
            "check_name": f.code,
            "fingerprint": hashlib.md5(ident.encode()).hexdigest(),
            "severity": SEVERITY[f.severity],
            "location": {"path": path, "lines": {"begin": f.line or 1}},
        })
    return _json.dumps(issues, ensure_ascii=False, indent=1) + "\n"
