"""ducha: a supervision ledger kept as code (督查台账即代码)."""

__version__ = "0.1.0"
