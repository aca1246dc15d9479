"""`ducha audit`: the rules that read the ledger's Git history.

Same shape as `generator.rules`: one module per finding code. Commit rules
take `(record, ctx)` and yield findings for one commit; `history_rewritten`
checks a published head once. Every finding carries the commit it is about.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from ..cache import Store, code_key
from ..codec import Codec, CodecError
from ..findings import Finding, sort_key
from ..history import HistoryStore, ensure_records, first_parent_chain, list_commits, resolve
from ..model import LedgerConfig
from . import append_only_violation, backdated_event, future_event, history_rewritten, unauthorised_change, unsigned_commit

COMMIT_RULES: dict[str, ModuleType] = {m.CODE: m for m in (
    append_only_violation,
    backdated_event,
    future_event,
    unauthorised_change,
    unsigned_commit,
)}


@dataclass
class AuditContext:
    ledger: Path
    config: LedgerConfig
    mainline: set[str]  # commits whose content counts as published
    base: str | None  # the commit the main line ends at (HEAD, or the start of --range)
    people: dict[str, tuple[str, str]] = field(default_factory=dict)  # email -> (unit, role)

    def role_of(self, email: str) -> tuple[str, str] | None:
        return self.people.get(email.lower())


@dataclass
class AuditResult:
    commits: int  # how many commits were examined
    findings: list[Finding]


# Rules whose verdict on a commit depends only on the commit and ledger.yaml:
# cached per commit. append_only_violation also depends on what the main
# line holds, so it runs afresh (only on commits that edit or remove events).
STABLE_RULES = [m for code, m in COMMIT_RULES.items() if code != "append_only_violation"]


class AuditCache:
    """Per-commit verdicts of the stable rules, valid for one ledger.yaml and code.

    Stored in the user's cache (`generator.cache`) as JSON: a flat list of
    sha, "edits events", findings, sha, ...
    """

    NAME = "audit.json"
    CODEC = Codec(Finding)

    def __init__(self, ledger: Path, key: str, enabled: bool) -> None:
        self.store = Store(ledger, enabled)
        self.key = key
        self.enabled = self.store.enabled
        self.results: dict[str, tuple[list[Finding], bool]] = self._load() if self.enabled else {}
        self.dirty = False

    def _load(self) -> dict[str, tuple[list[Finding], bool]]:
        payload = self.store.load(self.NAME, "audit", self.key)
        if payload is None:
            return {}
        try:
            flat = self.CODEC.loads(payload)
            results = {}
            for sha, edits, found in zip(flat[0::3], flat[1::3], flat[2::3], strict=True):
                if not (type(sha) is str and type(edits) is bool and type(found) is list
                        and all(type(f) is Finding for f in found)):
                    return {}
                results[sha] = (found, edits)
            return results
        except (CodecError, TypeError, ValueError):
            return {}

    def save(self) -> None:
        if self.enabled and self.dirty:
            flat = [v for sha, (found, edits) in self.results.items() for v in (sha, edits, found)]
            try:
                payload = self.CODEC.dumps(flat)
            except (TypeError, ValueError):  # a finding the codec cannot hold: not cached
                return
            self.store.store(self.NAME, "audit", self.key, payload)


def _audit_key(ledger: Path, config: LedgerConfig) -> str:
    h = hashlib.sha256(code_key().encode())
    for path in (ledger / "ledger.yaml", ledger / (config.allowed_signers or "allowed_signers")):
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"-")
    return h.hexdigest()


def run_audit(ledger: Path, config: LedgerConfig, rev_range: str | None = None, published: Path | None = None,
              *, use_cache: bool = True) -> AuditResult:
    """Audit the history of the ledger at `ledger` (all of HEAD, or `rev_range` A..B)."""
    ledger = Path(ledger).resolve()
    signers = ledger / config.allowed_signers if config.allowed_signers else None
    signers = signers if signers and signers.is_file() else None
    shas = list_commits(ledger, rev_range)
    store = HistoryStore(ledger, enabled=use_cache)
    ensure_records(ledger, shas, store, signed=config.require_signed, allowed_signers=signers)

    base_rev = rev_range.split("..", 1)[0] if rev_range and ".." in rev_range else "HEAD"
    # The main line: what was published before these commits. An empty
    # repository (a first push) has none.
    base = resolve(ledger, base_rev)
    people = {p.email.lower(): (p.unit, config.units[p.unit].role) for p in config.people if p.unit in config.units}
    ctx = AuditContext(ledger, config, first_parent_chain(ledger, base) if base else set(), base, people)

    cache = AuditCache(ledger, _audit_key(ledger, config), enabled=use_cache)
    todo = [sha for sha in shas if sha not in cache.results]
    for sha, record in store.get(todo).items():
        found = [f for rule in STABLE_RULES for f in rule.check(record, ctx)] if record.changes else []
        edits = any(c.kind in ("event_edited", "event_removed") for c in record.changes)
        cache.results[sha] = (found, edits)
        cache.dirty = True
    cache.save()

    findings: list[Finding] = [f for sha in shas if sha in cache.results for f in cache.results[sha][0]]
    edited = [sha for sha in shas if sha in cache.results and cache.results[sha][1]]
    for record in store.get(edited).values():
        findings.extend(append_only_violation.check(record, ctx))
    if published is not None:
        findings.extend(history_rewritten.check(published, ctx))
    findings.sort(key=sort_key)
    return AuditResult(len(shas), findings)
