"""What the console's pages share: the corporation's reference lists by id (for names
in tables and choices in forms), the request's database, blob store and settings, and
the Jinja filters that format values (durations, sanitized email HTML;
dates and times are ``web.local_times``'s)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

import nh3
from fastapi import Path, Request
from markupsafe import Markup

from casedesk.config import Settings
from casedesk.domain.permissions import Principal
from casedesk.services.kernel.translations import N_
from casedesk.services.reference.accounts import UserSummary, list_users
from casedesk.services.reference.categories import CategoryOut, list_categories
from casedesk.services.reference.field_definitions import FieldDefinitionOut, list_fields
from casedesk.services.reference.priorities import PriorityOut, list_priorities
from casedesk.services.reference.queues import QueueOut, list_queues
from casedesk.services.reference.statuses import StatusOut, list_statuses
from casedesk.store.blobs import BlobStore
from casedesk.store.db import Database
from casedesk.web.session import database
from casedesk.web.templating import env

CaseId = Annotated[int, Path(ge=1, le=2**53)]
OtherId = Annotated[int, Path(ge=1, le=2**53)]

#: Internal statuses a case is still being worked in (not Closed, Deleted, Merged, Spam).
OPEN_STATUSES = (1, 3, 7, 8)
INTERNAL_NAMES = {
    1: N_("Open"),
    2: N_("Closed"),
    3: N_("Awaiting external"),
    4: N_("Deleted"),
    5: N_("Merged"),
    6: N_("Spam"),
    7: N_("Awaiting internal"),
    8: N_("On hold"),
}


@dataclass(frozen=True, slots=True)
class Lookups:
    statuses: dict[int, StatusOut]
    priorities: dict[int, PriorityOut]
    categories: dict[int, CategoryOut]
    queues: dict[int, QueueOut]
    users: dict[int, UserSummary]
    fields: list[FieldDefinitionOut]

    def user_name(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        user = self.users.get(user_id)
        return (user.name or user.email) if user else f"user {user_id}"

    def name(self, kind: str, ref: int | None) -> str:
        if ref is None:
            return ""
        table: (
            dict[int, StatusOut]
            | dict[int, PriorityOut]
            | dict[int, CategoryOut]
            | dict[int, QueueOut]
        ) = getattr(self, kind)
        row = table.get(ref)
        return row.name if row else f"#{ref}"


def lookups(db: Database, principal: Principal) -> Lookups:
    users = list_users(db, principal, is_active=True, limit=1000)
    return Lookups(
        statuses={s.id: s for s in list_statuses(db, principal)},
        priorities={p.id: p for p in sorted(list_priorities(db, principal), key=lambda p: p.rank)},
        categories={c.id: c for c in list_categories(db, principal)},
        queues={q.id: q for q in list_queues(db, principal)},
        users={u.id: u for u in users},
        fields=list_fields(db, principal),
    )


def blob_store(request: Request) -> BlobStore:
    store: BlobStore = request.app.state.blob_store
    return store


def settings(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value


def db_of(request: Request) -> Database:
    return database(request)


def field_text(value: object) -> str:
    """A value as a form shows it, and as a submitted form is compared with it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def duration(seconds: int) -> str:
    """``2d 3h``, ``3h 20m``, ``5m``: a timer as people read it."""
    minutes = max(abs(seconds), 0) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins}m"
    return f"{mins}m"


def email_html(html: str) -> Markup:
    """Email HTML made safe to show inside the page: an allowlist of tags and
    attributes (no script, no event handlers, no styles), links opened without a
    referrer. Done at render time, so a better allowlist applies to old mail too."""
    return Markup(nh3.clean(html, link_rel="noopener noreferrer nofollow"))


env.filters["email_html"] = email_html
env.filters["field_text"] = field_text
env.filters["duration"] = duration
