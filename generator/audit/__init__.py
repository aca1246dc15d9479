"""`ducha audit`: the rules that read the ledger's Git history.

Same shape as `generator.rules`: one module per finding code. Commit rules
take `(record, ctx)` and yield findings for one commit; `history_rewritten`
checks a published head once. Every finding carries the commit it is about.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from ..findings import Finding, sort_key
from ..history import CommitRecord, first_parent_chain, read_history, resolve
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
    commits: list[CommitRecord]
    findings: list[Finding]


def run_audit(ledger: Path, config: LedgerConfig, rev_range: str | None = None, published: Path | None = None,
              *, use_cache: bool = True) -> AuditResult:
    """Audit the history of the ledger at `ledger` (all of HEAD, or `rev_range` A..B)."""
    ledger = Path(ledger).resolve()
    signers = ledger / config.allowed_signers if config.allowed_signers else None
    records = read_history(ledger, rev_range, signed=config.require_signed,
                           allowed_signers=signers if signers and signers.is_file() else None, use_cache=use_cache)
    base_rev = rev_range.split("..", 1)[0] if rev_range and ".." in rev_range else "HEAD"
    # The main line: what was published before these commits. An empty
    # repository (a first push) has none.
    base = resolve(ledger, base_rev)
    people = {p.email.lower(): (p.unit, config.units[p.unit].role) for p in config.people if p.unit in config.units}
    ctx = AuditContext(ledger, config, first_parent_chain(ledger, base) if base else set(), base, people)
    findings: list[Finding] = []
    for record in records:
        for rule in COMMIT_RULES.values():
            findings.extend(rule.check(record, ctx))
    if published is not None:
        findings.extend(history_rewritten.check(published, ctx))
    findings.sort(key=sort_key)
    return AuditResult(records, findings)
