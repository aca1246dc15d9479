"""MkDocs hook used by `ducha serve`: regenerate the pages before and after each rebuild.

`ducha serve` watches the ledger (items/, ledger.yaml, inspections/,
sources/); when a file there changes, MkDocs rebuilds and this hook first
computes the site's view from the ledger, by the build's own stages
(`preview_markdown`), then, once MkDocs built the other pages and the item
pages' shell, writes the item pages (`pages.py`), as `ducha build` does; the item pages of the last
rebuild are moved aside first (MkDocs' clean leaves dot-names alone) and
put back, and only those whose input key changed are written again.

An edit is shown in two rebuilds (`ServeSession`): the first writes only
the item pages, so the edited item shows as soon as its view is ready; it
asks for a second one, which writes the Markdown of the same view (lists,
unit pages, feeds, search index). The view and that request live in the
serving process (`ducha.site`), since MkDocs loads this hook again for each
rebuild. Its job (ledger, audience, docs folder, as-of day) is the JSON
file named by the config's `extra.ducha_serve`, written beside the
generated mkdocs.yml by `prepare_serve`.

The ledger is watched here, by inotify where the system has it, not by
MkDocs' watcher, which polls every file twice a second (10,000 item files:
a share of a core all the time, and up to half a second before an edit is
seen); only writes count, not the reads of ducha itself. The generated
docs folder is not watched: the hook writes it from the ledger, so a
change there is never news, and watching it made every edit rebuild twice.
"""
from pathlib import Path

VIEW_KEY = "ducha_serve_view"
FOLLOW_KEY = "ducha_serve_follow"
CHANGES = ("created", "modified", "moved", "deleted", "closed")  # not "opened", "closed_no_write": reads


def on_pre_build(config, **kwargs):
    from ducha.site import keep_item_pages, preview_rebuild

    keep_item_pages(Path(config["site_dir"]))  # before MkDocs cleans the site: reused after it
    view, follow = preview_rebuild(Path(config["extra"]["ducha_serve"]))
    config["extra"][VIEW_KEY] = view
    config["extra"][FOLLOW_KEY] = follow


def on_post_build(config, **kwargs):
    from ducha.site import preview_item_pages, serve_session

    session = serve_session(Path(config["extra"]["ducha_serve"]))
    view = config["extra"].pop(VIEW_KEY, None)
    if view is not None:
        preview_item_pages(view, Path(config["site_dir"]), session)
    if config["extra"].pop(FOLLOW_KEY, False):
        if callable(session.follow_up):
            session.follow_up()


def on_serve(server, config, builder, **kwargs):
    """Watch the ledger (not the docs folder ducha writes), and let a rebuild ask for another."""
    import threading

    import watchdog.events
    import watchdog.observers
    import watchdog.observers.polling

    from ducha.site import serve_session

    try:
        server.unwatch(config["docs_dir"])
    except (KeyError, AttributeError):
        pass
    session = serve_session(Path(config["extra"]["ducha_serve"]))
    lock = getattr(server, "_rebuild_cond", None)
    if not isinstance(lock, threading.Condition):  # another MkDocs: its own watcher, one rebuild per edit
        for path in config["extra"].get("ducha_watch") or []:
            server.watch(path)
        return server

    def rebuild():
        with lock:
            server._want_rebuild = True
            lock.notify_all()

    def changed(event):
        if event.is_directory or event.event_type not in CHANGES:
            return
        session.edits += 1
        rebuild()

    handler = watchdog.events.FileSystemEventHandler()
    handler.on_any_event = changed
    paths = config["extra"].get("ducha_watch") or []
    try:
        observer = watchdog.observers.Observer()
        for path in paths:
            observer.schedule(handler, path, recursive=True)
        observer.start()
    except OSError:  # no inotify (or too few watches): poll, as MkDocs would
        observer = watchdog.observers.polling.PollingObserver(timeout=0.5)
        for path in paths:
            observer.schedule(handler, path, recursive=True)
        observer.start()
    session.follow_up = rebuild
    return server
