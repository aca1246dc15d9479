"""Item pages, written by ducha into the theme's page shell instead of by MkDocs.

A site has one page per item (thousands) and a few dozen other pages. MkDocs
spends most of a build on per-page work that is the same for every item
page: Python-Markdown, the theme's navigation and its templates. So the
Markdown folder holds one *shell* page (`SHELL`) in the items folder, with a
sentinel title and a content marker; MkDocs renders it like any page, with
the theme's header, navigation, search settings and footer. Then, for every
item, ducha renders the page content from `item.html.j2` (autoescaped HTML)
and writes the shell with the sentinel replaced by the item's title and id
and the marker by the content. Item pages sit at the same depth as the
shell (`items/<id>/`), so every relative link of the shell holds for them.
The page a reader gets is what MkDocs would have made of the same content.

Before the shell exists, the folders are made ready with every page of the
last build linked in (`stage_item_pages`), in the folders of the site the
last build replaced when it kept them (`outfolder.claim_spare`), and each
page's key says whether it changed (`prepare_item_pages`); once the shell is
read, the changed pages are rendered and written, one at a time, each
replacing its link (`write_item_pages`).

Incremental builds: when the last build of the same ducha, templates and
settings is given as `previous`, a page whose bytes equal the previous
site's is hard-linked from there instead of written again; a full build and
an incremental one therefore give the same files. Rendering is skipped too
for a page whose *input key* (`item_keys`) equals the one recorded for the
previous site's page and whose shell is the same: the key covers everything
the item template reads (the item's view, its visits and desk entry, the
leaders, the templates, ducha's code, the audience and the as-of day), and
the record is signed with the user's cache key and tied to that very site
(`PageKeys`), so a stale or edited record only costs speed.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..evaluate import STATE_NAMES
from ..model import CATEGORIES
from . import escape
from .model import INTERNAL, STATES, SiteData

# A dot is never in an item id (model.ID_CHARS), so the shell cannot shadow an item.
SHELL_ID = "ducha.shell"
SHELL = f"items/{SHELL_ID}.md"
SHELL_TITLE = "DUCHAxSHELLxTITLE"
CONTENT = "<!-- ducha:page -->"
ANCHOR = SHELL_TITLE.lower()  # the <h1> id the toc extension gives the shell's title
ITEM_URL_ROOT = Markup("../../")  # from items/<id>/ to the site root


class ShellMissing(Exception):
    """MkDocs did not render the page shell as expected (a theme override removed the content area?)."""


def shell_markdown(internal: bool) -> str:
    """The Markdown of the shell page: what every item page has in common."""
    hide = "hide:\n  - toc\n" if internal else ""
    return f"---\ntitle: {SHELL_TITLE}\n{hide}search:\n  exclude: true\n---\n\n# {SHELL_TITLE}\n\n{CONTENT}\n"


def title_text(title: str) -> str:
    """The title as the theme prints it from the page's front matter (`escape.page_title`, unquoted)."""
    return escape.page_title_text(title)


@dataclass
class Shell:
    """The rendered shell page, cut at its title, id and content slots."""

    parts: list[str]  # literal text, and the slots ("\0title", "\0id", …) between them

    @classmethod
    def parse(cls, html: str) -> Shell:
        heading = re.search(r"(<h1\b[^>]*>)" + SHELL_TITLE + r"(.*?</h1>)\s*" + re.escape(CONTENT), html, re.S)
        if not heading:
            raise ShellMissing("主题模板没有输出页面内容，无法生成事项页面：请检查 theme.custom_dir 中的 main.html")
        slots = {SHELL_TITLE: "\0title", SHELL_ID: "\0id", ANCHOR: "\0anchor"}
        slot = re.compile("(" + "|".join(re.escape(s) for s in slots) + ")")

        def cut(text: str) -> list[str]:
            return [slots[bit] if k % 2 else bit for k, bit in enumerate(slot.split(text))]

        # The <h1> stays MkDocs' (its id, and a permalink if the toc settings add one); its text is the item's.
        return cls([*cut(html[:heading.start()]), *cut(heading.group(1)), "\0heading", *cut(heading.group(2)), "\n",
                    "\0content", *cut(html[heading.end():])])

    def fill(self, ident: str, title: str, content: str) -> str:
        """The page of one item: the theme's page with `title`, and `content` (HTML) below the <h1>."""
        values = {"\0title": title_text(title), "\0heading": str(Markup.escape(title)), "\0id": ident,
                  "\0anchor": anchor(title), "\0content": content}
        return "".join(values.get(p, p) for p in self.parts)


