"""The scopes of an API token: what a token may be used for, whatever its user may do.

A scope is ``<area>:read`` or ``<area>:write`` for an area of the native API, or the
name of a dialect face (a token without ``itx`` is refused on the ITX face). A token's
scopes only narrow it: the user's role, permissions and groups still apply on top.
``write`` does not imply ``read``; a token that should do both holds both.

Which scopes a request needs follows from its face, method and path alone
(``required_scopes``), so it is checked once, where the credential is resolved, and not
in every handler. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable

from casedesk.domain.errors import Forbidden, ValidationFailed

#: The areas of the native API, each with a read and a write scope.
AREAS = ("cases", "messages", "attachments", "reference", "admin", "reports")
#: The dialect faces, one scope each.
FACES = ("itx", "superoffice", "itflow", "trackit", "casemgmt")
#: Every scope, in the order they are shown.
ALL_SCOPES: tuple[str, ...] = (
    *(f"{area}:{access}" for area in AREAS for access in ("read", "write")),
    *FACES,
)

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Dialect routes that read with a ``POST`` (the protocol's choice): the end of the path.
_READ_POSTS = ("/itxems/cases/search", "/GetTicketEntity", "/CreateDefaultTicketEntity")

#: The first path segment under ``/api/v1`` of each area other than cases and reference.
_NATIVE_AREAS = {
    "changes": "cases",
    "exports": "reports",
    "reports": "reports",
    "surveys": "reports",
    "webhooks": "admin",
    "corporations": "admin",
    "mailboxes": "admin",
    "sign-in-providers": "admin",
    "sign-in-rules": "admin",
    "mail": "admin",
}

#: Path prefixes of the dialect faces.
_FACE_PREFIXES = (
    ("/itx/", "itx"),
    ("/superoffice/", "superoffice"),
    ("/itflow/", "itflow"),
    ("/trackit/", "trackit"),
    ("/casemgmt/", "casemgmt"),
)


def parse_scopes(values: Iterable[str]) -> frozenset[str]:
    """Scopes from their names (separated by spaces or commas); ``ValidationFailed``
    naming an unknown one."""
    scopes = {part for value in values for part in value.replace(",", " ").split() if part.strip()}
    unknown = sorted(scopes - set(ALL_SCOPES))
    if unknown:
        raise ValidationFailed(
            f"unknown scope {unknown[0]}; scopes are: {' '.join(ALL_SCOPES)}", field="scopes"
        )
    return frozenset(scopes)


def format_scopes(scopes: Iterable[str]) -> str:
    """Scopes as stored and shown: space-separated, in ``ALL_SCOPES`` order."""
    held = set(scopes)
    return " ".join(scope for scope in ALL_SCOPES if scope in held)


def implied_scopes() -> frozenset[str]:
    """The scopes of a token made without any named: every scope, as tokens had before
    scopes existed. The user's role still limits what the token does."""
    return frozenset(ALL_SCOPES)


def access_of(method: str) -> str:
    return "read" if method.upper() in _READ_METHODS else "write"


def native_area(path: str) -> str:
    """The area of a native API path (after ``/api/v1``)."""
    parts = [part for part in path.split("/") if part]
    if not parts:
        return "reference"
    if parts[0] == "cases":
        if len(parts) >= 3 and parts[2] in ("messages", "attachments"):
            return parts[2]
        return "cases"
    return _NATIVE_AREAS.get(parts[0], "reference")


def required_scopes(method: str, path: str) -> tuple[str, ...]:
    """The scopes a token's request needs: the face's scope on a dialect face and
    ``cases:read`` or ``cases:write``; the area's read or write scope on the native API."""
    access = access_of(method)
    for prefix, face in _FACE_PREFIXES:
        if path.startswith(prefix):
            if path.rstrip("/").endswith(_READ_POSTS):
                access = "read"
            return (face, f"cases:{access}")
    if path.startswith("/api/v1/"):
        return (f"{native_area(path[len('/api/v1') :])}:{access}",)
    return ()


def require_scopes(granted: frozenset[str] | None, needed: Iterable[str]) -> None:
    """``Forbidden`` naming the first scope of ``needed`` not in ``granted``. ``None``
    is a caller that is not a token (a web session, a password): not limited by scope."""
    if granted is None:
        return
    for scope in needed:
        if scope not in granted:
            raise Forbidden(f"this token lacks the scope {scope}", scope=scope)
