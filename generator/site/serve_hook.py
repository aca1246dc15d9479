"""MkDocs hook used by `ducha serve`: regenerate the Markdown before each rebuild.

`ducha serve` watches the ledger (items/, ledger.yaml) as well as the
generated docs; when a YAML file changes, MkDocs rebuilds and this hook
first writes the pages again from the ledger. Files whose content did not
change are left alone, so the rebuild does not trigger itself.
"""
import datetime as dt
import json
import os
from pathlib import Path


def on_pre_build(config, **kwargs):
    from ducha.site import prepare_docs

    job = json.loads(os.environ["DUCHA_SERVE"])
    as_of = dt.date.fromisoformat(job["as_of"])  # the day `ducha serve` started: the clock is read in the CLI
    prepare_docs(Path(job["ledger"]), {job["audience"]: Path(job["docs"])}, as_of)
