"""`ducha export-xlsx` and `ducha import-xlsx`: the ledger to and from Excel."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..check import run_rules
from ..errors import DuchaError
from ..excel import ImportResult, Mapping, export_workbook, run_import
from ..ledger import load_ledger, scan_ledger


@dataclass
class Exported:
    items: int
    written: Path


def export_xlsx(ledger_dir: Path, as_of: dt.date, out: Path | None) -> Exported:
    ledger = load_ledger(ledger_dir)
    result = run_rules(ledger, as_of)
    out = out or Path(f"督查台账-{as_of.isoformat()}.xlsx")
    export_workbook(result, ledger.config, out)
    return Exported(len(result.items), out)


@dataclass
class Imported:
    result: ImportResult
    dry_run: bool

    @property
    def status(self) -> int:
        return 1 if self.result.problems else 0


def import_xlsx(ledger_dir: Path, workbook: Path, mapping_file: Path, *, dry_run: bool) -> Imported:
    """Convert `workbook` into item files: all of them, or none when any row is wrong."""
    scan = scan_ledger(ledger_dir)
    try:
        mapping = Mapping.load(mapping_file)
    except (OSError, ValueError, yaml.YAMLError) as err:
        raise DuchaError(f"无法读取列对应关系 {mapping_file}：{err}") from err
    return Imported(run_import(scan.root, workbook, mapping, scan.config, scan.files, dry_run), dry_run)
