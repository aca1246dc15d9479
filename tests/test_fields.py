"""One declaration per field kind (generator/fields.py) and the domain predicates next to the model (issue 12)."""
from __future__ import annotations

import datetime as dt

import pytest

from ducha import fields, model, validate
from ducha.cli import main

ALL_FIELDS = [model.ASSESSMENT_WEIGHT] + [
    spec for name in dir(model) if name.endswith("_FIELDS") and isinstance(getattr(model, name), dict)
    for spec in getattr(model, name).values() if isinstance(spec, model.FieldSpec)]


def test_every_field_kind_is_declared():
    assert len(ALL_FIELDS) > 50
    undeclared = [f"{s.name}: {s.kind}" for s in ALL_FIELDS if s.kind not in set(fields.KINDS) | fields.STRUCTURE_KINDS]
    assert not undeclared


def test_every_ledger_section_has_a_reader():
    sections = {n for n, s in model.LEDGER_FIELDS.items() if s.kind in fields.STRUCTURE_KINDS}
    assert sections - validate.READ_BY_LEDGER_FORMAT == set(validate.LEDGER_SECTIONS)
    # A value key goes into the LedgerConfig attribute of its name.
    values = set(model.LEDGER_FIELDS) - sections - validate.READ_BY_LEDGER_FORMAT
    assert all(hasattr(model.LedgerConfig(), key) for key in values)


def test_event_options_take_their_choices_from_the_model(cli, tmp_path):
    """`ducha circular --kind` offers the model's kinds; `ducha event TYPE` the model's event types."""
    params = {p.name: p for p in main.commands["circular"].params}
    assert list(params["kind"].type.choices) == list(model.EVENT_FIELDS["kind"].choices)
    etype = {p.name: p for p in main.commands["event"].params}["etype"]
    assert list(etype.type.choices) == list(model.EVENT_TYPES)
    code, _, err = cli("circular", "2025-0001", "--ledger", str(tmp_path), "--kind", "praised")
    assert code == 2 and "criticism" in err and "praise" in err


def test_excel_cell_and_yaml_agree_on_a_date():
    spec = model.ITEM_FIELDS["assigned"]
    assert fields.from_cell("2025/3/5", spec) == dt.date(2025, 3, 5)
    assert fields.suggest_date("2025年3月5日") == "2025-03-05"
    with pytest.raises(ValueError, match="不是日期"):
        fields.from_cell("下周", spec)


@pytest.mark.parametrize("cell", ["6月底", "长期坚持"])
def test_a_cell_that_is_no_date_is_told_the_forms_it_may_take(cell):
    """A task table's deadline column as offices fill it: the message lists the accepted forms and asks for a real date."""
    with pytest.raises(ValueError) as err:
        fields.from_cell(cell, model.ITEM_FIELDS["deadline"])
    assert all(s in str(err.value) for s in (f"“{cell}”不是日期", "2025/3/5", "2025年3月5日", "写出具体日期"))


def _event(**kw) -> model.Event:
    return model.Event(date=kw.pop("date", dt.date(2025, 3, 1)), type=kw.pop("type", "circular"), line=1, **kw)


def test_a_circular_criticises_unless_it_praises():
    assert model.is_criticism(_event()) and not model.is_praise(_event())
    assert model.is_criticism(_event(kind="criticism"))
    assert model.is_praise(_event(kind="praise")) and not model.is_criticism(_event(kind="praise"))
    assert not model.is_criticism(_event(type="urge")) and not model.is_praise(_event(type="urge"))


def test_events_in_a_period_include_both_ends():
    days = [dt.date(2025, 2, 28), dt.date(2025, 3, 1), dt.date(2025, 3, 31), dt.date(2025, 4, 1)]
    events = [_event(date=d) for d in days]
    assert [e.date for e in model.events_in(events, dt.date(2025, 3, 1), dt.date(2025, 3, 31))] == days[1:3]


def test_item_id_from_file_name():
    assert model.id_from_file("items/2025/2025-0042.yaml") == "2025-0042"
    assert model.id_from_file("2025-0042.yaml") == "2025-0042"
