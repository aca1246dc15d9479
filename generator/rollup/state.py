"""What the roll-up keeps between runs, per city: signed JSON in the user's cache folder.

For each city: the validators of its files (ETag, Last-Modified) for
conditional requests, the head commit last verified (a later head must
descend from it), and its last good data (the summary, and the bytes of
its items.json in a file of their own). Stored with `cache.Store`: signed
with the user's key and written atomically, so a file ducha did not write
itself is ignored like a missing one, and concurrent runs never read half
a file.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..cache import Store

KIND = "rollup-city-1"
ITEMS_KIND = "rollup-items-1"


@dataclass
class CityState:
    validators: dict = field(default_factory=dict)  # file -> {"etag": ..., "last_modified": ...}
    recorded_commit: str | None = None  # the head commit last verified against the mirror
    good: dict | None = None  # {"head", "fetched", "summary", "items_sha", "git_verified", "schema"}
    stale: dict | None = None  # {"since": date, "reason": text}


class StateStore:
    def __init__(self, out: Path) -> None:
        self.store = Store(out)

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

    def load_items(self, city, sha: str) -> bytes | None:
        return self.store.load(f"rollup-{city.id}-items.json", ITEMS_KIND, sha)

    def save_items(self, city, body: bytes) -> str:
        sha = hashlib.sha256(body).hexdigest()
        self.store.store(f"rollup-{city.id}-items.json", ITEMS_KIND, sha, body)
        return sha
