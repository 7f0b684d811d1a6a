"""The languages casedesk speaks: gettext catalogs under ``casedesk/locale`` and the
choice of one for a reader.

Each language is ``casedesk/locale/<tag>/LC_MESSAGES/messages.po`` (made and updated by
``scripts/i18n``). The ``.po`` is the only file kept: it is compiled in memory the first
time a process needs it, so a fresh checkout, an installed package and the tests all read
the catalog as it stands, and no compiled file can lag behind its source. English is the
language the code is written in; it needs no catalog.

``negotiate`` picks the language for a reader from what they chose (a profile, a contact's
field) and, failing that, the browser's ``Accept-Language``, with Babel's negotiation.
"""

from __future__ import annotations

import io
from functools import cache
from importlib import resources

from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

#: The language of the code's own texts.
DEFAULT = "en"


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


def _locale_root() -> resources.abc.Traversable:
    return resources.files("casedesk").joinpath("locale")


@cache
def available() -> tuple[str, ...]:
    """The tags with a catalog, and English."""
    root = _locale_root()
    tags = [
        d.name
        for d in root.iterdir()
        if d.is_dir() and d.joinpath("LC_MESSAGES", "messages.po").is_file()
    ]
    return (DEFAULT, *sorted(t for t in tags if t != DEFAULT))


@cache
def translations(tag: str | None) -> NullTranslations:
    """The translations of ``tag`` (English, i.e. the texts as written, if none)."""
    if not tag or tag == DEFAULT or tag not in available():
        return NullTranslations()
    source = _locale_root().joinpath(tag, "LC_MESSAGES", "messages.po")
    with source.open("rb") as po:
        catalog = read_po(po, locale=tag)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def accepted(header: str | None) -> list[str]:
    """The tags of an ``Accept-Language`` header, most wanted first (``*`` and q=0 out)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*" or len(tag) > 35:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, index, tag.replace("_", "-")))
    return [tag for _q, _i, tag in sorted(ranked)]


def negotiate(chosen: str | None, accept_language: str | None = None) -> str:
    """The language to speak: the ``chosen`` one if casedesk speaks it, else the best
    of the browser's, else English."""
    offered = available()
    if chosen:
        picked = negotiate_locale([chosen.lower()], offered, sep="-")
        if picked:
            return picked
    wanted = [tag.lower() for tag in accepted(accept_language)]
    picked = negotiate_locale(wanted, offered, sep="-")
    return picked or DEFAULT


@cache
def locale(tag: str | None) -> Locale:
    """Babel's locale for ``tag`` (dates and numbers), English if unknown."""
    try:
        return Locale.parse(tag or DEFAULT, sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT)
