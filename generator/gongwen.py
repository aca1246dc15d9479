"""Word documents in the national layout for official documents (GB/T 9704—2012, 党政机关公文格式).

Every .docx ducha writes is built here, so all of them print the same way:

- A4 (210 × 297 mm); margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm,
  so the type area is 156 × 225 mm; 22 lines a page (a fixed line pitch of
  28.95 pt, the document grid set to match);
- the title in 2号 (22 pt) 小标宋 (方正小标宋简体), centred;
- the body in 3号 (16 pt) 仿宋, first lines indented two characters;
- headings numbered 一、（一）1.（1）, in 黑体, 楷体, 仿宋 bold and 仿宋, all black;
- page numbers "— 1 —" in 4号 (14 pt) 宋体 at the foot: odd pages on the
  right, even pages on the left, one character in from the edge of the type area;
- tables whose column widths follow their content (a date, an id or a number
  never wraps: its column is at least as wide as its longest value and its
  hyphens are non-breaking), a header row repeated on every page, and rows
  that never split across pages.

Chinese fonts are named for East Asian text (`w:eastAsia`), with Latin text
and digits in Times New Roman. Where a named font is missing, the font table
lists the fonts to use instead (`w:altName`, e.g. 仿宋 → 仿宋_GB2312, FangSong),
as Word and WPS read them.

Usage::

    doc = GongwenDocument("2025年9月督查专报", subtitle="数据截至 2025-09-30")
    doc.heading("总体情况")               # 一、总体情况
    doc.paragraph("本期到期事项 3 项……")
    doc.heading("分单位情况")             # 二、分单位情况
    doc.heading("市直单位", level=2)      # （一）市直单位
    doc.table(["单位", "到期"], [["市发展和改革委员会", 3]])
    doc.save("专报.docx")
"""
from __future__ import annotations

import copy
import io
import os
import re
import secrets
import unicodedata
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Sequence

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

from .errors import DuchaError

# --- The layout (GB/T 9704—2012 §5.2) -------------------------------------------------------

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
TYPE_AREA_MM = (PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM, PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM)
LINES_PER_PAGE = 22
LINE_PITCH_TWIPS = 579  # 28.95 pt: 22 lines fill the 225 mm type area (22 × 579 ≤ 12756 twips)
# The page number's line sits 7 mm below the type area: footer distance = 35 − 7 − one 14 pt line (≈ 6 mm).
FOOTER_MM = 22

TITLE_PT = 22  # 2号
BODY_PT = 16  # 3号
PAGE_NUMBER_PT = 14  # 4号
TABLE_PT = 12  # 小四: a table of eight columns fits the 156 mm type area

# Fonts: the one each part names, then what to use where it is missing (written to the font table).
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋"
HEI_FONT = "黑体"
KAI_FONT = "楷体"
SONG_FONT = "宋体"
LATIN_FONT = "Times New Roman"
FONT_FALLBACKS: dict[str, tuple[str, ...]] = {
    TITLE_FONT: ("方正小标宋_GBK", "华文中宋", "STZhongsong", "宋体", "SimSun"),
    BODY_FONT: ("仿宋_GB2312", "FangSong", "FangSong_GB2312", "华文仿宋", "STFangsong"),
    HEI_FONT: ("SimHei", "方正黑体_GBK", "华文黑体", "STHeiti"),
    KAI_FONT: ("楷体_GB2312", "KaiTi", "KaiTi_GB2312", "华文楷体", "STKaiti"),
    SONG_FONT: ("SimSun", "华文宋体", "STSong"),
}
# The font table's description of each (GB2312 character set, family), so a substitute is chosen alike.
_FONT_FAMILY = {TITLE_FONT: "roman", BODY_FONT: "modern", HEI_FONT: "modern", KAI_FONT: "modern", SONG_FONT: "auto"}

# Heading levels: numbering, font, bold (GB/T 9704—2012 §7.3.3).
HEADING_LEVELS = {
    1: (HEI_FONT, False),
    2: (KAI_FONT, False),
    3: (BODY_FONT, True),
    4: (BODY_FONT, False),
}
HEADING_STYLES = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3", 4: "Heading 4"}
TITLE_STYLE = "公文标题"
TABLE_STYLE = "公文表格文字"

_CN_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (headings count no higher)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def heading_number(level: int, n: int) -> str:
    """The number in front of the n-th heading of `level`: 一、 （一） 1. （1）."""
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


# --- Measuring text ---------------------------------------------------------------------------

