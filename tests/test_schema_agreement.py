"""The editor's JSON Schema and `ducha validate` give the same verdict on every item (issue 18, point 6).

A corpus of item files, most of them broken one way, goes to both: to
`ducha validate` (an error finding for the file rejects it) and to the
item schema with `jsonschema`, the file read as the editor reads it (YAML
1.2 core schema: `05585551234` is an integer there, `2025-03-05` a string).
Each verdict must agree. What the schema cannot see (other files, the
item's file name) is left out of the corpus: see `ducha.schema`.
"""
from __future__ import annotations

import re
import textwrap

import jsonschema
import pytest
import yaml

from ducha.commands.check import validate
from ducha.schema import item_schema

from .conftest import LEDGER_YAML, D, write_ledger

UNITS = ["duchashi", "fgw", "qcq", "zjj"]  # conftest.LEDGER_YAML's units

BASE = """\
title: 完成城区老旧小区改造120个
category: work_report
assigned: 2025-02-20
lead_unit: zjj
"""

# name -> the lines after `id:` (BASE unless the entry writes its own), and the events, if any.
CORPUS: dict[str, str] = {
    "valid": BASE,
    "valid_full": BASE + textwrap.dedent("""\
        source: 市政府第12次常务会议
        description: |
          第一段
          第二段
        co_units: [qcq, fgw]
        deadline: 2025-10-31
        verify: true
        follow_up: false
        public: true
        contact: '0558-5551234'
        note: 内部
        requester: 网友
        events:
          - {date: 2025-03-01, type: progress, text: 已开工}
          - {date: 2025-03-02, type: urge, text: 请加快}
          - {date: 2025-03-03, type: extension, new_deadline: 2025-12-31, text: 申请延期, approved: true}
          - {date: 2025-03-04, type: circular, level: 1, text: 通报}
          - {date: 2025-03-05, type: completed, text: 已完成}
          - {date: 2025-03-06, type: verified, result: pass, text: 属实}
        """),
    "valid_quoted_date": BASE.replace("2025-02-20", "'2025-02-20'"),
    "valid_empty_optional": BASE + "deadline:\nsource:\n",
    "missing_title": BASE.replace("title: 完成城区老旧小区改造120个\n", ""),
    "missing_category": BASE.replace("category: work_report\n", ""),
    "missing_assigned": BASE.replace("assigned: 2025-02-20\n", ""),
    "missing_lead": BASE.replace("lead_unit: zjj\n", ""),
    "empty_title": BASE.replace("完成城区老旧小区改造120个", "''"),
    "null_title": BASE.replace(" 完成城区老旧小区改造120个", ""),
    "unknown_key": BASE + "deadlin: 2025-10-31\n",
    "bad_category": BASE.replace("work_report", "work_reports"),
    "category_in_chinese": BASE.replace("work_report", "领导批示件和交办事项"),
    "unknown_lead_unit": BASE.replace("lead_unit: zjj", "lead_unit: nobody"),
    "lead_unit_uppercase": BASE.replace("lead_unit: zjj", "lead_unit: ZJJ"),
    "lead_unit_list": BASE.replace("lead_unit: zjj", "lead_unit: [zjj]"),
    "co_units_duplicate": BASE + "co_units: [qcq, qcq]\n",
    "co_units_unknown": BASE + "co_units: [nobody]\n",
    "co_units_text": BASE + "co_units: qcq\n",
    "date_slashes": BASE.replace("2025-02-20", "2025/02/20"),
    "date_year_1999": BASE.replace("2025-02-20", "1999-02-20"),
    "date_year_2101": BASE.replace("2025-02-20", "2101-02-20"),
    "date_month_13": BASE.replace("2025-02-20", "2025-13-20"),
    "date_february_30": BASE.replace("2025-02-20", "2025-02-30"),
    "date_in_a_list": BASE + "deadline: [2025-10-31]\n",
    "date_fullwidth": BASE.replace("2025-02-20", "２０２５-02-20"),
    "deadline_number": BASE + "deadline: 20251031\n",
    "bool_yes": BASE + "public: yes\n",
    "bool_chinese": BASE + "public: 是\n",
    "bool_quoted": BASE + "public: 'true'\n",
    "bool_number": BASE + "public: 1\n",
    "contact_integer_yaml12": BASE + "contact: 05585551234\n",
    "contact_plain_number": BASE + "contact: 5551234\n",
    "contact_octal_yaml11": BASE + "contact: 0123\n",
    "contact_exponent": BASE + "source: 12e3\n",
    "contact_quoted": BASE + "contact: '05585551234'\n",
    "source_multiline": BASE + 'source: "第一行\\n第二行"\n',
    "source_list": BASE + "source: [a, b]\n",
    "title_number": BASE.replace("完成城区老旧小区改造120个", "120"),
    "title_null_word": BASE.replace("完成城区老旧小区改造120个", "null"),
    "events_not_list": BASE + "events: {date: 2025-03-01, type: progress}\n",
    "event_unknown_type": BASE + "events:\n  - {date: 2025-03-01, type: progres, text: x}\n",
    "event_missing_date": BASE + "events:\n  - {type: progress, text: x}\n",
    "event_bad_date": BASE + "events:\n  - {date: 2025-3-1, type: progress, text: x}\n",
    "event_wrong_key": BASE + "events:\n  - {date: 2025-03-01, type: urge, text: x, result: pass}\n",
    "event_extension_without_deadline": BASE + "events:\n  - {date: 2025-03-01, type: extension, text: x}\n",
    "event_circular_level_9": BASE + "events:\n  - {date: 2025-03-01, type: circular, level: 9, text: x}\n",
    "event_verified_bad_result": BASE + "events:\n  - {date: 2025-03-01, type: verified, result: ok}\n",
    "event_scalar": BASE + "events:\n  - progress\n",
    "event_by_unknown_unit": BASE + "events:\n  - {date: 2025-03-01, type: progress, text: x, unit: nobody}\n",
    "whole_file_list": "- a\n- b\n",
    "title_quoted_no": BASE.replace("完成城区老旧小区改造120个", "'no'"),
    "id_bad_chars": None,  # the id itself is broken: written below
}


