"""A person's reading preferences: the time zone pages show times in and the language
they prefer (for the console's translations). An agent sets both on their profile
page; until they do, the zone their browser reports when they sign in is taken, once.
Contacts get their portal's time zone the same way. Inside, every time stays UTC: the
zone is applied only where a page shows a time, and the API always answers in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from zoneinfo import available_timezones

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.store.db import Database
from casedesk.store.models import Contact, User

#: The languages the console offers, by tag, each named in its own language.
LANGUAGES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
    "nl": "Nederlands",
    "pt": "Português",
    "sv": "Svenska",
    "pl": "Polski",
    "ja": "日本語",
}


@dataclass(frozen=True, slots=True)
class Preferences:
    time_zone: str | None
    language: str | None


@cache
def time_zones() -> list[str]:
    """Every IANA zone name this system knows (from ``tzdata``), sorted."""
    return sorted(z for z in available_timezones() if "/" in z or z == "UTC")


def is_time_zone(name: str) -> bool:
    return name in set(time_zones())


def get_preferences(db: Database, principal: Principal) -> Preferences:
    with db.read() as s:
        user = s.get(User, principal.user_id)
        if user is None:
            raise NotFound("user not found")
        return Preferences(user.time_zone, user.language)


def set_preferences(
    db: Database, principal: Principal, *, time_zone: str, language: str
) -> Preferences:
    """Set the caller's own time zone and language; an unknown zone or language is
    refused, naming the field, and nothing changes."""
    if not is_time_zone(time_zone):
        raise ValidationFailed(f"unknown time zone {time_zone!r}", field="time_zone")
    if language not in LANGUAGES:
        raise ValidationFailed(f"unknown language {language!r}", field="language")
    with db.write() as s:
        user = s.get(User, principal.user_id, with_for_update=True)
        if user is None:
            raise NotFound("user not found")
        changes = audit.diff(
            {"time_zone": user.time_zone, "language": user.language},
            {"time_zone": time_zone, "language": language},
        )
        user.time_zone, user.language = time_zone, language
        if changes:
            audit.record(
                s, principal, user.corporation_id, "user.updated", "user", user.id, changes=changes
            )
        return Preferences(time_zone, language)


def browser_zone(user_or_contact: User | Contact, zone: str) -> None:
    """Take the zone a browser reported (at sign-in) while none is set; a zone this
    system does not know is ignored, as is any zone once one is set."""
    if user_or_contact.time_zone is None and zone and is_time_zone(zone):
        user_or_contact.time_zone = zone
