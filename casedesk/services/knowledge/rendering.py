"""Markdown to safe HTML, and to the plain text that search and summaries use.

Markdown is rendered with markdown-it-py (CommonMark, tables and strike-through on)
and raw HTML in it is allowed through to the sanitiser, which is where safety is
decided: nh3 (ammonia) keeps an allowlist of tags and attributes, so scripts, styles,
event handlers, SVG, iframes and ``javascript:`` links never survive, whatever the
Markdown parser did. It runs every time an article is shown, so a stricter policy
covers old articles too.

An article's own files are written ``![Diagram](kbfile:12)`` or ``[Manual](kbfile:13)``;
after sanitising, each ``kbfile:`` reference becomes the URL of that file on the face
that shows the article (``file_base``), and a reference to a file of another article is
dropped, so an article can never lead to the files of one its reader may not see.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection

import nh3
from markdown_it import MarkdownIt

#: Schemes a link or image may use; ``kbfile`` is rewritten below before anyone sees it.
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "kbfile"})
TAGS = frozenset(nh3.ALLOWED_TAGS) - {"svg", "math", "style", "script"}
SUMMARY_CHARS = 160

_md = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(["table", "strikethrough"])
_FILE_REF = re.compile(r'(src|href)="kbfile:(\d+)"')


def to_html(
    markdown: str,
    *,
    file_base: str,
    file_ids: Collection[int] = (),
    file_names: dict[int, str] | None = None,
) -> str:
    """The article's HTML, safe to put in a page. ``file_base`` is the URL prefix of the
    article's files on this face (``/portal/kb/files``); ``file_ids`` are the files of
    this article (others are unlinked)."""
    cleaned = nh3.clean(
        _md.render(markdown),
        tags=set(TAGS),
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )
    names = file_names or {}

    def to_url(match: re.Match[str]) -> str:
        file_id = int(match.group(2))
        if file_id not in file_ids:
            return f'{match.group(1)}=""'
        name = names.get(file_id, "file")
        return f'{match.group(1)}="{file_base}/{file_id}/{html.escape(_url_name(name))}"'

    return _FILE_REF.sub(to_url, cleaned)


def to_text(markdown: str) -> str:
    """The words of the article without markup (for search and summaries)."""
    stripped = nh3.clean(_md.render(markdown), tags=set(), clean_content_tags={"script", "style"})
    return " ".join(html.unescape(stripped).split())


def summary(markdown: str, written: str = "") -> str:
    """The description search engines show: the editor's, or the body's first words."""
    if written.strip():
        return written.strip()
    text = to_text(markdown)
    if len(text) <= SUMMARY_CHARS:
        return text
    cut = text[:SUMMARY_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def _url_name(name: str) -> str:
    """A filename as a URL path segment (only for show: files are found by id)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "file"
