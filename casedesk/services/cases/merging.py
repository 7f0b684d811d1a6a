"""Merging one case into another (seed 002 merging, seed 001 ConnectId).

Merging A into B, in one transaction:

- A's messages and all its attachments move to B, keeping their ids and timestamps, and
  B's search index covers their text;
- A's active followers and its assigned user become followers of B (unless already
  following it or assigned to it); users no longer active are left out;
- A's contact becomes B's contact when B has none; otherwise B keeps its contact and
  the audit record names A's;
- A's tags are added to B's;
- A moves to the default Merged status with ``merged_into_id`` = B, after which it
  refuses every update, naming B. Both cases' links show the merge (``merged_into_id``
  on A, ``merged_from`` on B).

Each case gets an audit record listing the message and attachment ids that moved.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain import members as rules
from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.members import MemberRole
from casedesk.domain.merging import FIELD, MergeSide, check_merge
from casedesk.domain.permissions import Permission, Principal
from casedesk.domain.statuses import InternalStatus, resolve_status
from casedesk.services.cases import members, tags
from casedesk.services.cases.content import move_everything
from casedesk.services.cases.schemas import CaseOut
from casedesk.services.cases.views import build_one
from casedesk.services.kernel import audit
from casedesk.services.kernel.access import load_case
from casedesk.services.kernel.case_state import current_status, enter_status, touch
from casedesk.services.kernel.clock import utcnow
from casedesk.services.kernel.references import status_catalog
from casedesk.services.sla import state as sla
from casedesk.store.db import Database
from casedesk.store.models import Case, User


def merge_case(
    db: Database,
    principal: Principal,
    case_id: int,
    into_id: int,
    *,
    now: datetime | None = None,
) -> CaseOut:
    """Merge ``case_id`` into ``into_id``; returns the merged case. Both must be visible
    to the caller and editable. A target the caller cannot see is reported like a
    missing one (422 naming ``into_case_id``)."""
    now = now or utcnow()
    with db.write() as s:
        source = load_case(s, principal, case_id, Permission.EDIT_CASE)
        target = _load_target(s, principal, into_id)
        _lock(s, source.id, target.id)
        check_merge(_side(source), _side(target))

        moved = move_everything(s, source.id, target.id)
        received: dict[str, Any] = moved.changes(leaving=False)
        received |= _join_members(s, source.id, target.id, now)
        wanted_tags = tags.names(s, [source.id, target.id])
        received |= tags.replace_tags(
            s,
            target.corporation_id,
            target.id,
            wanted_tags.get(source.id, []) + wanted_tags.get(target.id, []),
        )

        catalog = status_catalog(s, source.corporation_id)
        previous = current_status(catalog, source)
        merged = resolve_status(catalog, int(InternalStatus.MERGED), None, previous)
        enter_status(
            s, source, merged, now, actor_id=principal.user_id, reason="merged", previous=previous
        )
        source.merged_into_id = target.id
        touch(source, now)
        touch(target, now)
        sla.refresh(s, source, now)
        sla.refresh(s, target, now)

        corp = source.corporation_id
        left: audit.Changes = {
            "merged_into_id": {"from": None, "to": target.id},
            "status_id": {"from": previous.id, "to": merged.id},
            "status": {"from": int(previous.internal), "to": int(merged.internal)},
        }
        left |= moved.changes(leaving=True)
        for case, action, changes in (
            (source, "case.merged", left),
            (target, "case.merged_in", {"merged_from": {"from": None, "to": source.id}} | received),
        ):
            audit.record(
                s,
                principal,
                corp,
                action,
                "case",
                case.id,
                case_id=case.id,
                changes=changes,
                at=now,
            )
        audit.emit(
            s,
            corp,
            "case.merged",
            {
                "case_id": source.id,
                "into": target.id,
                "message_ids": moved.message_ids,
                "attachment_ids": moved.attachment_ids,
            },
        )
        s.flush()
        return build_one(s, source, principal)


def _load_target(s: Session, principal: Principal, into_id: int) -> Case:
    try:
        return load_case(s, principal, into_id, Permission.EDIT_CASE)
    except NotFound:
        raise ValidationFailed(f"{FIELD} {into_id} does not exist", field=FIELD) from None


def _lock(s: Session, *case_ids: int) -> None:
    """Lock both rows in id order, so two merges of the same pair in opposite directions
    queue instead of deadlocking (PostgreSQL), and reload them as locked."""
    s.scalars(
        select(Case)
        .where(Case.id.in_(set(case_ids)))
        .order_by(Case.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()


def _side(case: Case) -> MergeSide:
    return MergeSide(case.id, InternalStatus(case.status), case.merged_into_id)


def _join_members(s: Session, source_id: int, target_id: int, now: datetime) -> dict[str, Any]:
    """The source's followers and assigned user follow the target; its contact becomes
    the target's when the target has none. Returns the target's audit changes."""
    source_roster, _ = members.load(s, source_id)
    roster, rows = members.load(s, target_id)
    people = [
        m.party
        for m in source_roster
        if m.active and m.role in (MemberRole.FOLLOWER, MemberRole.ASSIGNED_USER)
    ]
    active_users = set(
        s.scalars(select(User.id).where(User.id.in_(people), User.is_active.is_(True)))
    )
    assignee = members.active_party(roster, MemberRole.ASSIGNED_USER)
    joined: list[int] = []
    for uid in dict.fromkeys(people):
        if uid not in active_users or uid == assignee:
            continue
        after = rules.add_member(roster, MemberRole.FOLLOWER, uid, now)
        if after != roster:
            joined.append(uid)
            roster = after
    changes: dict[str, Any] = {}
    if joined:
        changes[f"members.{MemberRole.FOLLOWER.value}"] = {"from": None, "to": joined}
    contact = members.active_party(source_roster, MemberRole.CONTACT)
    current = members.active_party(roster, MemberRole.CONTACT)
    if contact is not None and current is None:
        roster = members.set_single(roster, MemberRole.CONTACT, contact, now)
        changes["contact_id"] = {"from": None, "to": contact}
    elif contact is not None and contact != current:
        changes["merged_contact_id"] = {"from": None, "to": contact}
    members.persist(s, target_id, roster, rows)
    return changes
