"""All of a file's problems in one pass, even when the item cannot be read whole.

An item whose required fields cannot all be read (a category written as
领导批示, a lead unit written as 住建局) is not an item: the rules, the
site and the reports never see it. But its other problems — a missing
deadline, an unknown co-unit, a phone number in a public text — should not
wait until the first problem is fixed. So such a file is read once more
into a *probe*: the fields that could be read, with neutral stand-ins for
the ones that could not, and the date-free item rules run on it. A rule
whose verdict would rest on a stand-in is not run (or its finding is
dropped); nothing about the probe goes anywhere but into findings.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

from . import loader
from .findings import Finding
from .model import ID_CHARS, MIN_YEAR, Item, id_from_file
from .validate import read_item

_STAND_INS = {
    "title": "",
    "category": "central_work",  # no default period, no hard limit: decides nothing on its own
}
# Rules whose finding would rest on a field that is a stand-in.
_RESTS_ON = {
    "id": {"id_mismatch"},
    "category": {"missing_deadline", "deadline_beyond_limit"},
    "assigned": {"deadline_beyond_limit"},
    "lead_unit": set(),  # handled below: only a unit written as text is checked
}


@dataclasses.dataclass
class Probe:
    item: Item
    stand_ins: frozenset[str]  # fields that hold a stand-in, not the file's value
    unit_text: dict[str, str]  # a unit field written as text that is not a code (住建局)


def probe(data: bytes, rel: str) -> Probe | None:
    """The probe of an item file that does not read as an item (None when it cannot be read at all)."""
    tree, _ = loader.load_bytes(data, rel)
    if tree is None:
        return None
    read = read_item(tree, rel)
    if read is None or read.complete or not read.lines:
        return None
    values = dict(read.values)
    stand_ins = set(read.failed)
    stem = id_from_file(rel)
    for key in read.failed:
        if key == "id":
            values["id"] = stem if re.fullmatch(ID_CHARS, stem) else "item"
        elif key == "assigned":
            values["assigned"] = values.get("deadline") or dt.date(MIN_YEAR, 1, 1)
        elif key == "lead_unit":
            values["lead_unit"] = read.raw.get("lead_unit", "")
        elif key == "category" and "category" in read.raw:  # written as a name: its code decides the same
            from .names import category_choices, resolve

            values["category"] = resolve(read.raw["category"], category_choices(), "类别")
            stand_ins.discard("category")
        else:
            values[key] = _STAND_INS[key]
    item = Item(file=rel, lines=read.lines, **values)
    return Probe(item, frozenset(stand_ins), {k: v for k, v in read.raw.items() if k == "lead_unit"})


def check(probes: list[Probe], ctx, rules) -> tuple[list[Finding], set[tuple[str, int]]]:
    """Findings of the date-free item `rules` on `probes`, and the (file, line)s of the
    `invalid_field` findings they replace (a unit written as text: `unknown_unit` names the code)."""
    found: list[Finding] = []
    replaced: set[tuple[str, int]] = set()
    some_unit = next(iter(ctx.config.units), "")
    for p in probes:
        item = p.item
        if "lead_unit" in p.stand_ins and "lead_unit" not in p.unit_text:
            item = dataclasses.replace(item, lead_unit=some_unit)  # missing: already reported, decides nothing
        skip = set().union(*(_RESTS_ON.get(k, set()) for k in p.stand_ins))
        for rule in rules:
            if rule.CODE in skip:
                continue
            for f in rule.check(item, None, ctx):
                if "id" in p.stand_ins:
                    f = dataclasses.replace(f, item=None)
                found.append(f)
                if rule.CODE == "unknown_unit" and p.unit_text.get("lead_unit") and f.line == item.line_of("lead_unit"):
                    replaced.add((item.file, f.line))
    return found, replaced