_LATIN_EM = 0.6  # a digit or Latin letter, as a share of the font size (0.5 in Times New Roman; room for substitutes)
_ATOMIC = re.compile(r"[\x21-\x7e]{1,24}\Z")  # an id, a date, a number: printable ASCII without spaces


def text_em(text: str) -> float:
    """The width of `text` on one line, in ems: CJK, full-width and ambiguous characters (“ ” — in a
    Chinese font are full width) 1, the others about half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else _LATIN_EM for ch in text)


def is_atomic(text: str) -> bool:
    """A value that must never wrap: a date (2025-09-05), an id (2025-0003), a number (+3, 84.3)."""
    return bool(_ATOMIC.match(text))


_CELL_PADDING_TWIPS = 2 * 108  # Word's default left and right cell margins (0.19 cm each)
_SLACK_TWIPS = 60  # rounding, borders


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], total_twips: int,
                  font_pt: float = TABLE_PT) -> list[int]:
    """Column widths (twips) from the content, filling `total_twips`.

    Each column wants its header and its longest value on one line. When
    they do not all fit, headers wrap to two lines first; then the widest
    columns are narrowed, down to a common width (their text wraps there).
    A column of dates, ids or numbers never goes below its longest value.
    Room left over is shared in proportion to what each column wants.
    """
    em = font_pt * 20
    pad = _CELL_PADDING_TWIPS + _SLACK_TWIPS
    full, half, floors = [], [], []
    for j, header in enumerate(headers):
        body = [str(r[j]) for r in rows if j < len(r) and str(r[j])]
        body_em = max((text_em(t) for t in body), default=0.0)
        head_em = text_em(header)
        atomic = bool(body) and all(is_atomic(t) for t in body)
        two_lines = float(-(-head_em // 2))  # the header wrapped once
        floor = max(body_em, min(head_em, 2.0)) if atomic else min(max(body_em, head_em), 2.0)
        full.append(max(body_em, head_em) * em + pad)
        half.append(min(max(floor, body_em, two_lines), max(body_em, head_em)) * em + pad)
        floors.append(floor * em + pad)
    if sum(full) <= total_twips:  # everything on one line; the rest shared out
        extra = total_twips - sum(full)
        widths = [w + extra * w / sum(full) for w in full]
    elif sum(half) <= total_twips:  # the headers that save most go on two lines, every value on one
        widths = list(full)
        wrapped = set()
        for j in sorted(range(len(full)), key=lambda j: half[j] - full[j]):
            if sum(widths) <= total_twips:
                break
            widths[j] = half[j]
            wrapped.add(j)
        whole = [j for j in range(len(widths)) if j not in wrapped] or list(range(len(widths)))
        extra = total_twips - sum(widths)  # to the others only: a wrapped header stays evenly in two lines
        for j in whole:
            widths[j] += extra * full[j] / sum(full[k] for k in whole)
    elif sum(floors) >= total_twips:
        widths = floors  # more columns than the page holds: keep every value whole, the table runs wider
    else:  # the widest texts wrap: narrow them to a common width
        low, high = 0.0, max(half)
        for _ in range(50):
            mid = (low + high) / 2
            if sum(min(w, max(f, mid)) for w, f in zip(half, floors)) > total_twips:
                high = mid
            else:
                low = mid
        widths = [min(w, max(f, low)) for w, f in zip(half, floors)]
        widest = max(range(len(widths)), key=lambda j: widths[j])
        widths[widest] += total_twips - sum(widths)  # what the search left (under a twip)
    return [int(w) for w in widths]


# --- XML helpers --------------------------------------------------------------------------------


def _set_fonts(rpr: Any, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Name the fonts of a run or style for every script, with no theme font left to override them."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _style_text(style: Any, east_asia: str, size_pt: float, bold: bool = False, latin: str = LATIN_FONT) -> None:
    """A style's character formatting, replaced whole (no theme colour, font or italic inherited)."""
    old = style.element.find(qn("w:rPr"))
    if old is not None:
        style.element.remove(old)
    style.font.size = Pt(size_pt)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    _set_fonts(style.element.get_or_add_rPr(), east_asia, latin)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    style.element.get_or_add_rPr().append(lang)


