"""Word files in the national document layout (GB/T 9704—2012), read back with python-docx and LibreOffice."""
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from ducha.gongwen import GongwenDocument
from ducha.ledger import load_ledger
from ducha.reports import build_report, parse_period, report_docx

from .conftest import REPO
from .office import is_a4, needs_libreoffice, pdf_pages, to_pdf

TWIPS_PER_MM = 1440 / 25.4


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    """The demo ledger's 2025 annual report, as `ducha report --format docx` writes it."""
    ledger = load_ledger(REPO, use_cache=False)
    path = tmp_path_factory.mktemp("report") / "2025年督查工作报告.docx"
    report_docx(build_report(ledger.items, ledger.config, parse_period("annual", "2025")), path)
    return path


def attr(el, name):
    return None if el is None else el.get(qn(name))


def fonts_of(style):
    return style.element.find(qn("w:rPr")).find(qn("w:rFonts"))


def test_page_is_a4_with_the_standard_margins(report_file):
    sectPr = Document(report_file).sections[0]._sectPr
    size, margins = sectPr.find(qn("w:pgSz")), sectPr.find(qn("w:pgMar"))
    assert (attr(size, "w:w"), attr(size, "w:h")) == ("11906", "16838")  # A4, not US Letter (12240 × 15840)
    for side, mm in (("top", 37), ("bottom", 35), ("left", 28), ("right", 26)):
        assert abs(int(attr(margins, f"w:{side}")) - mm * TWIPS_PER_MM) < 1, side
    # The type area is 156 × 225 mm, 22 lines of 28.95 pt.
    assert attr(sectPr.find(qn("w:docGrid")), "w:linePitch") == "579"


def test_chinese_text_has_its_fonts_named_with_substitutes(report_file):
    doc = Document(report_file)
    normal = doc.styles["Normal"]
    assert attr(fonts_of(normal), "w:eastAsia") == "仿宋" and normal.font.size == Pt(16)  # 仿宋 三号
    title = doc.paragraphs[0]
    assert title.text == "2025年督查工作报告"
    assert attr(fonts_of(title.style), "w:eastAsia") == "方正小标宋简体" and title.style.font.size == Pt(22)
    # No theme font is left to override the named ones (Word's default template has them).
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert attr(defaults.find(qn("w:rFonts")), "w:eastAsia") == "仿宋"
    assert not [a for a in defaults.find(qn("w:rFonts")).attrib if a.endswith("Theme") or a.endswith("theme")]
    # Where a font is missing, Word and WPS try the ones listed in the font table.
    table = [p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"][0].blob.decode()
    assert '<w:font w:name="仿宋"><w:altName w:val="仿宋_GB2312,FangSong' in table
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="方正小标宋_GBK,华文中宋' in table


def test_headings_are_numbered_black_and_in_their_fonts(tmp_path):
    doc = GongwenDocument("关于督查工作的报告")
    texts = [doc.heading("总体情况"), doc.heading("主要做法"), doc.heading("抓分解", level=2),
             doc.heading("抓督办", level=2), doc.heading("月报", level=3), doc.heading("按时", level=4),
             doc.heading("下一步", level=1), doc.heading("重点", level=2)]
    assert texts == ["一、总体情况", "二、主要做法", "（一）抓分解", "（二）抓督办", "1.月报", "（1）按时", "三、下一步",
                     "（一）重点"]
    doc.save(tmp_path / "x.docx")
    read = Document(tmp_path / "x.docx")
    for level, font in ((1, "黑体"), (2, "楷体"), (3, "仿宋"), (4, "仿宋")):
        style = read.styles[f"Heading {level}"]
        color = style.element.find(qn("w:rPr")).find(qn("w:color"))
        assert attr(color, "w:val") == "000000" and attr(color, "w:themeColor") is None  # not Word's blue
        assert attr(fonts_of(style), "w:eastAsia") == font and style.font.size == Pt(16)
    assert [p.style.name for p in read.paragraphs if p.text == "三、下一步"] == ["Heading 1"]


def test_tables_keep_rows_whole_repeat_headers_and_never_break_dates(report_file):
    doc = Document(report_file)
    assert len(doc.tables) == 4
    type_width = (210 - 28 - 26) * TWIPS_PER_MM
    for table in doc.tables:
        rows = table._tbl.findall(qn("w:tr"))
        assert all(r.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None for r in rows)
        assert rows[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
        assert all(r.find(qn("w:trPr")).find(qn("w:tblHeader")) is None for r in rows[1:])
        widths = [int(attr(c, "w:w")) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert abs(sum(widths) - type_width) < 20 and len(set(widths)) > 1  # from the content, not all alike
    overdue = doc.tables[-1]
    assert [c.text for c in overdue.rows[0].cells] == ["编号", "事项", "主办单位", "办结期限", "超期天数"]
    widths = [int(attr(c, "w:w")) for c in overdue._tbl.tblGrid.findall(qn("w:gridCol"))]
    # "2025-09-05" in 12 pt Times needs 5 em = 1200 twips, plus the cell's margins (216).
    assert widths[0] >= 1416 and widths[3] >= 1416 and widths[1] > widths[0]
    date_cell = overdue.rows[1].cells[3]
    assert date_cell.text == "2025-09-05"
    run = date_cell.paragraphs[0].runs[0]._r
    assert len(run.findall(qn("w:noBreakHyphen"))) == 2 and "-" not in "".join(t.text for t in run.findall(qn("w:t")))


def test_page_numbers_at_the_foot_odd_right_even_left(report_file):
    doc = Document(report_file)
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        xml = p._p.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert attr(p._p.pPr.find(qn("w:jc")), "w:val") == side


@needs_libreoffice
def test_libreoffice_prints_the_report_on_a4(report_file, tmp_path):
    pages = pdf_pages(to_pdf([report_file], tmp_path)[0])
    assert pages and all(is_a4(p) for p in pages), pages
    # Title, five sections and four tables (12 categories, 12 units): two pages; the US Letter
    # layout with equal columns and wrapping dates took three.
    assert len(pages) == 2


@needs_libreoffice
def test_libreoffice_sets_22_lines_a_page(tmp_path):
    """GB/T 9704: 22 lines of 3号 text fill a page's type area; the 23rd goes to the next page."""
    files = []
    for lines in (22, 23):
        doc = GongwenDocument("行数")
        doc.paragraph("第一页")
        for n in range(lines):
            p = doc.paragraph(f"第二页第{n + 1}行")
            p.paragraph_format.page_break_before = n == 0
        doc.save(tmp_path / f"lines{lines}.docx")
        files.append(tmp_path / f"lines{lines}.docx")
    full, over = (pdf_pages(pdf) for pdf in to_pdf(files, tmp_path))
    assert (len(full), len(over)) == (2, 3)
    assert all(is_a4(p) for p in full + over)
