"""`ducha form`: a printable form for one item."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..errors import NotFound
from ..forms import render_form
from ..ledger import load_ledger

FORM_NAMES = {"assignment": "交办单", "urge": "催办通知"}


@dataclass
class FormResult:
    written: Path


def form(ledger_dir: Path, kind: str, item_id: str, day: dt.date, out: Path | None) -> FormResult:
    """Write the form `kind` for `item_id`, dated `day`, as HTML."""
    ledger = load_ledger(ledger_dir)
    item = next((i for i in ledger.items if i.id == item_id), None)
    if item is None:
        raise NotFound(f"找不到事项 {item_id}。")
    html = render_form(kind, item, ledger.config, day)
    out = out or Path(f"{item_id}-{FORM_NAMES[kind]}.html")
    out.write_text(html, encoding="utf-8")
    return FormResult(out)