def _style_paragraph(style: Any, *, indent_chars: float = 0, align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
                     line_twips: int | None = LINE_PITCH_TWIPS, keep_with_next: bool = False,
                     outline_level: int | None = None, size_pt: float = BODY_PT) -> None:
    old = style.element.find(qn("w:pPr"))
    if old is not None:
        style.element.remove(old)
    pf = style.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    if line_twips is None:  # a table's text: single lines, a little air above and below
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        pf.space_before = pf.space_after = Pt(3)
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Twips(line_twips)
    pf.alignment = align
    pf.first_line_indent = Pt(indent_chars * size_pt) if indent_chars else Pt(0)
    pf.left_indent = Pt(0)
    pf.right_indent = Pt(0)
    pf.keep_with_next = keep_with_next
    pf.widow_control = True
    ppr = style.element.get_or_add_pPr()
    _first_line_chars(ppr, indent_chars)
    if line_twips is None:  # single-spaced text keeps its own height, not one line of the page grid
        _no_snap(ppr)
    if outline_level is not None:
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), str(outline_level))
        ppr.append(lvl)
    # A paragraph style's pPr children must come in schema order; python-docx keeps its own in order.


_AFTER_SNAP = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
               "w:rPr", "w:sectPr", "w:pPrChange")


def _no_snap(ppr: Any) -> None:
    """`w:snapToGrid w:val="0"`, in its place in the schema's order."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    for child in ppr:
        if child.tag in {qn(t) for t in _AFTER_SNAP}:
            child.addprevious(snap)
            return
    ppr.append(snap)


def _first_line_chars(ppr: Any, chars: float) -> None:
    """The first-line indent in characters too (it wins over the one in twips, and is inherited:
    a style or paragraph without indent says 0 so it does not take Normal's two characters)."""
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)  # only reached for a pPr python-docx already ordered; ind then comes last but jc/outline
    ind.set(qn("w:firstLineChars"), str(int(chars * 100)))


def _font_table_entry(name: str) -> Any:
    font = OxmlElement("w:font")
    font.set(qn("w:name"), name)
    alt = OxmlElement("w:altName")
    alt.set(qn("w:val"), ",".join(FONT_FALLBACKS[name]))
    charset = OxmlElement("w:charset")
    charset.set(qn("w:val"), "86")  # GB2312
    family = OxmlElement("w:family")
    family.set(qn("w:val"), _FONT_FAMILY.get(name, "auto"))
    pitch = OxmlElement("w:pitch")
    pitch.set(qn("w:val"), "variable")
    for child in (alt, charset, family, pitch):
        font.append(child)
    return font


def _add_fallbacks(document: Any) -> None:
    """List each Chinese font with its substitutes in word/fontTable.xml."""
    from lxml import etree

    for part in document.part.package.iter_parts():
        if str(part.partname) == "/word/fontTable.xml":
            root = etree.fromstring(part.blob)
            for name in FONT_FALLBACKS:
                for old in root.findall(qn("w:font")):
                    if old.get(qn("w:name")) == name:
                        root.remove(old)
                root.append(_font_table_entry(name))
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            return


def _page_number_paragraph(paragraph: Any, align: Any) -> None:
    """"— N —" in 4号 宋体, one character in from the type area's edge on its side."""
    pf = paragraph.paragraph_format
    pf.alignment = align
    pf.first_line_indent = Pt(0)
    _first_line_chars(paragraph._p.get_or_add_pPr(), 0)
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _no_snap(paragraph._p.get_or_add_pPr())
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        pf.right_indent = Pt(PAGE_NUMBER_PT)
        pf.left_indent = Pt(0)
    else:
        pf.left_indent = Pt(PAGE_NUMBER_PT)
        pf.right_indent = Pt(0)

    def run(text: str | None = None) -> Any:
        r = paragraph.add_run(text)
        r.font.size = Pt(PAGE_NUMBER_PT)
        r.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(r._r.get_or_add_rPr(), SONG_FONT, SONG_FONT)
        return r

    run("— ")
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        r = run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        r._r.append(el)
    run(" —")


