"""`ducha build` and `ducha serve`: the public and the internal website."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..errors import DuchaError
from ..site import BuildFailed, BuildResult, BuildStopped, build_sites, builder, prepare_serve
from ..site.builder import END_OF_LIFE_NOTICE

__all__ = ["END_OF_LIFE_NOTICE", "build", "prepare", "serve"]


def build(ledger_dir: Path, out_dir: Path | None, as_of: dt.date, *, config_file: Path | None = None,
          use_cache: bool = True, allow_errors: bool = False, full: bool = False) -> BuildResult:
    """Build both sites into `out_dir` (the ledger's site/ by default); the old sites stay on failure.
    Item pages unchanged since the last build there are reused unless `full`."""
    try:
        return build_sites(ledger_dir, out_dir or ledger_dir / "site", as_of, config_file=config_file,
                           use_cache=use_cache, allow_errors=allow_errors, full=full)
    except BuildStopped as err:
        raise DuchaError(f"{err}，原有网站未被改动。请按上面的提示修改后再运行 ducha build；"
                         "如确需先发布，可加 --allow-errors，有错误的事项将不在公开网站上显示。", 1,
                         findings=err.findings, titles=err.titles, checked=err.checked) from err
    except BuildFailed as err:
        raise DuchaError(f"{str(err).rstrip('。')}。原有网站未被改动。", 1) from err


@dataclass
class Preview:
    config_file: Path
    audience: str
    host: str
    port: int


def prepare(ledger_dir: Path, audience: str, host: str, port: int, as_of: dt.date) -> Preview:
    """Set up the preview of one site: its docs, and an MkDocs config watching the ledger."""
    try:
        return Preview(prepare_serve(ledger_dir.resolve(), audience, as_of), audience, host, port)
    except (builder.ConfigRefused, BuildFailed) as err:  # settings refused (not offline, or code)
        raise DuchaError(str(err), 1) from err


def serve(preview: Preview) -> None:
    """Serve the preview until Ctrl+C."""
    builder.serve(preview.config_file, preview.host, preview.port)
