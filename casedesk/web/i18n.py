"""The language of the page being rendered.

``render`` picks the language (``speaking``) and holds it in a context variable for the
time the template renders; ``_``/``gettext``/``ngettext`` in templates and the ``when``,
``ago`` and ``number`` filters read it. The variable is set and reset in the thread that
renders, so pages rendered at once in the server's thread pool never see each other's
language, and nothing outside a render depends on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from fastapi import Request

from casedesk.domain.said import Said
from casedesk.services.kernel import translations

_language: ContextVar[str] = ContextVar("page_language", default=translations.DEFAULT)


def page_language(request: Request, signed_in: Any) -> str:
    """The reader's language: their own choice (an agent's profile, a contact's field),
    else the browser's ``Accept-Language``, else English."""
    chosen = getattr(signed_in, "language", None)
    return translations.negotiate(chosen, request.headers.get("accept-language"))


def current() -> str:
    """The language of the page being rendered."""
    return _language.get()


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Render in ``language`` inside the block."""
    token = _language.set(language)
    try:
        yield
    finally:
        _language.reset(token)


def gettext(message: str) -> str:
    return translations.translations(_language.get()).gettext(message)


def translate(text: str) -> str:
    """A text made in code: a ``Said`` sentence said again in the page's language, any
    other text marked with ``N_`` looked up as it is."""
    if isinstance(text, Said):
        return text.say(gettext)
    return gettext(text)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations.translations(_language.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return str(translations.translations(_language.get()).pgettext(context, message))


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return str(translations.translations(_language.get()).npgettext(context, singular, plural, n))
