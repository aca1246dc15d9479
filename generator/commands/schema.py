"""`ducha schema`: JSON Schemas for editors."""
from __future__ import annotations

from pathlib import Path

from ..ledger import load_config
from ..schema import write_schemas


def schema(ledger_dir: Path, out_dir: Path | None) -> list[Path]:
    """Write the schemas (into the ledger's schema/ unless `out_dir`); the files written."""
    config, _ = load_config(ledger_dir)
    return list(write_schemas(config, out_dir or ledger_dir / "schema"))