def _add_text(paragraph: Any, text: str, *, nobreak: bool = False) -> Any:
    """One run of `text`; with `nobreak`, its hyphens are non-breaking (a date never splits at "-")."""
    run = paragraph.add_run()
    if not nobreak or "-" not in text:
        run.text = text
        return run
    for n, piece in enumerate(text.split("-")):
        if n:
            run._r.append(OxmlElement("w:noBreakHyphen"))
        if piece:
            t = OxmlElement("w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = piece
            run._r.append(t)
    return run


def _body_cell(header_tc: Any, *, centered: bool) -> Any:
    """A body cell of a table, copied from its column's header cell: its properties and its
    paragraph's (centred or not), no run."""
    tc = copy.deepcopy(header_tc)
    p = tc.find(qn("w:p"))
    for r in p.findall(qn("w:r")):
        p.remove(r)
    if not centered:
        jc = p.pPr.find(qn("w:jc"))
        if jc is not None:
            jc.getparent().remove(jc)
    return tc


def _add_run_text(r: Any, text: str, *, nobreak: bool) -> None:
    """`text` into the run element `r`, as python-docx's `run.text = …` writes it (tabs and line
    breaks as elements); with `nobreak`, its hyphens are non-breaking (as `_add_text`)."""
    if nobreak and "-" in text:
        for n, piece in enumerate(text.split("-")):
            if n:
                r.append(OxmlElement("w:noBreakHyphen"))
            if piece:
                t = OxmlElement("w:t")
                t.set(qn("xml:space"), "preserve")
                t.text = piece
                r.append(t)
    elif not text:
        return
    elif "\t" in text or "\n" in text or "\r" in text:
        r.text = text
    else:
        r.add_t(text)


def _row_properties(row: Any, *, header: bool) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def _table_properties(table: Any, widths: list[int]) -> None:
    tblpr = table._tbl.tblPr
    for tag in ("w:tblW", "w:tblLayout", "w:tblInd"):
        old = tblpr.find(qn(tag))
        if old is not None:
            tblpr.remove(old)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(widths)))
    width.set(qn("w:type"), "dxa")
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    # Schema order within tblPr: tblStyle, …, tblW, jc, …, tblLayout, …, tblLook.
    style = tblpr.find(qn("w:tblStyle"))
    tblpr.insert(1 if style is not None else 0, width)
    look = tblpr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(layout)
    else:
        tblpr.append(layout)
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(w))


# --- The document -------------------------------------------------------------------------------


