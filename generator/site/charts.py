"""Bar charts as SVG, drawn at build time: no chart script, no CDN.

Each chart is an <svg role="img"> with a <title> and <desc>, and every page
that shows one also shows the same numbers as a table. Labels are XML-escaped,
so ledger text cannot become markup.
"""
from __future__ import annotations

from xml.sax.saxutils import escape as _xml

COLORS = {"red": "#c62828", "yellow": "#f9a825", "green": "#2e7d32", "done": "#1565c0", "default": "#3f51b5"}
ROW = 28
LABEL_WIDTH = 190
BAR_WIDTH = 300


def bar_chart(title: str, rows: list[tuple[str, int, str]], unit: str = "件") -> str:
    """A horizontal bar chart: rows of (label, value, colour key)."""
    top = max((v for _, v, _ in rows), default=0) or 1
    height = ROW * len(rows) + 16
    width = LABEL_WIDTH + BAR_WIDTH + 70
    desc = "；".join(f"{label} {value} {unit}" for label, value, _ in rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" aria-labelledby="t d">',
        f'<title id="t">{_xml(title)}</title><desc id="d">{_xml(desc)}</desc>',
    ]
    for n, (label, value, color) in enumerate(rows):
        y = 8 + n * ROW
        bar = round(BAR_WIDTH * value / top)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end" font-size="14" fill="#333">{_xml(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{bar}" height="{ROW - 10}" rx="2" '
            f'fill="{COLORS.get(color, COLORS["default"])}"/>'
            f'<text x="{LABEL_WIDTH + bar + 6}" y="{y + 17}" font-size="14" fill="#333">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts) + "\n"
