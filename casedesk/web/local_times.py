"""Times as the reader lives them: the Jinja filters ``when`` (a local date and time)
and ``ago`` (how long ago, for lists), in the signed-in person's time zone and
language. Inside, every time is UTC; pages convert at the edge, and each ``<time>``
element keeps the exact UTC instant in its ``datetime`` attribute. Someone who has
no zone yet (or a zone this system no longer knows) reads UTC."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2
from babel import Locale, UnknownLocaleError
from babel.dates import format_timedelta
from markupsafe import Markup

from casedesk.services.kernel.clock import utcnow


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
        return Locale.parse(tag or "en")
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def _reader(context: jinja2.runtime.Context) -> Any:
    return context.get("signed_in")


def local_text(value: datetime, zone_name: str | None) -> str:
    """``2026-12-05 16:17 EST``: the instant in the zone, with the zone's abbreviation."""
    local = value.astimezone(_zone(zone_name))
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or "UTC")


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
    text = local_text(value, getattr(reader, "time_zone", None))
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
        local_text(value, getattr(reader, "time_zone", None)),
        relative_text(value, now, getattr(reader, "language", None)),
    )
