"""The one place where ledger text becomes page text.

Text from YAML lands in Markdown that MkDocs turns into HTML, so it must be
inert in both languages: `html.escape` alone still lets `[x](javascript:…)`
become a link, `|` break a table cell, `#` start a heading or `*` start a
list. Every ASCII punctuation character is therefore written as a numeric
character reference: Markdown sees no syntax, the browser shows the
character, and the search index (built from the rendered text) holds the
real character.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import string

from markupsafe import Markup

_TABLE = {ord(ch): f"&#{ord(ch)};" for ch in string.punctuation}
_TABLE[ord("\r")] = None


def inline(value) -> str:
    """Ledger text for one line of Markdown: a heading, a table cell, a link label."""
    if value is None:
        return ""
    text = " ".join(str(value).split())  # newlines and runs of spaces end inline context
    return text.translate(_TABLE)


def block(value) -> str:
    """Ledger text for a paragraph: line breaks kept as <br>."""
    if value is None:
        return ""
    lines = [" ".join(line.split()).translate(_TABLE) for line in str(value).replace("\r", "").split("\n")]
    return "<br>\n".join(line for line in lines if line)


def markdown_finalize(value):
    """Jinja's `finalize` for templates that write Markdown: every value a template prints goes through
    here, so ledger text is inert unless a template marked it `Markup` (already-escaped pieces)."""
    kind = type(value)
    if kind is str:  # most values: ledger text, escaped once per distinct text (a build prints ~1.4 M values)
        return _inline_text(value)
    if kind is Markup or isinstance(value, Markup):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, dt.date)):
        return str(value)
    return inline(value)


@functools.lru_cache(maxsize=1 << 16)
def _inline_text(text: str) -> str:
    return " ".join(text.split()).translate(_TABLE)


def attr(value) -> str:
    """Ledger text inside an HTML attribute value (quoted with double quotes)."""
    return inline(value)


_TITLE = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇", "`": "｀"})


def page_title(value) -> str:
    """A page's `title:` front matter: the theme prints it unescaped in several
    places (<title>, navigation, social meta), some after `striptags`, which
    undoes entities. Full-width forms of the HTML-significant characters look
    the same to a reader and are inert everywhere. Returned YAML-quoted."""
    return json.dumps(page_title_text(value), ensure_ascii=False)


def page_title_text(value) -> str:
    """`page_title` unquoted: the title as the theme prints it."""
    return " ".join(str(value or "").split()).translate(_TITLE)
