"""Changing a case's status and adding followers inside a caller's transaction, for
use-cases that do more than one thing to a case at once (the console's composer sends
a reply and sets the status in one write).

The rules are those of ``core.update_case``: the status is resolved in the catalog,
its permission checked, the history, audit record and ``case.updated`` event written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from casedesk.domain import members as rules
from casedesk.domain.members import MemberRole
from casedesk.domain.permissions import Permission, Principal
from casedesk.domain.statuses import resolve_status
from casedesk.services.cases import members
from casedesk.services.kernel import audit
from casedesk.services.kernel.case_state import (
    check_status_permission,
    current_status,
    enter_status,
    touch,
)
from casedesk.services.kernel.references import require_agent, status_catalog
from casedesk.services.sla import state as sla
from casedesk.store.models import Case


def change_status_in(
    s: Session, principal: Principal, case: Case, status_id: int, now: datetime
) -> bool:
    """Move a locked case to user status ``status_id``; whether it changed."""
    principal.require(Permission.EDIT_CASE)
    catalog = status_catalog(s, case.corporation_id)
    previous = current_status(catalog, case)
    new = resolve_status(catalog, None, status_id, previous)
    if new.id == previous.id:
        return False
    check_status_permission(principal, new)
    enter_status(s, case, new, now, actor_id=principal.user_id, reason="manual", previous=previous)
    touch(case, now)
    sla.refresh(s, case, now)
    changes = {
        "status_id": {"from": previous.id, "to": new.id},
        "status": {"from": int(previous.internal), "to": int(new.internal)},
    }
    audit.record(
        s,
        principal,
        case.corporation_id,
        "case.updated",
        "case",
        case.id,
        case_id=case.id,
        changes=changes,
        at=now,
    )
    audit.emit(
        s, case.corporation_id, "case.updated", {"case_id": case.id, "fields": sorted(changes)}
    )
    s.flush()
    return True


def add_followers_in(
    s: Session, principal: Principal, case: Case, user_ids: Sequence[int], now: datetime
) -> list[int]:
    """Make the agents ``user_ids`` followers of a locked case; those newly added."""
    roster, rows = members.load(s, case.id)
    before = [m.party for m in rules.active_of_role(roster, MemberRole.FOLLOWER)]
    added = [u for u in dict.fromkeys(user_ids) if u not in before]
    if not added:
        return []
    for uid in added:
        require_agent(s, uid, case.corporation_id, "follower_ids")
        roster = rules.add_member(roster, MemberRole.FOLLOWER, uid, now)
    members.persist(s, case.id, roster, rows)
    audit.record(
        s,
        principal,
        case.corporation_id,
        "member.added",
        "case",
        case.id,
        case_id=case.id,
        changes={"follower_ids": {"from": sorted(before), "to": sorted([*before, *added])}},
        at=now,
    )
    s.flush()
    return added