# The one kind of input where the two cannot agree: a plain scalar that YAML 1.1
# (PyYAML and the tools built on it) reads as a boolean or number and YAML 1.2
# (the editor) as text. The schema sees only the editor's value, the same as the
# quoted text ducha accepts; ducha sees the quoting and asks for quotes, since
# the file would mean different things to different tools.
YAML_11_TRAPS: dict[str, str] = {
    "title_plain_no": BASE.replace("完成城区老旧小区改造120个", "no"),
    "source_plain_on": BASE + "source: on\n",
    "source_sexagesimal": BASE + "source: 12:30\n",
    "source_underscore_number": BASE + "source: 1_000\n",
}
CORPUS.update(YAML_11_TRAPS)


def _file(name: str) -> tuple[str, str]:
    """(item id, file text) of a corpus entry."""
    ident = "2025-" + str(list(CORPUS).index(name) + 1).zfill(4)
    if name == "id_bad_chars":
        return ident, f"id: '{ident} x'\n" + BASE
    body = CORPUS[name]
    return ident, body if name == "whole_file_list" else f"id: {ident}\n{body}"


class Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 core schema, as editors (the YAML language server) read it: no 1.1 timestamps, octals or yes/no."""


Yaml12Loader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$",
     list("-+0123456789.")),
]:
    Yaml12Loader.add_implicit_resolver(tag, re.compile(pattern), first)


def _int12(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text)


Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _int12)


def test_the_yaml_12_reader_reads_as_editors_do():
    assert yaml.load("a: 05585551234\nb: 2025-03-05\nc: yes\nd: 0o17\ne: 1e3", Loader=Yaml12Loader) == \
        {"a": 5585551234, "b": "2025-03-05", "c": "yes", "d": 15, "e": 1000.0}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    """name -> (ducha accepts, the schema accepts, what each said)."""
    items = {}
    for name in CORPUS:
        ident, text = _file(name)
        items[f"items/2025/{ident}.yaml"] = text
    root = write_ledger(tmp_path_factory.mktemp("corpus"), items, LEDGER_YAML)
    findings = validate(root, None, D("2025-06-01"), use_cache=False).report.findings
    # Formats checked as check-jsonschema checks them (`format: date`: a day that exists).
    schema = jsonschema.Draft7Validator(item_schema(UNITS), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    out = {}
    for name in CORPUS:
        ident, text = _file(name)
        rel = f"items/2025/{ident}.yaml"
        errors = [f"{f.code}: {f.message}" for f in findings if f.file == rel and f.severity == "error"]
        problems = [e.message for e in schema.iter_errors(yaml.load(text, Loader=Yaml12Loader))]
        out[name] = (not errors, not problems, errors, problems)
    return out


@pytest.mark.parametrize("name", [n for n in CORPUS if n not in YAML_11_TRAPS])
def test_schema_and_validate_agree(verdicts, name):
    ducha_ok, schema_ok, errors, problems = verdicts[name]
    assert ducha_ok == schema_ok, f"ducha: {errors or '接受'}; schema: {problems or 'accepts'}"


def test_the_corpus_has_both_verdicts(verdicts):
    accepted = {n for n, v in verdicts.items() if v[0]}
    assert {"valid", "valid_full", "valid_quoted_date", "contact_quoted"} <= accepted
    assert len(accepted) < len(CORPUS) / 3


@pytest.mark.parametrize("name", list(YAML_11_TRAPS))
def test_yaml_11_traps_are_asked_to_be_quoted(verdicts, name):
    ducha_ok, schema_ok, errors, _ = verdicts[name]
    assert not ducha_ok and schema_ok
    assert len(errors) == 1 and "YAML 1.1" in errors[0] and "请加引号" in errors[0]


@pytest.mark.parametrize("text", ["05585551234", "0558", "1e3", "0o17", "12345"])
def test_what_ducha_writes_reads_the_same_in_both_yaml_versions(text):
    """`ducha new`/`edit`/`import-xlsx` quote a text that YAML 1.2 would read as a number, so their files validate."""
    from ducha.edit import yaml_scalar

    from .conftest import item_yaml, parse

    written = yaml_scalar(text)
    assert yaml.load(f"k: {written}", Loader=Yaml12Loader) == {"k": text} == yaml.safe_load(f"k: {written}")
    item, findings = parse(item_yaml(extra=f"contact: {written}\n"))
    assert findings == [] and item.contact == text
