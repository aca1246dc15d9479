"""JSON Schemas for editors: generated from the model, committed, and true to the demo ledger."""
import datetime as dt
import json

import jsonschema
import pytest
import yaml

from ducha.ledger import load_config
from ducha.schema import write_schemas

from .conftest import REPO

DEMO_ITEMS = sorted((REPO / "items").rglob("*.yaml"))


def _as_editor_sees(value):
    # Editors read YAML 1.2: a date is a string there.
    if isinstance(value, dict):
        return {k: _as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_editor_sees(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _schema(name):
    return json.loads((REPO / "schema" / name).read_text(encoding="utf-8"))


def test_committed_schemas_are_up_to_date(tmp_path):
    config, _ = load_config(REPO)
    for path in write_schemas(config, tmp_path):
        committed = REPO / "schema" / path.name
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), \
            f"schema/{path.name} is stale: run `ducha schema`"


def test_schemas_are_valid_and_chinese():
    item = _schema("item.schema.json")
    jsonschema.Draft7Validator.check_schema(item)
    jsonschema.Draft7Validator.check_schema(_schema("ledger.schema.json"))
    assert item["properties"]["deadline"]["title"] == "办结期限"
    assert "zjj" in item["properties"]["lead_unit"]["enum"]
    assert "work_report" in item["properties"]["category"]["enum"]


@pytest.mark.parametrize("path", DEMO_ITEMS, ids=lambda p: p.name)
def test_demo_items_follow_the_schema_and_carry_the_modeline(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/item.schema.json\n")
    jsonschema.validate(_as_editor_sees(yaml.safe_load(text)), _schema("item.schema.json"))


def test_demo_ledger_follows_the_schema():
    data = _as_editor_sees(yaml.safe_load((REPO / "ledger.yaml").read_text(encoding="utf-8")))
    jsonschema.validate(data, _schema("ledger.schema.json"))


@pytest.mark.parametrize("patch", [
    {"deadlin": "2025-01-01"},
    {"category": "work_reports"},
    {"lead_unit": "nobody"},
    {"events": [{"date": "2025-01-01", "type": "urge", "result": "pass"}]},
    {"events": [{"date": "2025-01-01", "type": "extension"}]},
])
def test_schema_rejects_what_validate_rejects(patch):
    item = _as_editor_sees(yaml.safe_load(DEMO_ITEMS[0].read_text(encoding="utf-8")))
    item.update(patch)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(item, _schema("item.schema.json"))


def test_schema_dates_take_the_years_validation_takes():
    import re

    from ducha.model import MAX_YEAR, MIN_YEAR
    from ducha.schema import DATE

    for year, ok in ((MIN_YEAR - 1, False), (MIN_YEAR, True), (MAX_YEAR, True), (MAX_YEAR + 1, False)):
        assert bool(re.search(DATE["pattern"], f"{year}-01-01")) is ok, year
