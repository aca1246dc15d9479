"""LibreOffice as the independent reader of what ducha writes: convert to PDF, read its pages.

The PDF is read with a small parser of its page objects (LibreOffice writes
them uncompressed): each page's MediaBox, in points.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs it)")

A4_PT = (595.3, 841.9)  # 210 × 297 mm


def to_pdf(files: list[Path], outdir: Path) -> list[Path]:
    """Convert `files` with LibreOffice (headless, its own profile in `outdir`); the PDFs, in order."""
    profile = outdir / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(outdir), *map(str, files)], check=True, capture_output=True, timeout=180)
    pdfs = [outdir / (f.stem + ".pdf") for f in files]
    for pdf in pdfs:
        assert pdf.is_file(), f"LibreOffice did not write {pdf}"
    return pdfs


_OBJ = re.compile(rb"\d+\s+\d+\s+obj\b(.*?)\bendobj", re.S)
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_BOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.\s]+)\]")


def pdf_pages(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) in points of every page of `pdf`."""
    data = pdf.read_bytes()
    default = None
    pages = []
    for m in _OBJ.finditer(data):
        head = m[1].split(b"stream", 1)[0]  # the object's dictionary, not its content
        box = _BOX.search(head)
        size = None
        if box:
            x0, y0, x1, y1 = (float(v) for v in box[1].split())
            size = (x1 - x0, y1 - y0)
        if _PAGE.search(head):
            pages.append(size)
        elif re.search(rb"/Type\s*/Pages\b", head) and size:
            default = size
    return [p or default for p in pages]


def is_a4(size: tuple[float, float], landscape: bool = False) -> bool:
    w, h = A4_PT[::-1] if landscape else A4_PT
    return abs(size[0] - w) < 1 and abs(size[1] - h) < 1
