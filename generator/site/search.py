"""The sites' search: ducha's own index of items, searched by `assets/ducha-search.js`.

Material for MkDocs' search (Lunr) splits a Chinese query into the words
its index happens to hold and joins them with OR: "市住房和城乡建设局"
becomes 市 OR 住房 OR ... and matches every item on 市, while 住建局 or
城管, the names people use, match nothing. ducha replaces the theme's
search worker (the theme's documented extension point: a worker speaking
the same messages) with one that searches this index:

- an item is found by its title, its number, its lead and co-units under
  any of their names (full name, 简称, aliases), its state (超期, 已落实…)
  and its category; every word of a query must match (AND);
- a query that names a unit ranks the items that unit leads first, then
  those it assists, then the rest;
- Chinese is matched as written (substrings), so no word segmentation is
  needed, neither at build time nor in the browser.

The index is compact JSON: tables of units, categories and states, then one
short array per item (about 100 bytes). It is made from the site's view
(`SiteData`), so the public index holds only what the public site shows,
masked like every public page (issue 15).
"""
from __future__ import annotations

import json

from ..evaluate import STATE_NAMES
from .model import LIGHTS, STATES, SiteData

INDEX_PATH = "search/ducha_index.json"
WORKER_PATH = "assets/ducha-search.js"
VERSION = 1
LIGHT_CODES = tuple(LIGHTS)  # red, yellow, green, done


def search_index(data: SiteData) -> str:
    """The search index of one site, as JSON text (UTF-8, no spaces)."""
    unit_ids = list(data.unit_names)
    for view in data.items:  # units an item names that ledger.yaml lacks (an error let through)
        for unit in (view.lead_unit, *(u for u, _ in view.co_units)):
            if unit not in data.unit_names and unit not in unit_ids:
                unit_ids.append(unit)
    position = {u: n for n, u in enumerate(unit_ids)}
    fallback = {v.lead_unit: v.lead_unit_name for v in data.items} | {u: n for v in data.items for u, n in v.co_units}

    def unit_row(unit: str) -> list:
        names = data.unit_names.get(unit)
        if names is None:
            return [unit, fallback.get(unit, unit), "", []]
        return [unit, names.name, names.short or "", list(names.aliases)]

    categories = sorted({(v.category, v.category_name) for v in data.items})
    category_at = {key: n for n, (key, _) in enumerate(categories)}
    items = []
    for v in data.items:
        row = [v.id, v.title, position[v.lead_unit], [position[u] for u, _ in v.co_units],
               category_at[v.category], STATES.index(v.state), LIGHT_CODES.index(v.light),
               v.deadline.isoformat() if v.deadline else "", v.days_overdue]
        items.append(row)
    payload = {
        "version": VERSION,
        "as_of": data.as_of.isoformat(),
        "units": [unit_row(u) for u in unit_ids],
        "categories": [name for _, name in categories],
        "states": [STATE_NAMES[s] for s in STATES],
        "lights": [[code, LIGHTS[code]] for code in LIGHT_CODES],
        # id, title, lead unit, co-units, category, state, light, deadline, days overdue
        "items": items,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n"
