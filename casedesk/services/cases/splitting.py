"""Splitting a message off a case into a new case of its own.

When one conversation turns out to hold a second problem, the message about it becomes
the start of a new case: in the same group, with the source's priority, category,
queue, organization and contact. The message moves with its attachments, keeping its
id and timestamps, and the two cases are linked as related. The new case is opened
through ``open_case_in``, so every create rule, default, number and permission applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.members import MemberRole
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.cases import members
from casedesk.services.cases.content import Moved, move_message
from casedesk.services.cases.opening import open_case_in
from casedesk.services.cases.schemas import CaseCreate, CaseOut
from casedesk.services.kernel import audit
from casedesk.services.kernel.access import load_case
from casedesk.services.kernel.case_state import ensure_updatable, touch
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import CaseLink, CaseMessage

#: Longest case title.
MAX_TITLE = 500


def split_message(
    db: Database,
    principal: Principal,
    case_id: int,
    message_id: int,
    title: str | None = None,
    *,
    now: datetime | None = None,
) -> CaseOut:
    """Move message ``message_id`` of case ``case_id`` to a new case; returns the new
    case. Needs edit rights on the source and the right to create cases. Without a
    ``title`` the new case is named by the message's first line."""
    return split_messages(db, principal, case_id, [message_id], title, now=now)


def split_messages(
    db: Database,
    principal: Principal,
    case_id: int,
    message_ids: Sequence[int],
    title: str | None = None,
    *,
    now: datetime | None = None,
) -> CaseOut:
    """Move several messages of case ``case_id`` to one new case (the console's split
    form), in one transaction; the first in id order names the new case."""
    now = now or utcnow()
    wanted = sorted(set(message_ids))
    if not wanted:
        raise ValidationFailed("choose at least one message to split off", field="message_ids")
    with db.write() as s:
        source = load_case(s, principal, case_id, Permission.EDIT_CASE, for_update=True)
        principal.require(Permission.CREATE_CASE)
        ensure_updatable(source)
        found = s.scalars(
            select(CaseMessage)
            .where(CaseMessage.id.in_(wanted), CaseMessage.case_id == source.id)
            .order_by(CaseMessage.id)
        ).all()
        missing = sorted(set(wanted) - {m.id for m in found})
        if missing:
            raise NotFound(f"message {missing[0]} not found on case {case_id}")
        first = found[0]
        roster, _ = members.load(s, source.id)
        data = CaseCreate(
            title=title or title_from(first.body_text, f"Split from case {source.id}"),
            group_id=source.group_id,
            priority_id=source.priority_id,
            category_id=source.category_id,
            queue_id=source.queue_id,
            organization_id=source.organization_id,
            contact_id=members.active_party(roster, MemberRole.CONTACT),
        )
        new = open_case_in(s, principal, data, now, source={"split_from": source.id})
        moved = Moved()
        for message in found:
            one = move_message(s, message.id, new.id)
            moved = Moved(
                [*moved.message_ids, *one.message_ids],
                [*moved.attachment_ids, *one.attachment_ids],
            )
        _relate(s, source.id, new.id, now)
        touch(source, now)
        corp = source.corporation_id
        for target, changes in (
            (source.id, moved.changes(leaving=True) | {"links.related": _to(new.id)}),
            (new.id, moved.changes(leaving=False) | {"split_from": _to(source.id)}),
        ):
            audit.record(
                s,
                principal,
                corp,
                "case.split",
                "case",
                target,
                case_id=target,
                changes=changes,
                at=now,
            )
        for message in found:
            audit.emit(
                s,
                corp,
                "case.split",
                {"case_id": source.id, "new_case_id": new.id, "message_id": message.id},
            )
        s.flush()
        return new


def title_from(body: str, fallback: str) -> str:
    """The first non-blank line of ``body``, cut to a title's length."""
    for line in body.splitlines():
        if line.strip():
            return line.strip()[:MAX_TITLE].strip()
    return fallback


def _relate(s: Session, a: int, b: int, now: datetime) -> None:
    low, high = sorted((a, b))
    s.add(CaseLink(case_id=low, other_case_id=high, kind="related", created_at=now))


def _to(value: int) -> dict[str, object]:
    return {"from": None, "to": value}
