"""The roll-up's fast check of ducha's own items.json schema gives jsonschema's verdicts."""
from __future__ import annotations

import copy
import json

import pytest

from ducha.rollup import verify
from ducha.rollup.opendata import open_data
from ducha.site import files

from ..conftest import item_yaml, write_ledger
from .conftest import AS_OF


@pytest.fixture(scope="module")
def payload(tmp_path_factory):
    root = write_ledger(tmp_path_factory.mktemp("city"), {
        "items/2025/2025-0001.yaml": item_yaml("2025-0001", extra="public: true\n",
                                               events=["date: 2025-03-01, type: progress, text: 已开工"]),
        "items/2025/2025-0002.yaml": item_yaml("2025-0002", extra="public: true\nsource: 常务会议\n")})
    return json.loads(open_data(root, AS_OF, use_cache=False).items_json)


EDITS = [
    lambda p: None,
    lambda p: p["items"][0].update(days_overdue="x"),
    lambda p: p["items"][0].update(days_overdue=-1),
    lambda p: p["items"][0].update(overdue=1),
    lambda p: p["items"][0].update(state="done"),
    lambda p: p["items"][0].update(deadline="2025/01/01"),
    lambda p: p["items"][0].update(completed_on=None),
    lambda p: p["items"][0].update(source=3),
    lambda p: p["items"][0].update(extra="x"),
    lambda p: p["items"][0].pop("title"),
    lambda p: p["items"][0].update(title=""),
    lambda p: p["items"][0].update(id="../x"),
    lambda p: p["items"][0].update(co_units=[1]),
    lambda p: p["items"][0]["events"].append({"date": "2025-01-01", "type": "x"}),
    lambda p: p["items"][0]["events"][0].update(secret="x"),
    lambda p: p.pop("as_of"),
    lambda p: p.update(items={}),
    lambda p: p["items"].append("x"),
]


@pytest.mark.parametrize("n", range(len(EDITS)))
def test_fast_check_agrees_with_jsonschema(payload, n):
    edited = copy.deepcopy(payload)
    EDITS[n](edited)
    schema = json.loads(files.items_schema())
    assert bool(verify.check_own_schema(edited)) == bool(verify.check_with_jsonschema(edited, schema))
