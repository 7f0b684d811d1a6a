"""Times and numbers as the reader lives them: the Jinja filters ``when`` (a local date
and time), ``ago`` (how long ago, for lists) and ``number``, in the signed-in person's
time zone and the page's language (English keeps ``2026-12-05 16:17 EST``; other
languages their own forms, through Babel). Inside, every time is UTC; pages convert
at the edge, and each ``<time>`` element keeps the exact UTC instant in its
``datetime`` attribute. Someone who has no zone yet (or a zone this system no longer
knows) reads UTC."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, format_timedelta
from babel.numbers import format_decimal
from markupsafe import Markup

from casedesk.services.kernel.clock import utcnow
from casedesk.web import i18n


@cache
def _zone(name: str | None) -> tzinfo:
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


@cache
def _locale(tag: str | None) -> Locale:
    try:
        return Locale.parse(tag or "en", sep="-")
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def _reader(context: jinja2.runtime.Context) -> Any:
    return context.get("signed_in")


def _language(context: jinja2.runtime.Context) -> str:
    """The language of dates: the reader's own (even one the pages are not written in),
    else the page's."""
    return getattr(_reader(context), "language", None) or i18n.current()


def local_text(value: datetime, zone_name: str | None, language: str | None = None) -> str:
    """``2026-12-05 16:17 EST`` (English) or ``05.12.2026, 16:17 EST`` (German): the
    instant in the zone, in the language's own date and time forms, with the zone's
    abbreviation."""
    local = value.astimezone(_zone(zone_name))
    zone = local.tzname() or "UTC"
    if not language or language.split("-")[0] == "en":
        return local.strftime("%Y-%m-%d %H:%M ") + zone
    where = _locale(language)
    day = format_date(local, format="medium", locale=where)
    return f"{day}, {format_time(local, format='short', locale=where)} {zone}"


def relative_text(value: datetime, now: datetime, language: str | None) -> str:
    """``2 hr. ago``, ``in 5 min.``: the distance from ``now`` in the reader's language."""
    return format_timedelta(
        value - now, add_direction=True, format="short", locale=_locale(language)
    )


@jinja2.pass_context
def when(context: jinja2.runtime.Context, value: datetime | None) -> Markup:
    if value is None:
        return Markup("")
    reader = _reader(context)
    text = local_text(value, getattr(reader, "time_zone", None), _language(context))
    return Markup('<time datetime="{}">{}</time>').format(value.isoformat(), text)


@jinja2.pass_context
def ago(context: jinja2.runtime.Context, value: datetime | None) -> Markup:
    """How long ago, with the local date and time as the element's title."""
    if value is None:
        return Markup("")
    reader = _reader(context)
    now = utcnow()
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        value.isoformat(),
        local_text(value, getattr(reader, "time_zone", None), _language(context)),
        relative_text(value, now, _language(context)),
    )


@jinja2.pass_context
def number(context: jinja2.runtime.Context, value: float | int | None) -> str:
    """``1,234.5`` or ``1.234,5``: a number in the page's language."""
    if value is None:
        return ""
    return format_decimal(value, locale=_locale(_language(context)))
