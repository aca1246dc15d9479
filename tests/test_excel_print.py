"""Excel files print as an office expects: A4 landscape, one page wide, header rows repeated, names not codes."""
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ducha.assessment import assess, scores_xlsx
from ducha.check import run_rules
from ducha.excel import export_workbook
from ducha.ledger import load_ledger
from ducha.reports import parse_period

from .conftest import REPO, D
from .office import is_a4, needs_libreoffice, pdf_pages, to_pdf


@pytest.fixture(scope="module")
def demo():
    return load_ledger(REPO, use_cache=False)


@pytest.fixture(scope="module")
def exported(demo, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "台账.xlsx"
    export_workbook(run_rules(demo, D("2026-11-26")), demo.config, path)
    return path


@pytest.fixture(scope="module")
def scores(demo, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "考核.xlsx"
    period = parse_period("annual", "2025")
    scores_xlsx(assess(demo.items, demo.config, period), period, demo.config, path)
    return path


def assert_prints_one_page_wide(ws, title_rows):
    setup = ws.page_setup
    assert (setup.paperSize, setup.orientation) == (9, "landscape"), ws.title  # 9: A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
    assert ws.print_title_rows == title_rows, ws.title


def headers(ws, row=1):
    return [c.value for c in ws[row]]


def test_every_exported_sheet_prints_a4_landscape_with_its_header_repeated(exported):
    wb = load_workbook(exported)
    assert_prints_one_page_wide(wb["汇总"], "$3:$3")
    assert wb["汇总"].freeze_panes == "A4"
    for ws in wb.worksheets[1:]:
        assert_prints_one_page_wide(ws, "$1:$1")
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref


def test_exported_cells_name_units_and_event_types_codes_beside_them(exported):
    wb = load_workbook(exported)
    ws = wb["上级政府交办事项"]
    h = headers(ws)
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "2025-0012")
    assert row[h.index("主办单位")] == "市自然资源和规划局" and row[h.index("主办单位编号")] == "zrzyj"
    # The code columns are for programs: right of the printed area.
    last_printed = ws.print_area.split(":")[-1].lstrip("$").rstrip("0123456789$")
    assert h.index("主办单位编号") > h.index("内部备注") and last_printed == get_column_letter(h.index("内部备注") + 1)
    events = wb["办理记录"]
    h = headers(events)
    types = {(r[h.index("记录类型")], r[h.index("记录类型代码")]) for r in events.iter_rows(min_row=2, values_only=True)}
    assert ("进展报告", "progress") in types and ("催办", "urge") in types
    assert not any(name in ("progress", "urge", "completed") for name, _ in types)


def test_wrapped_rows_are_as_tall_as_their_text(exported):
    ws = load_workbook(exported)["《政府工作报告》目标任务"]
    h = headers(ws)
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "2025-0001")
    assert row[h.index("具体内容")].alignment.wrap_text
    assert ws.row_dimensions[row[0].row].height >= 30  # two lines at least, not one line over another


def test_scores_print_a4_landscape_with_unit_names_and_codes(scores):
    wb = load_workbook(scores)
    ws = wb["单位考核得分"]
    assert_prints_one_page_wide(ws, "$1:$2")
    assert ws.freeze_panes == "A3"
    h = headers(ws, 2)
    assert h[1] == "单位" and h[-1] == "单位编号"
    rows = {r[1]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["发改委"][-1] == "fgw"  # the short name ledger.yaml gives
    assert ws.print_area.endswith(f"$K${ws.max_row}")  # the code column is not printed
    assert_prints_one_page_wide(wb["计分方法"], "$1:$1")


@needs_libreoffice
def test_libreoffice_prints_the_export_one_page_wide(exported, scores, tmp_path):
    wb = load_workbook(exported, read_only=True)
    sheets = len(wb.sheetnames)
    wb.close()
    ledger_pdf, scores_pdf = to_pdf([exported, scores], tmp_path)
    pages = pdf_pages(ledger_pdf)
    assert all(is_a4(p, landscape=True) for p in pages), pages
    # One page wide: each sheet of 1–10 items on one page, the events on a few. Before, 79 pages.
    assert sheets <= len(pages) <= sheets + 4
    score_pages = pdf_pages(scores_pdf)
    assert len(score_pages) == 2 and all(is_a4(p, landscape=True) for p in score_pages)  # scores, weights
