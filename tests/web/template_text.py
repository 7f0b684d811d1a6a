"""The words a template writes outside gettext: its text nodes and the attributes a
reader sees or hears (title, placeholder, aria-label, alt, a button's value).

The template's own text (Jinja's ``data`` tokens) is walked with a small HTML state
machine that carries on across ``{{ … }}`` and ``{% … %}``, so a tag whose attributes
hold Jinja code is still known as a tag. Whatever Jinja prints is not looked at: it is
either data or goes through ``_()`` in the template.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import jinja2

#: Attributes a reader sees or hears.
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "value", "label", "hx-confirm"}
#: Text that has letters yet is no word to translate: names, protocols, formats.
NON_WORDS = {"casedesk", "· casedesk", "SLA", "CSV", "JSON", "HTTP", "CC", "UTC", "URL"}
NON_WORDS |= {"Message-ID"}
_LETTER = re.compile(r"[^\W\d_]")
#: A key (``j``), a name in code (``case_title``, ``webhook-signature``).
_CODE = re.compile(r"^[^\W\d_]$|^[a-z][a-z0-9]*(?:[_.-][a-z0-9]+)+$")
_ENTITY = re.compile(r"&[#a-zA-Z0-9]+;")

_LEXER_ENV = jinja2.Environment(extensions=["jinja2.ext.i18n"])


@dataclass(frozen=True, slots=True)
class Literal:
    """Words at ``start``..``end`` of a template's source: a text node, or an attribute."""

    start: int
    end: int
    text: str
    attribute: str | None


def needs_words(text: str) -> bool:
    """Whether ``text`` holds words (letters outside entities, not a known non-word)."""
    bare = _ENTITY.sub(" ", text).strip()
    if not _LETTER.search(bare):
        return False
    return bare not in NON_WORDS and not _CODE.match(bare)


def tokens(source: str) -> Iterator[tuple[int, str, str]]:
    """(offset, kind, text) of each token of ``source``; ``kind`` is Jinja's."""
    offset = 0
    for _line, kind, value in _LEXER_ENV.lexer.tokeniter(source, "t"):
        # the lexer gives back the source in order; find each piece from where we are
        at = source.find(value, offset)
        if at < 0:
            continue
        offset = at + len(value)
        yield at, kind, value


def literals(source: str) -> list[Literal]:
    """The words of ``source`` that a reader would see untranslated (text inside
    ``<code>`` and ``<kbd>`` is code or a key, not words)."""
    found: list[Literal] = []
    state = "text"  # text | tag | value
    quote = ""
    tag = ""
    attr = ""
    raw_until = ""  # inside <script>/<style>: skip to its end tag
    in_code = ""  # inside <code>/<kbd>: names and keys, not words
    text_start = -1
    value_start = -1
    attrs: dict[str, str] = {}

    def close_text(end: int) -> None:
        nonlocal text_start
        if text_start >= 0 and not raw_until and not in_code:
            piece = source[text_start:end]
            if needs_words(piece):
                lead = len(piece) - len(piece.lstrip())
                trail = len(piece.rstrip())
                found.append(Literal(text_start + lead, text_start + trail, piece.strip(), None))
        text_start = -1

    for at, kind, value in tokens(source):
        if kind != "data":
            if state == "text" and text_start >= 0:
                close_text(at)
            if state == "value" and value_start >= 0:
                _attribute_piece(source, value_start, at, tag, attr, attrs, found)
                value_start = -1
            continue
        i = 0
        while i < len(value):
            ch = value[i]
            pos = at + i
            if state == "text":
                after = value[i + 1] if i + 1 < len(value) else ""
                if ch == "<" and (after.isalpha() or (after != "" and after in "/!")):
                    close_text(pos)
                    m = re.match(r"<(/?)([a-zA-Z0-9!-]*)", value[i:])
                    name = m.group(2).lower() if m else ""
                    if raw_until and not (m and m.group(1) and name == raw_until):
                        i += 1
                        continue
                    if raw_until:
                        raw_until = ""
                    tag = ("/" if m and m.group(1) else "") + name
                    if name in ("code", "kbd"):
                        in_code = "" if tag.startswith("/") else name
                    attrs = {}
                    state = "tag"
                    i += len(m.group(0)) if m else 1
                    continue
                if text_start < 0:
                    text_start = pos
            elif state == "tag":
                if ch == ">":
                    state = "text"
                    if tag in ("script", "style"):
                        raw_until = tag
                elif ch == "=":
                    m = re.search(r"([a-zA-Z_:-]+)\s*$", source[:pos])
                    attr = m.group(1).lower() if m else ""
                    j = i + 1
                    while j < len(value) and value[j].isspace():
                        j += 1
                    if j < len(value) and value[j] in "\"'":
                        quote = value[j]
                        state = "value"
                        value_start = at + j + 1
                        i = j + 1
                        continue
            elif state == "value":
                if value_start < 0:
                    value_start = pos
                if ch == quote:
                    _attribute_piece(source, value_start, pos, tag, attr, attrs, found)
                    value_start = -1
                    state = "tag"
            i += 1
    if state == "text":
        close_text(len(source))
    return found


def _attribute_piece(
    source: str,
    start: int,
    end: int,
    tag: str,
    attr: str,
    attrs: dict[str, str],
    found: list[Literal],
) -> None:
    piece = source[start:end]
    attrs[attr] = attrs.get(attr, "") + piece
    if attr not in VISIBLE_ATTRIBUTES:
        return
    if attr == "value" and tag not in ("input", "button"):
        return
    if attr == "value" and tag == "button":
        return  # a button's value is sent, not shown
    if attr == "value":
        kind = re.search(r'type\s*=\s*"(\w+)"', _tag_source(source, start))
        if not kind or kind.group(1) not in ("submit", "button", "reset"):
            return
    if needs_words(piece):
        lead = len(piece) - len(piece.lstrip())
        found.append(Literal(start + lead, start + len(piece.rstrip()), piece.strip(), attr))


def _tag_source(source: str, inside: int) -> str:
    start = source.rfind("<", 0, inside)
    end = source.find(">", inside)
    return source[start : end if end >= 0 else len(source)]
