"""GitHub Actions workflow commands: one annotation per finding."""
from __future__ import annotations

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(s: str) -> str:
    return _data(s).replace(":", "%3A").replace(",", "%2C")


def render(report, color: bool = False) -> str:
    lines = []
    for f in report.findings:
        props = [f"file={_prop(report.repo_path(f.file))}"]
        if f.line:
            props.append(f"line={f.line}")
        if f.column:
            props.append(f"col={f.column}")
        props.append(f"title={_prop(f'ducha {f.code}' + (f' {f.item}' if f.item else ''))}")
        lines.append(f"::{LEVELS[f.severity]} {','.join(props)}::{_data(f.message)}")
    return "\n".join(lines) + ("\n" if lines else "")
