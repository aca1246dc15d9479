"""A ledger's public open data, made by the same code path as `ducha build`.

`open_data` runs the build's own stages (load → evaluate → public view) and
its own writers (`site.files`), so what the roll-up recomputes from a city's
ledger is byte for byte what that city's build published. `publish` writes
just the open-data files and `ledger-head.json` into a site folder (for
tests and the benchmark, where a full MkDocs build of many large ledgers
would take too long).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from ..site import files, stages
from ..site.model import PUBLIC

HEAD_FILE = "ledger-head.json"
ITEMS_JSON = "data/items.json"
ITEMS_CSV = "data/items.csv"


@dataclass
class OpenData:
    head: dict
    items_json: str
    items_csv: str
    escalations: int  # items with an escalation due (escalation_pending): internal, counted only
    config_name: str


def open_data(root: Path, as_of: dt.date, use_cache: bool = True) -> OpenData:
    """The open data of the ledger at `root` as `ducha build --as-of as_of` publishes it."""
    loaded = stages.load_ledger(Path(root), use_cache)
    evaluated = stages.evaluate(loaded, as_of)
    view = stages.audience_view(evaluated, {}, PUBLIC, None)
    head = {**evaluated.head, "ledger": view.ledger_name, "site": PUBLIC}  # as stages.write_markdown says it
    pending = sum(1 for f in evaluated.result.findings if f.code == "escalation_pending")
    return OpenData(head, files.items_json(view), files.items_csv(view), pending, evaluated.config.name)


def head_text(head: dict) -> str:
    return json.dumps(head, ensure_ascii=False, indent=1) + "\n"  # as site.render writes it


def publish(root: Path, site: Path, as_of: dt.date, use_cache: bool = True) -> OpenData:
    """Write the open-data files and ledger-head.json of `root` into the site folder `site`."""
    data = open_data(root, as_of, use_cache)
    (site / "data").mkdir(parents=True, exist_ok=True)
    (site / ITEMS_JSON).write_text(data.items_json, encoding="utf-8")
    (site / ITEMS_CSV).write_text(data.items_csv, encoding="utf-8")
    (site / files.SCHEMA_PATH).write_text(files.items_schema(), encoding="utf-8")
    (site / HEAD_FILE).write_text(head_text(data.head), encoding="utf-8")
    return data
