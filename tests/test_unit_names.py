"""Units by the names people use (issue 14): `short` and `aliases` in ledger.yaml."""
from ducha.ledger import scan_ledger

from .conftest import write_ledger

LEDGER = """\
name: 测试台账
units:
  - {id: duchashi, name: 市政府督查室, role: office}
  - {id: zjj, name: 市住房和城乡建设局, short: 住建局, aliases: [市住建局, 住建委]}
  - {id: cgj, name: 市城市管理局, short: 城管局, aliases: 城管}
"""


def test_aliases_are_read_and_a_malformed_one_is_named(tmp_path):
    scan = scan_ledger(write_ledger(tmp_path, {}, LEDGER))
    zjj = scan.config.units["zjj"]
    assert zjj.short == "住建局" and zjj.aliases == ("市住建局", "住建委")
    # A single name instead of a list: a finding on its line; the unit itself is kept.
    wrong = [f for f in scan.findings if f.file == "ledger.yaml" and f.line == 5]
    assert wrong and "别名" in wrong[0].message and "列表" in wrong[0].message, [f.message for f in scan.findings]
    assert "cgj" in scan.config.units and scan.config.units["cgj"].aliases == ()
