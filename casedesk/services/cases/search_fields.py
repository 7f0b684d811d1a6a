"""The ``field:value`` parts of a search, as the filters of a ``CaseQuery``.

Values are names as people type them (``status:open``, ``group:"Second line"``,
``assignee:me``) and are looked up in the caller's corporation, ignoring case. A value
that names nothing matches no case, as a filter on an id no case has would: the search
neither fails nor says whether a name exists elsewhere. Several values of one field
match any of them; different fields must all match (as the list filters do).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from casedesk.domain.permissions import Principal
from casedesk.domain.search_query import SearchQuery
from casedesk.domain.statuses import InternalStatus
from casedesk.store.models import (
    CaseStatus,
    ContactEmail,
    Group,
    Organization,
    Priority,
    User,
)

#: An id no row has: a name that names nothing filters on it.
NOTHING = -1
_INTERNAL = {s.name.lower(): int(s) for s in InternalStatus} | {
    s.name.lower().replace("_", "-"): int(s) for s in InternalStatus
}


def field_filters(s: Session, principal: Principal, query: SearchQuery) -> dict[str, Any]:
    """``CaseQuery`` keyword arguments for the fields and ranges of ``query``."""
    corp = principal.corporation_id
    found: dict[str, Any] = {}
    for key, values in query.fields.items():
        if key == "status":
            found["status_id"] = _statuses(s, corp, values)
        elif key == "priority":
            found["priority_id"] = _named(s, corp, Priority.id, Priority.name, values)
        elif key == "group":
            found["group_id"] = _named(s, corp, Group.id, Group.name, values)
        elif key == "organization":
            found["organization_id"] = _named(s, corp, Organization.id, Organization.name, values)
        elif key == "contact":
            email = ContactEmail.email
            found["contact_id"] = _named(s, corp, ContactEmail.contact_id, email, values)
        elif key == "tag":
            found["tag"] = values
        elif key == "assignee":
            found.update(_assignees(s, principal, values))
    for key, span in (("created", query.created), ("updated", query.updated)):
        if span is not None:
            found[f"{key}_after"] = span.after
            found[f"{key}_before"] = span.before
    return found


def _statuses(s: Session, corp: int, values: list[str]) -> list[int]:
    """Status ids of the corporation's statuses named so, or of those mapped onto an
    internal status named so (``status:closed`` finds every closed status)."""
    keys = [v.lower() for v in values]
    internal = [_INTERNAL[k] for k in keys if k in _INTERNAL]
    stmt = select(CaseStatus.id).where(
        CaseStatus.corporation_id == corp,
        func.lower(CaseStatus.name).in_(keys) | CaseStatus.internal_status.in_(internal),
    )
    return list(s.scalars(stmt)) or [NOTHING]


def _named(
    s: Session,
    corp: int,
    id_col: InstrumentedAttribute[int],
    name_col: InstrumentedAttribute[str],
    values: list[str],
) -> list[int]:
    keys = [v.lower() for v in values]
    owner = id_col.class_.corporation_id
    stmt = select(id_col).where(owner == corp, func.lower(name_col).in_(keys))
    return list(s.scalars(stmt)) or [NOTHING]


def _assignees(s: Session, principal: Principal, values: list[str]) -> dict[str, Any]:
    keys = {v.lower() for v in values}
    if "none" in keys:
        if len(keys) > 1:  # unassigned, or assigned to one of them: no single filter
            return {"assignee_id": [NOTHING]}
        return {"unassigned": True}
    ids = [principal.user_id] if "me" in keys and principal.user_id is not None else []
    named = keys - {"me"}
    if named:
        stmt = select(User.id).where(
            User.corporation_id == principal.corporation_id,
            func.lower(User.email).in_(named) | func.lower(User.name).in_(named),
        )
        ids.extend(s.scalars(stmt))
    return {"assignee_id": ids or [NOTHING]}