def anchor(title: str) -> str:
    """The id of a page's <h1>, as MkDocs' `toc` makes it (the theme's "skip to content" link goes there)."""
    from markdown.extensions.toc import slugify

    return slugify(str(title or ""), "-") or "_"


def _finalize(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


_COPY = '<button type="button" class="ducha-copy" title="复制命令" aria-label="复制命令">复制</button>'


def command_html(text: str) -> Markup:
    """A command with its copy button, as the desk's `cmd` macro (`internal/_desk.md.j2`) writes it in HTML:
    options never break across lines. In Python because item pages print three per item."""
    words = (f'<span class="ducha-opt">{Markup.escape(w)}</span>' if w.startswith("-") else str(Markup.escape(w))
             for w in str(text).split(" "))
    return Markup(f'<span class="ducha-cmd"><code>{" ".join(words)}</code>{_COPY}</span>')


def environment(templates: Path) -> jinja2.Environment:
    """Jinja for HTML pages: autoescaped, so ledger text is inert by default. Templates are read once
    (`auto_reload` off): a build renders thousands of pages from files that do not change meanwhile."""
    from .render import light, pct, state

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), autoescape=True, finalize=_finalize,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined, auto_reload=False)
    env.filters["block"] = lambda v: Markup(escape.block(v))
    env.filters["pct"] = pct
    env.globals.update(light=light, state=state, STATE_NAMES=STATE_NAMES, CATEGORIES=CATEGORIES, STATES=STATES,
                       command_html=command_html)
    return env


def read_shell(site: Path) -> Shell:
    """The shell MkDocs rendered into `site`; its folder is removed (it is no page of the site)."""
    folder = site / "items" / SHELL_ID
    shell = Shell.parse((folder / "index.html").read_text(encoding="utf-8"))
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    return shell


def render_contents(view: SiteData, templates: Path, items: list | None = None) -> Iterator[str]:
    """The content (HTML below the title) of every item's page (or of `items`), in the order of `view.items`,
    one at a time: ten thousand pages at once are ~160 MB of Python strings."""
    template = environment(templates).get_template("item.html.j2")
    internal = view.audience == INTERNAL
    for item in (view.items if items is None else items):
        yield template.render(data=view, internal=internal, url_root=ITEM_URL_ROOT, item=item)


