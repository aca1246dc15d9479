"""What the roll-up keeps between runs, per city: signed JSON in the user's cache folder.

For each city: the validators of its files (ETag, Last-Modified) for
conditional requests, the head commit last verified (a later head must
descend from it), and its last good data: the summary, and in files of
their own (`save_data`) what the province site shows of it: the city's rows
of the combined CSV and JSON, already written out, the lists of its page,
and what the delegations read. An unchanged or stale city is copied into
the site from these without being parsed again. Stored with `cache.Store`: signed
with the user's key and written atomically, so a file ducha did not write
itself is ignored like a missing one, and concurrent runs never read half
a file.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..cache import Store

KIND = "rollup-city-2"
DATA_KIND = "rollup-data-2"
PARTS = ("page", "lookup", "csv", "json")  # see `work.fragments`


@dataclass
class CityState:
    validators: dict = field(default_factory=dict)  # file -> {"etag": ..., "last_modified": ...}
    recorded_commit: str | None = None  # the head commit last verified against the mirror
    good: dict | None = None  # {"head", "fetched", "summary", "items_sha", "git_verified", "schema"}
    stale: dict | None = None  # {"since": date, "reason": text}


class StateStore:
    def __init__(self, out: Path, home: Path | None = None) -> None:
        self.out = out
        self.home = home  # the user's cache home; None: the one the environment names
        self.store = Store(out, home=home)

    @property
    def folder(self) -> Path | None:
        return self.store.folder

    @staticmethod
    def _key(city) -> str:
        return f"{city.id}|{city.url}|{city.git or ''}|{city.ledger_path}"

    def load(self, city) -> CityState:
        raw = self.store.load(f"rollup-{city.id}.json", KIND, self._key(city))
        if raw is None:
            return CityState()
        try:
            return CityState(**json.loads(raw))
        except (ValueError, TypeError):
            return CityState()

    def save(self, city, state: CityState) -> None:
        self.store.store(f"rollup-{city.id}.json", KIND, self._key(city),
                         json.dumps(asdict(state), ensure_ascii=False).encode("utf-8"))

    @staticmethod
    def _data_key(city, sha: str) -> str:
        # the rows carry the city's name and URL: a renamed or moved city is verified again
        return f"{sha}|{city.id}|{city.name}|{city.url}"

    def save_data(self, city, sha: str, parts: dict[str, bytes]) -> None:
        """The city's verified data (items.json with this sha256) as the site uses it: `PARTS`."""
        for part in PARTS:
            self.store.store(f"rollup-{city.id}-{part}", DATA_KIND, f"{part}|{self._data_key(city, sha)}", parts[part])

    def load_data(self, city, sha: str, part: str) -> bytes | None:
        """One part saved by `save_data`, or None: missing, for other data, or not written by ducha (tampered)."""
        return self.store.load(f"rollup-{city.id}-{part}", DATA_KIND, f"{part}|{self._data_key(city, sha)}")

    def has_data(self, city, sha: str) -> bool:
        return self.store.enabled and all(self.load_data(city, sha, part) is not None for part in PARTS)

    def item_cache(self, city):
        """The parsed items of the city's ledger, by path and Git blob id (see `work.ledger_at`)."""
        from ..cache import ItemCache, code_key

        return ItemCache(self.out, code_key(), enabled=self.store.enabled, name=f"rollup-{city.id}-parsed", home=self.home)
