"""JSON Schemas for item files and `ledger.yaml`, generated from `model`.

Editors (VS Code with the YAML extension) use them to complete keys and
explain them on hover; `ducha validate` stays the authority, since a
schema cannot see other files (unknown units, duplicate ids) or dates.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import fields
from .model import (
    ASSESSMENT_KEYS,
    ASSESSMENT_WEIGHT,
    AUDIT_FIELDS,
    CALENDAR_FIELDS,
    COMMON_EVENT_KEYS,
    EVENT_FIELDS,
    EVENT_TYPE_FIELDS,
    EVENT_TYPES,
    ID_PATTERN,
    INSPECTION_FIELDS,
    ITEM_FIELDS,
    LEADER_FIELDS,
    LEDGER_FIELDS,
    PERSON_FIELDS,
    PRIVACY_FIELDS,
    SIGNAL_FIELDS,
    SIGNAL_LIMITS,
    SOURCE_FIELDS,
    UNIT_FIELDS,
    UNIT_ID_PATTERN,
    FieldSpec,
    LedgerConfig,
)

DRAFT = "http://json-schema.org/draft-07/schema#"
DATE = fields.DATE  # the date pattern, kept here for the tests that compare it with `ducha validate`


def _field(spec: FieldSpec, unit_ids: list[str]) -> dict:
    return fields.schema_of(spec, unit_ids)


def _event_schema(unit_ids: list[str]) -> dict:
    variants = []
    for etype, (required, optional) in EVENT_TYPE_FIELDS.items():
        keys = COMMON_EVENT_KEYS + required + optional
        props = {k: _field(EVENT_FIELDS[k], unit_ids) for k in keys}
        props["type"] = {"const": etype, "title": "记录类型", "description": EVENT_TYPES[etype]}
        variants.append({
            "title": f"{EVENT_TYPES[etype]}（{etype}）",
            "if": {"properties": {"type": {"const": etype}}, "required": ["type"]},
            "then": {"properties": props, "required": ["date", "type", *required], "additionalProperties": False},
        })
    type_field = _field(EVENT_FIELDS["type"], unit_ids)
    type_field["markdownEnumDescriptions"] = list(EVENT_TYPES.values())
    return {
        "type": "object",
        "title": "办理记录",
        "description": "一条办理记录：date、type，以及该类型需要的键。",
        "properties": {"date": _field(EVENT_FIELDS["date"], unit_ids), "type": type_field},
        "required": ["date", "type"],
        "allOf": variants,
    }


def item_schema(unit_ids: list[str]) -> dict:
    """The schema of `items/**/<id>.yaml`, with `unit_ids` as the unit enum."""
    props = {}
    for name, spec in ITEM_FIELDS.items():
        if spec.kind == "events":
            props[name] = {"title": spec.title, "description": spec.help, "type": "array",
                           "items": {"$ref": "#/definitions/event"}}
        else:
            props[name] = _field(spec, unit_ids)
    props["id"]["pattern"] = ID_PATTERN
    props["source_id"]["pattern"] = ID_PATTERN
    return {
        "$schema": DRAFT,
        "$id": "https://ducha.example/schema/item.schema.json",
        "title": "督查事项",
        "description": "一个督查事项，一个文件（items/<年份>/<编号>.yaml）。",
        "type": "object",
        "properties": props,
        "required": [n for n, s in ITEM_FIELDS.items() if s.required],
        "additionalProperties": False,
        "definitions": {"event": _event_schema(unit_ids)},
    }


def _record(fields: dict[str, FieldSpec], title: str, unit_ids: list[str]) -> dict:
    return {
        "type": "object",
        "title": title,
        "properties": {n: _field(s, unit_ids) for n, s in fields.items()},
        "required": [n for n, s in fields.items() if s.required],
        "additionalProperties": False,
    }


def ledger_schema(unit_ids: list[str]) -> dict:
    """The schema of `ledger.yaml`."""
    unit = _record(UNIT_FIELDS, "单位", [])
    unit["properties"]["id"]["pattern"] = UNIT_ID_PATTERN
    props = {
        "format": {**_field(LEDGER_FIELDS["format"], unit_ids), "minimum": 1},
        "min_ducha": {**_field(LEDGER_FIELDS["min_ducha"], unit_ids), "pattern": r"^[0-9]+(\.[0-9]+){0,3}$"},
        "name": _field(LEDGER_FIELDS["name"], unit_ids),
        "units": {"type": "array", "title": LEDGER_FIELDS["units"].title,
                  "description": LEDGER_FIELDS["units"].help, "items": unit},
        "people": {"type": "array", "title": LEDGER_FIELDS["people"].title,
                   "description": LEDGER_FIELDS["people"].help, "items": _record(PERSON_FIELDS, "人员", unit_ids)},
        "calendar": {**_record(CALENDAR_FIELDS, LEDGER_FIELDS["calendar"].title, unit_ids),
                     "description": LEDGER_FIELDS["calendar"].help},
        "audit": {**_record(AUDIT_FIELDS, LEDGER_FIELDS["audit"].title, unit_ids),
                  "description": LEDGER_FIELDS["audit"].help},
        "leaders": {"type": "array", "title": LEDGER_FIELDS["leaders"].title,
                    "description": LEDGER_FIELDS["leaders"].help, "items": _record(LEADER_FIELDS, "领导", [])},
        "assessment": {"type": "object", "title": LEDGER_FIELDS["assessment"].title,
                       "description": LEDGER_FIELDS["assessment"].help,
                       "properties": {k: {"type": "number", "minimum": ASSESSMENT_WEIGHT.minimum,
                                          "maximum": ASSESSMENT_WEIGHT.maximum} for k in ASSESSMENT_KEYS},
                       "additionalProperties": False},
        "follow_up_months": _field(LEDGER_FIELDS["follow_up_months"], unit_ids),
        "inspections_from": _field(LEDGER_FIELDS["inspections_from"], unit_ids),
        "privacy": {**_record(PRIVACY_FIELDS, LEDGER_FIELDS["privacy"].title, unit_ids),
                    "description": LEDGER_FIELDS["privacy"].help},
        "signals": _signals_schema(unit_ids),
    }
    return {
        "$schema": DRAFT,
        "$id": "https://ducha.example/schema/ledger.schema.json",
        "title": "督查台账设置",
        "description": "ledger.yaml：单位、人员、日历修正和审计设置。",
        "type": "object",
        "properties": props,
        "required": ["units"],
        "additionalProperties": False,
    }


def _signals_schema(unit_ids: list[str]) -> dict:
    schema = {**_record(SIGNAL_FIELDS, LEDGER_FIELDS["signals"].title, unit_ids),
              "description": LEDGER_FIELDS["signals"].help}
    for key, (low, high) in SIGNAL_LIMITS.items():
        schema["properties"][key].update(minimum=low, maximum=high)
    return schema


def inspection_schema() -> dict:
    """The schema of `inspections/*.yaml`."""
    return {
        "$schema": DRAFT,
        "$id": "https://ducha.example/schema/inspection.schema.json",
        **_record(INSPECTION_FIELDS, "领导带队督查记录", []),
        "description": "一次领导带队督查：领导、日期、地点、涉及事项、发现的问题。",
    }


def source_schema() -> dict:
    """The schema of `sources/<id>.yaml` (issue 17)."""
    record = _record(SOURCE_FIELDS, "决策部署", [])
    record["properties"]["id"]["pattern"] = ID_PATTERN
    return {
        "$schema": DRAFT,
        "$id": "https://ducha.example/schema/source.schema.json",
        **record,
        "description": "一项决策部署（会议、文件、政府工作报告等），一个文件（sources/<编号>.yaml）；"
                       "分解出的事项用 source_id 写它的编号。",
    }


def write_schemas(config: LedgerConfig, out_dir: Path) -> list[Path]:
    """Write both schemas into `out_dir`; return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    unit_ids = sorted(config.units)
    written = []
    for name, schema in (("item.schema.json", item_schema(unit_ids)), ("ledger.schema.json", ledger_schema(unit_ids)),
                         ("inspection.schema.json", inspection_schema()), ("source.schema.json", source_schema())):
        path = out_dir / name
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
