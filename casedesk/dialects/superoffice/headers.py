"""The request headers SuperOffice clients send: credentials (Basic against the core's
users; Bearer or SoTicket against its API tokens), the language and the time zone of the
answer."""

from __future__ import annotations

import re
from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Request

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.http_credentials import header_caller


def caller(request: Request) -> Principal:
    # SuperOffice's own ticket scheme carries a session credential; casedesk's API
    # tokens play that part, so "SOTicket <token>" is the same as "Bearer <token>".
    return header_caller(
        request,
        "send Basic, Bearer or SOTicket credentials in the Authorization header",
        token_schemes=("bearer", "soticket"),
    )


def time_zone(request: Request) -> tzinfo:
    """SO-TimeZone as an IANA name (e.g. Europe/Oslo); UTC when absent."""
    name = request.headers.get("so-timezone", "").strip()
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(f"unknown time zone {name!r}", field="SO-TimeZone") from None


_ISO2 = re.compile(r"^[a-z]{2}$")


def language(request: Request) -> str | None:
    """SO-Language, else the first Accept-Language, as an ISO 639-1 code."""
    raw = request.headers.get("so-language") or request.headers.get("accept-language") or ""
    first = raw.split(",")[0].split(";")[0].strip().lower()[:2]
    if not first or first == "*":
        return None
    if not _ISO2.match(first):
        raise ValidationFailed(f"unknown language {raw!r}", field="SO-Language")
    return first
