"""The Word 落实情况 report of one decision, as an office prints it (walk-through of issue 17)."""
from __future__ import annotations

from docx import Document
from docx.oxml.ns import qn

from .conftest import REPO


def test_the_task_column_is_the_widest_and_units_go_by_short_name(tmp_path, cli):
    out = tmp_path / "落实情况.docx"
    status, _, _ = cli("report", "source", "2025-gzbg", "--ledger", str(REPO), "--as-of", "2025-12-31",
                       "--format", "docx", "--out", str(out))
    assert status == 0
    table = Document(str(out)).tables[0]
    headers = [c.text for c in table.rows[0].cells]
    widths = dict(zip(headers, (int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol")))))
    # The task is what a reader reads: it was squeezed to ~6 characters a line, narrower than the id.
    assert widths["事项"] == max(widths.values()) and widths["事项"] > 1.4 * widths["编号"]
    assert [r.cells[2].text for r in table.rows[1:]] == ["经信局"]  # 市经济和信息化局 wrapped over three lines
