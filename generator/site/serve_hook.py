"""MkDocs hook used by `ducha serve`: regenerate the Markdown before each rebuild.

`ducha serve` watches the ledger (items/, ledger.yaml) as well as the
generated docs; when a YAML file changes, MkDocs rebuilds and this hook
first writes the pages again from the ledger, by the build's own stages.
Its job (ledger, audience, docs folder, as-of day) is the JSON file named
by the config's `extra.ducha_serve`, written beside the generated
mkdocs.yml by `prepare_serve`. Files whose content did not change are left
alone, so the rebuild does not trigger itself.
"""
from pathlib import Path


def on_pre_build(config, **kwargs):
    from ducha.site import ServeJob, preview_markdown

    preview_markdown(ServeJob.load(Path(config["extra"]["ducha_serve"])))
