"""`ducha init`: a new ledger repository, with its first commit."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..init import InitResult, init_ledger, refuse_unless_empty


@dataclass
class Initialised:
    result: InitResult
    directory: Path  # as the user wrote it, for the `cd` hint
    name: str


def check_target(directory: Path) -> None:
    """Refuse (InitRefused) a folder that is not empty, before any question is asked."""
    refuse_unless_empty(directory.absolute())


def init(directory: Path, *, name: str, office_unit: str, office_id: str, host: str, demo: bool,
         site_url: str | None = None) -> Initialised:
    result = init_ledger(directory, name=name, office_unit=office_unit, office_id=office_id, host=host, demo=demo,
                         site_url=site_url)
    return Initialised(result, directory, name)
