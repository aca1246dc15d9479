"""Create item files: the next free id, the rules' deadline, a checked file.

Used by `ducha new` and the Excel import. The text is written the way the
demo items are (schema modeline, keys in the model's order, one-line
events), checked like any item before it is saved. The file is created
exclusively: when another run took the id meanwhile, the next free one is
used, and no existing file is ever overwritten.
"""
from __future__ import annotations

import re
from pathlib import Path

from . import rules
from .calendar import WorkingCalendar
from .edit import EditRefused, create_exclusive, event_line, yaml_scalar
from .evaluate import item_deadline
from .findings import Finding
from .ledger import parse_item_bytes
from .model import ITEM_FIELDS, Item, LedgerConfig, id_from_file

MODELINE = "# yaml-language-server: $schema={schema}"


def next_id(existing: list[str], year: int) -> str:
    """`YYYY-NNNN`, one more than the highest number used in that year.

    Only ASCII digits count, and the whole id must match: `2025-００１２` or
    an id with a trailing newline is not a number of that year.
    """
    pattern = re.compile(rf"{year}-([0-9]+)")
    numbers = [int(m.group(1)) for i in existing if (m := pattern.fullmatch(i))]
    return f"{year}-{max(numbers, default=0) + 1:04d}"


def item_text(values: dict, schema: str = "../../schema/item.schema.json") -> str:
    """An item file: modeline, then keys in the model's order."""
    lines = [MODELINE.format(schema=schema)]
    for key, spec in ITEM_FIELDS.items():
        value = values.get(key)
        if value is None or value == [] or (key in ("verify", "follow_up") and value is False):
            continue
        if key == "events":
            lines.append("events:")
            lines += [f"  - {event_line(e)}" for e in value]
        elif key == "co_units":
            lines.append(f"co_units: [{', '.join(value)}]")
        elif spec.kind == "text" and "\n" in str(value):
            # A block scalar; "|-" when the text has no final line break.
            lines.append(f"{key}: {'|' if str(value).endswith(chr(10)) else '|-'}")
            lines += [f"  {line}" if line else "" for line in str(value).rstrip("\n").split("\n")]
        else:
            lines.append(f"{key}: {yaml_scalar(value)}")
    return "\n".join(lines) + "\n"


def check_item(text: str, rel: str, config: LedgerConfig, calendar: WorkingCalendar,
               other_files: list[str]) -> tuple[Item | None, list[Finding]]:
    """Parse `text` as the file `rel` and run the data rules on it (errors only)."""
    item, findings = parse_item_bytes(text.encode("utf-8"), rel)
    if item is not None:
        # Only the data rules run (NEEDS_AS_OF is False): they never read the date, so the
        # item's own date stands in for "today" and the clock is not read here.
        ctx = rules.Context(item.assigned, config, calendar, [item], [*other_files, rel])
        for rule in rules.RULES.values():
            if rule.NEEDS_AS_OF:
                continue
            if rule.SCOPE == "item":
                findings += list(rule.check(item, None, ctx))
            else:
                findings += [f for f in rule.check(ctx) if f.file == rel]
    return item, [f for f in findings if f.severity == "error"]


def create_item(root: Path, config: LedgerConfig, files: list[str], values: dict) -> tuple[Path, Item, object]:
    """Write a new item from `values` (id allocated when missing); return (path, item, deadline).

    Raises EditRefused with the findings when the item would be invalid,
    or when a given id is taken; nothing is written then. An allocated id
    found taken when the file is created (another run was faster) is
    skipped for the next free one.
    """
    assigned = values["assigned"]
    existing = [id_from_file(f) for f in files]
    given = values.get("id")
    calendar = WorkingCalendar.for_ledger(config)
    for _ in range(MAX_ID_TRIES):
        values = {**values, "id": given or next_id(existing, assigned.year)}
        rel = f"items/{assigned.year}/{values['id']}.yaml"
        if rel in files or values["id"] in existing:
            raise EditRefused(f"编号 {values['id']} 已被使用。")
        text = item_text(values)
        item, errors = check_item(text, rel, config, calendar, files)
        if item is None or errors:
            raise EditRefused("事项不能通过校验，未保存。", errors)
        path = root / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            create_exclusive(path, text.encode("utf-8"))
        except FileExistsError:
            if given:
                raise EditRefused(f"编号 {given} 已被使用（{rel} 已存在），未保存。") from None
            existing += [values["id"], *_ids_on_disk(root)]
            continue
        except OSError as e:
            raise EditRefused(f"无法写入 {rel}：{e.strerror}。") from None
        return path, item, item_deadline(item, calendar)
    raise EditRefused(f"连续 {MAX_ID_TRIES} 个编号都已被占用，未保存。请稍后重试。")


MAX_ID_TRIES = 1000


def _ids_on_disk(root: Path) -> list[str]:
    """Ids of the item files now on disk (other runs may have added some)."""
    return [id_from_file(p.name) for p in (root / "items").rglob("*.yaml")]