def content_keys(view: SiteData, templates: Path) -> dict[str, str]:
    """{item id: a digest of everything its page is made from, but the page shell and the item's signals}.

    `item.html.j2` (and what it includes) reads `item`, `internal`, `url_root`,
    `data.item_visits[item.id]`, `data.leaders`, `data.desk.items[item.id]` and
    `data.desk.edit_host`: the digest covers every field of these (`Digester`),
    every template, ducha's code and libraries (`cache.code_key`), the audience
    and the as-of day, but the `signals` of item views (the template reads only
    the page's own item's: `item_keys` adds them). So the build can work this out
    while the signals are still being found (`stages.build_audience`)."""
    from ..cache import Digester, code_key
    from .model import ItemView

    digest = Digester(omit={ItemView: frozenset({"signals"})})
    common = hashlib.sha256()
    for part in (code_key(), view.audience, view.as_of.isoformat(), digest(view.leaders),
                 digest(getattr(view.desk, "edit_host", None))):
        common.update(part.encode() + b"\0")
    for path in sorted(templates.rglob("*")):
        if path.is_file():
            common.update(path.relative_to(templates).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    desks = getattr(view.desk, "items", None) or {}
    keys = {}
    for item in view.items:
        one = common.copy()
        one.update(digest([item, view.item_visits.get(item.id), desks.get(item.id)]).encode())
        keys[item.id] = one.hexdigest()
    return keys


def item_keys(view: SiteData, templates: Path, content: dict[str, str] | None = None) -> dict[str, str]:
    """{item id: a digest of everything its page is made from, the page shell aside}: its `content_keys`
    (`content`, if worked out before) and its signals. The shell is known only once MkDocs ran;
    `page_keys` adds it."""
    from ..cache import Digester

    content = content_keys(view, templates) if content is None else content
    digest = Digester()
    return {i.id: hashlib.sha256(f"{content[i.id]}\0{digest(i.signals)}".encode()).hexdigest() for i in view.items}


def shell_digest(shell: Shell) -> str:
    from ..cache import Digester

    return hashlib.sha256(Digester()(shell.parts).encode()).hexdigest()


def page_keys(view: SiteData, templates: Path, shell: Shell, keys: dict[str, str] | None = None) -> dict[str, str]:
    """{item id: a digest of everything its page is made from}: `item_keys` (`keys`, if worked out) and the shell."""
    with_shell = shell_digest(shell).encode()
    keys = item_keys(view, templates) if keys is None else keys
    return {i: hashlib.sha256(k.encode() + b"\0" + with_shell).hexdigest() for i, k in keys.items()}


@dataclass
class Prepared:
    """Which item pages must be rendered (`prepare_item_pages`)."""

    keys: dict[str, str]  # item id -> `item_keys`
    fresh: set[str]  # ids of the items not known unchanged
    shell: str | None  # the shell digest under which the items left out are unchanged


@dataclass
class Known:
    """What the previous site's item pages were made from (`PageKeys.load`)."""

    keys: dict[str, str]
    shell: str | None = None


def prepare_item_pages(view: SiteData, templates: Path, known: Known | None = None,
                       content: dict[str, str] | None = None) -> Prepared:
    """The keys of the item pages, and which of them differ from `known` (all without it): those are
    rendered by `write_item_pages`, each as it is written (ten thousand pages at once are ~160 MB as
    Python strings). `write_item_pages` renders the rest too if the shell turned out to differ from
    `known.shell`. `content`: the `content_keys`, if worked out before."""
    keys = item_keys(view, templates, content)
    same = {i for i, k in keys.items() if known.keys.get(i) == k} if known and known.shell else set()
    return Prepared(keys, {i.id for i in view.items if i.id not in same}, known.shell if known and same else None)


class PageKeys:
    """The page keys of one built site, kept beside it (never in it: a site equals a full build's).

    Signed with the user's cache key (`cache.secret`) and tied to the site's
    home page file (MkDocs writes a new one each build), so a record left by
    another build, or edited, is ignored. Without a cache key nothing is kept."""

    KIND = b"ducha-page-keys"

    @staticmethod
    def _stamp(anchor: Path) -> str:
        st = anchor.stat()
        return f"{st.st_dev}:{st.st_ino}:{st.st_mtime_ns}:{st.st_size}"

    @classmethod
    def save(cls, path: Path, anchor: Path, keys: dict[str, str], shell: str | None = None) -> None:
        """Keep `keys` in `path`, tied to `anchor` (a site's index.html, or `ducha serve`'s items folder);
        `shell`: the digest of the page shell, when `keys` are `item_keys` (which leave it out)."""
        from ..cache import secret, sign

        key = secret()
        if key is None:
            return
        try:
            record = {"site": cls._stamp(anchor), "keys": keys, **({"shell": shell} if shell else {})}
            payload = json.dumps(record, separators=(",", ":")).encode()
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(sign(key, cls.KIND, payload).hex().encode() + b"\n" + payload)
            os.replace(tmp, path)
        except OSError:
            pass

    @classmethod
    def load(cls, path: Path, anchor: Path) -> dict[str, str]:
        return cls.load_known(path, anchor).keys

    @classmethod
    def load_known(cls, path: Path, anchor: Path) -> Known:
        """The record `save` kept in `path` for `anchor`; empty if missing, not signed by this user, or of another site."""
        from ..cache import secret, verify

        key = secret()
        try:
            mac, _, payload = path.read_bytes().partition(b"\n")
            if key is None or not verify(key, bytes.fromhex(mac.decode("ascii")), cls.KIND, payload):
                return Known({})
            data = json.loads(payload)
            if data.get("site") != cls._stamp(anchor) or not isinstance(data.get("keys"), dict):
                return Known({})
            shell = data.get("shell")
            return Known(data["keys"], shell if isinstance(shell, str) else None)
        except (OSError, ValueError, UnicodeDecodeError, AttributeError):
            return Known({})


@dataclass
class Staged:
    """The item folders made ready before the page contents are known (`stage_item_pages`)."""

    folder: Path  # becomes the site's items/ folder
    folders: set[str]  # item ids with a folder in it
    linked: set[str]  # item ids whose page in it is the previous site's (until `write_item_pages` replaces it)


def stage_item_pages(view: SiteData, folder: Path, previous: Path | None = None, spare: Path | None = None) -> Staged:
    """Before any page is known to be unchanged: make `folder` the items folder-to-be, from `spare` (the
    item folders of an older site of this audience, no longer published: `outfolder.claim_spare`) or new,
    and link into it the previous site's page of every item of `view`. Most pages are unchanged, and the
    build does this while it waits for other work; `write_item_pages` replaces the pages that changed
    (by a new file, never written into)."""
    ids = {i.id for i in view.items}
    folders = _take_spare(folder, spare, ids)
    folder.mkdir(exist_ok=True)
    linked: set[str] = set()
    if previous is None:
        return Staged(folder, folders, linked)
    pages, into = os.fspath(previous / "items"), os.fspath(folder)
    for item in view.items:
        made = False
        if item.id not in folders:
            try:
                os.mkdir(os.path.join(into, item.id))
                made = True
            except FileExistsError:
                pass
            folders.add(item.id)
        source, target = os.path.join(pages, item.id, "index.html"), os.path.join(into, item.id, "index.html")
        try:
            if made:  # an empty folder just made: nothing to compare or replace (10,000 system calls fewer)
                os.link(source, target)
            else:
                _link(source, target)
            linked.add(item.id)
        except OSError:  # a new item, or another file system: rendered in `write_item_pages`
            pass
    return Staged(folder, folders, linked)


def write_item_pages(view: SiteData, site: Path, templates: Path, previous: Path | None = None,
                     prepared: Prepared | None = None, shell: Shell | None = None, staged: Staged | None = None) -> dict:
    """Every item's page into `site` (after MkDocs built the rest of it); the sitemap gets them too.

    `prepared`: which pages to render (`prepare_item_pages`); `staged`: the
    items folder made ready, with the pages of `previous` (the last build's site of the same
    audience) linked in (`stage_item_pages`). If the page shell changed, or an old page is
    gone, those pages are rendered now. A rendered page whose bytes equal the previous site's is
    hard-linked too, so a full build and an incremental one give the same files.
    Returns {"written": n, "reused": m, "rendered": r, "keys": `item_keys`, "shell": the shell's digest}."""
    shell = shell or read_shell(site)
    digest = shell_digest(shell)
    prepared = prepared or prepare_item_pages(view, templates)
    # What was left out is unchanged only under its shell: else every page is rendered.
    fresh = prepared.fresh if previous is not None and prepared.shell == digest else {i.id for i in view.items}
    # The staged links stand for the pages found unchanged, under the shell they were found unchanged with.
    linked = staged.linked - fresh if staged is not None else set()
    folders: set[str] = set()
    if staged is not None:
        (site / "items").rmdir()  # MkDocs made it for the shell, which `read_shell` took out
        staged.folder.rename(site / "items")
        folders = staged.folders
    counts: dict = {"written": 0, "reused": len(linked), "rendered": 0, "keys": prepared.keys, "shell": digest}
    rendered = render_contents(view, templates, [i for i in view.items if i.id in fresh])
    for item in view.items:
        if item.id in linked:
            continue
        rel = Path("items") / item.id / "index.html"
        target = site / rel
        if item.id not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
        if item.id in fresh:
            content = next(rendered)
        else:  # same key as the previous site's page: that page is this one
            try:
                _link(previous / rel, target)  # type: ignore[operator]
                counts["reused"] += 1
                continue
            except OSError:  # gone, or another file system: render it after all
                content = next(render_contents(view, templates, [item]))
        counts["rendered"] += 1
        page = shell.fill(item.id, item.title, content).encode("utf-8")
        if previous is not None and _same(previous / rel, page):
            try:
                _link(previous / rel, target)
                counts["reused"] += 1
                continue
            except OSError:
                pass  # another file system, or the old site just went: write it
        _write(target, page)
        counts["written"] += 1
    add_to_sitemap(site, [item.id for item in view.items])
    return counts


def _take_spare(items: Path, spare: Path | None, ids: set[str]) -> set[str]:
    """Make `spare` the folder `items` (which must not exist): its folders of items no longer on the
    site, and anything else in it, removed. Returns the item ids with a folder."""
    import shutil

    if spare is None:
        return set()
    try:
        spare.rename(items)
    except OSError:
        return set()
    kept = set()
    for entry in os.scandir(items):
        if entry.name in ids and entry.is_dir(follow_symlinks=False):
            kept.add(entry.name)
        elif entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            os.unlink(entry.path)
    return kept


def _link(source: str | Path, target: str | Path) -> None:
    """`target` becomes another name of `source`'s file (nothing to do if it is one already)."""
    try:
        a, b = os.stat(source), os.stat(target, follow_symlinks=False)
        if (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino):
            return
    except OSError:
        pass
    if not os.path.lexists(target):
        os.link(source, target)
        return
    head, name = os.path.split(target)
    tmp = os.path.join(head, f".{name}.{os.getpid()}.tmp")
    os.link(source, tmp)
    os.replace(tmp, target)


def _write(target: Path, data: bytes) -> None:
    """A new file at `target`: a spare's page may be another name of a published page, so never written into."""
    if not os.path.lexists(target):
        target.write_bytes(data)
        return
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


_SHELL_ENTRY = re.compile(r"[ \t]*<url>(?:(?!</url>).)*?" + re.escape(SHELL_ID) + r".*?</url>\n?", re.S)


def add_to_sitemap(site: Path, ids: list[str]) -> None:
    """Put the item pages into the sitemap MkDocs wrote, in place of the shell's entry.

    MkDocs lists pages only when the site has a `site_url`; without one the
    sitemap has no entries, and gets none for the items either."""
    path = site / "sitemap.xml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return
    found = _SHELL_ENTRY.search(text)
    if not found:
        return
    entry = found.group(0)
    entries = "".join(entry.replace(SHELL_ID, ident) for ident in ids)
    text = text[:found.start()] + entries + text[found.end():]
    path.write_text(text, encoding="utf-8")
    with gzip.GzipFile(site / "sitemap.xml.gz", "wb", mtime=0) as f:
        f.write(text.encode("utf-8"))


# --- `ducha serve`: the item pages kept between rebuilds ----------------------------------------------

KEPT = ".ducha-items"  # MkDocs' clean leaves names starting with a dot alone
KEPT_KEYS = ".ducha-items-keys.json"


def keep_item_pages(site: Path) -> None:
    """Before MkDocs cleans `site` for a rebuild of `ducha serve`: move its item pages aside (one rename)."""
    import shutil

    items, kept = site / "items", site / KEPT
    shutil.rmtree(kept, ignore_errors=True)
    try:
        items.rename(kept)
    except OSError:
        (site / KEPT_KEYS).unlink(missing_ok=True)


def update_item_pages(view: SiteData, site: Path, templates: Path, same_view: tuple[list, dict] | None = None) -> dict:
    """`write_item_pages` for a rebuild of `ducha serve`: the pages kept by `keep_item_pages` are put
    back (one rename) and only those whose key changed are rendered and written again; pages of items
    no longer on the site are removed. Without a usable record, every page is written. `same_view`: the
    (shell parts, keys) returned for this same view by the last rebuild: its keys are not computed again
    if the shell is the same. The counts returned hold the keys and the shell's parts."""
    import shutil

    items, kept, record = site / "items", site / KEPT, site / KEPT_KEYS
    known = PageKeys.load(record, kept) if kept.is_dir() else {}
    record.unlink(missing_ok=True)
    shell = read_shell(site)
    if not known or any(items.iterdir()):
        shutil.rmtree(kept, ignore_errors=True)
        counts = write_item_pages(view, site, templates, shell=shell)
        keys = page_keys(view, templates, shell, counts["keys"])  # what the next rebuild compares with
        PageKeys.save(record, items, keys)
        return {**counts, "keys": keys, "shell": shell.parts}
    items.rmdir()
    kept.rename(items)
    keys = same_view[1] if same_view is not None and same_view[0] == shell.parts else page_keys(view, templates, shell)
    ids = set(keys)
    with os.scandir(items) as entries:  # str paths and one listing: ten thousand Path objects cost a second
        for entry in entries:
            if entry.name not in ids:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
    folder = os.fspath(items)
    fresh = [i for i in view.items
             if known.get(i.id) != keys[i.id] or not os.path.isfile(os.path.join(folder, i.id, "index.html"))]
    for item, content in zip(fresh, render_contents(view, templates, fresh), strict=True):
        (items / item.id).mkdir(exist_ok=True)
        (items / item.id / "index.html").write_bytes(shell.fill(item.id, item.title, content).encode("utf-8"))
    add_to_sitemap(site, [item.id for item in view.items])
    PageKeys.save(record, items, keys)
    return {"written": len(fresh), "reused": len(view.items) - len(fresh), "rendered": len(fresh), "keys": keys,
            "shell": shell.parts}