class GongwenDocument:
    """A Word document in the national layout: a title, numbered headings, paragraphs, tables."""

    def __init__(self, title: str, *, subtitle: str | None = None) -> None:
        self.doc = Document()
        self.counters = [0, 0, 0, 0]
        self._page()
        self._styles()
        _add_fallbacks(self.doc)
        self.doc.core_properties.title = title[:255]  # the property's limit; the heading keeps all of it
        self.doc.core_properties.language = "zh-CN"
        for line in title.split("\n"):
            self.doc.add_paragraph(line, style=TITLE_STYLE)
        if subtitle:
            self.line(subtitle, align="center")
        self.line("")  # GB/T 9704: one blank line between the title and what follows

    # The page: A4, margins, grid, page numbers.
    def _page(self) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
        section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
        section.footer_distance = Mm(FOOTER_MM)
        section.header_distance = Mm(15)
        section.gutter = 0
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            section._sectPr.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
        self.doc.settings.odd_and_even_pages_header_footer = True
        section.footer.is_linked_to_previous = False
        _page_number_paragraph(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
        section.even_page_footer.is_linked_to_previous = False
        _page_number_paragraph(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)

    def _styles(self) -> None:
        styles = self.doc.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_fonts(rpr, BODY_FONT)
        for lang in rpr.findall(qn("w:lang")):
            lang.set(qn("w:eastAsia"), "zh-CN")
        spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
        if spacing is not None:
            spacing.set(qn("w:after"), "0")

        normal = styles["Normal"]
        _style_text(normal, BODY_FONT, BODY_PT)
        _style_paragraph(normal, indent_chars=2)

        title = styles.add_style(TITLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        title.style_id = "GongwenTitle"  # ASCII ids, as Word and WPS write them; the names are Chinese
        title.base_style = normal
        _style_text(title, TITLE_FONT, TITLE_PT)
        _style_paragraph(title, align=WD_ALIGN_PARAGRAPH.CENTER, line_twips=int(TITLE_PT * 1.5 * 20),
                         keep_with_next=True, outline_level=None, size_pt=TITLE_PT)

        for level, (font, bold) in HEADING_LEVELS.items():
            style = styles[HEADING_STYLES[level]]
            style.base_style = normal
            _style_text(style, font, BODY_PT, bold=bold)
            _style_paragraph(style, indent_chars=2, keep_with_next=True, outline_level=level - 1)

        table = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        table.style_id = "GongwenTable"
        table.base_style = normal
        _style_text(table, BODY_FONT, TABLE_PT)
        _style_paragraph(table, align=WD_ALIGN_PARAGRAPH.LEFT, line_twips=None, size_pt=TABLE_PT)

        for name in ("Header", "Footer"):
            if name in [s.name for s in styles]:
                _style_text(styles[name], SONG_FONT, PAGE_NUMBER_PT, latin=SONG_FONT)

    # Content.
    def heading(self, text: str, level: int = 1) -> str:
        """A heading numbered by its level (一、（一）1.（1）); returns its full text."""
        if level not in HEADING_LEVELS:
            raise ValueError(f"heading level {level}: GB/T 9704 numbers four levels")
        self.counters[level - 1] += 1
        for deeper in range(level, len(self.counters)):
            self.counters[deeper] = 0
        full = heading_number(level, self.counters[level - 1]) + text
        self.doc.add_paragraph(full, style=HEADING_STYLES[level])
        return full

    def paragraph(self, text: str) -> Any:
        """A body paragraph: 仿宋 三号, its first line indented two characters."""
        return self.doc.add_paragraph(text)

    def line(self, text: str, *, align: str = "center") -> Any:
        """A line without indent (a date line, a note under the title): centred, left or right."""
        p = self.doc.add_paragraph(text)
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                                        "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
        _first_line_chars(p._p.get_or_add_pPr(), 0)
        return p

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[object]],
              widths_mm: Sequence[float] | None = None) -> Any:
        """A table: widths from the content (or `widths_mm`), the header row repeated on every
        page, no row split across pages, dates and ids unbroken."""
        texts = [["" if v is None else str(v) for v in row] for row in rows]
        headers = [str(h) for h in headers]
        total = int(Mm(TYPE_AREA_MM[0]).twips)
        if widths_mm is not None:
            widths = [int(Mm(w).twips) for w in widths_mm]
        else:
            widths = column_widths(headers, texts, total)
        atomic = [bool(col) and all(is_atomic(t) for t in col if t)
                  for col in ([r[j] for r in texts if j < len(r)] for j in range(len(headers)))]
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _table_properties(table, widths)
        # The style's id, looked up once: python-docx's `paragraph.style = …` scans every style on each call.
        style_id = self.doc.styles[TABLE_STYLE].style_id
        header = table.rows[0]
        _row_properties(header, header=True)
        for j, (cell, value) in enumerate(zip(header.cells, headers)):
            cell.width = Twips(widths[j])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p._p.style = style_id
            p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = _add_text(p, value)
            run.bold = True
            _set_fonts(run._r.get_or_add_rPr(), HEI_FONT)
        # The body: each cell a copy of its column's header cell (width, alignment, paragraph style)
        # without the header's bold run, then its own run; python-docx's per-cell setters took
        # seconds for the thousands of rows of a report's overdue table.
        cells = [_body_cell(cell._tc, centered=atomic[j]) for j, cell in enumerate(header.cells)]
        tbl = table._tbl
        for values in texts:
            tr = OxmlElement("w:tr")
            trpr = OxmlElement("w:trPr")
            trpr.append(OxmlElement("w:cantSplit"))
            tr.append(trpr)
            for j, template in enumerate(cells):
                value = values[j] if j < len(values) else ""
                tc = copy.deepcopy(template)
                p = tc[-1]
                r = OxmlElement("w:r")
                p.append(r)
                _add_run_text(r, value, nobreak=is_atomic(value))
                tr.append(tc)
            tbl.append(tr)
        return table

    def save(self, target: str | os.PathLike[str] | BinaryIO) -> None:
        """Write the document; to a path through a temporary file, so a reader never sees half of it."""
        if not isinstance(target, (str, os.PathLike)):
            self.doc.save(target)
            return
        path = Path(target)
        buffer = io.BytesIO()
        self.doc.save(buffer)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            tmp.write_bytes(buffer.getvalue())
            os.replace(tmp, path)
        except OSError as err:  # a missing folder, no permission, a full disk: a Chinese error, never a traceback
            raise DocumentWriteFailed(path, err) from None
        finally:
            tmp.unlink(missing_ok=True)


class DocumentWriteFailed(DuchaError):
    """A document (.docx, a form's .html) could not be written where the user asked (status 2)."""

    def __init__(self, path: str | os.PathLike[str], err: OSError) -> None:
        from .excel import WRITE_REASONS

        reason = WRITE_REASONS.get(err.errno or 0, err.strerror or str(err))
        super().__init__(f"无法写入 {path}：{reason}。请检查文件夹是否存在、是否可以写入，或用 --out 指定其他位置。")


__all__ = ["GongwenDocument", "DocumentWriteFailed", "column_widths", "chinese_number", "heading_number", "text_em", "is_atomic",
           "FONT_FALLBACKS"]
