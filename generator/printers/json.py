"""JSON for other tools: the object README documents, findings last."""
from __future__ import annotations

import json as _json


def render(report, color: bool = False) -> str:
    out = dict(report.payload)
    out["findings"] = [f.to_dict() for f in report.findings]
    # Compact: the C encoder is ~10x faster than the indenting one on a big ledger.
    return _json.dumps(out, ensure_ascii=False) + "\n"
