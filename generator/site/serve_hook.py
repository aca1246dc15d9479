"""MkDocs hook used by `ducha serve`: regenerate the pages before and after each rebuild.

`ducha serve` watches the ledger (items/, ledger.yaml) as well as the
generated docs; when a YAML file changes, MkDocs rebuilds and this hook
first writes the Markdown again from the ledger, by the build's own stages,
then, once MkDocs built the other pages and the item pages' shell, writes
the item pages (`pages.py`), as `ducha build` does; the item pages of the
last rebuild are moved aside first (MkDocs' clean leaves dot-names alone)
and put back, and only those whose input key changed are written again. Its job (ledger,
audience, docs folder, as-of day) is the JSON file named by the config's
`extra.ducha_serve`, written beside the generated mkdocs.yml by
`prepare_serve`. Files whose content did not change are left alone, so the
rebuild does not trigger itself. The site's view goes from the first event
to the second on this build's own config object.

The generated docs folder is not watched (`on_serve`): the hook writes it
from the ledger, so a change there is never news, and watching it made
every edit rebuild twice (once for the YAML, once for the pages the first
rebuild wrote), with the browser waiting for both.
"""
from pathlib import Path

VIEW_KEY = "ducha_serve_view"


def on_pre_build(config, **kwargs):
    from ducha.site import ServeJob, keep_item_pages, preview_markdown

    keep_item_pages(Path(config["site_dir"]))  # before MkDocs cleans the site: reused after it
    config["extra"][VIEW_KEY] = preview_markdown(ServeJob.load(Path(config["extra"]["ducha_serve"])))


def on_post_build(config, **kwargs):
    from ducha.site import preview_item_pages

    view = config["extra"].pop(VIEW_KEY, None)
    if view is not None:
        preview_item_pages(view, Path(config["site_dir"]))


def on_serve(server, config, builder, **kwargs):
    """Watch the ledger only: MkDocs watches the docs folder by itself, which ducha writes."""
    try:
        server.unwatch(config["docs_dir"])
    except (KeyError, AttributeError):
        pass
    return server
