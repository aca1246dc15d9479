from ..conftest import findings_of, item_yaml


def test_unknown_lead_and_co_units_suggest_the_closest(check_ledger):
    text = item_yaml(lead="zj", extra="co_units: [qcq, fgwx]\n")
    result = check_ledger({"items/2025/2025-0042.yaml": text}, "2025-03-01")
    found = findings_of(result, "unknown_unit")
    assert [(f.line, f.severity) for f in found] == [(5, "error"), (6, "error")]
    assert "主办单位 zj" in found[0].message and "zjj（市住房和城乡建设局）" in found[0].message
    assert "fgw（市发展和改革委员会）" in found[1].message
    # The item is still evaluated.
    assert [i.id for i, _ in result.items] == ["2025-0042"]
