"""Reading and marking one's own notifications, and choosing which kinds go by email.

Every read joins the cases the caller may see now: a notification about a case that
has since left the caller's groups is neither listed, counted nor markable (404)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from casedesk.domain.errors import NotFound
from casedesk.domain.permissions import Principal
from casedesk.services.kernel.access import readable_cases
from casedesk.services.kernel.clock import utcnow
from casedesk.services.notifications.deriving import KINDS
from casedesk.services.reference.common import In, Out
from casedesk.store.db import Database
from casedesk.store.models import Case, Notification, NotificationSetting

Kind = Literal["assigned", "mentioned", "replied", "sla_warning", "sla_breach", "escalated"]


class NotificationOut(Out):
    id: int
    kind: str
    case_id: int
    case_number: int
    case_title: str
    created_at: datetime
    read_at: datetime | None


class NotificationSettings(In):
    """For each kind, whether it also goes by email (a kind left out keeps its choice)."""

    email: dict[Kind, bool]


def _visible_ids(principal: Principal) -> Select[tuple[int]]:
    """The ids of the cases ``principal`` may see now, for an ``IN``."""
    return readable_cases(principal).with_only_columns(Case.id)


def list_notifications(
    db: Database, principal: Principal, *, unread_only: bool = False, limit: int = 50
) -> list[NotificationOut]:
    """The caller's newest notifications first, about cases they may see."""
    with db.read() as s:
        stmt = (
            select(Notification, Case.number, Case.title)
            .join(Case, Case.id == Notification.case_id)
            .where(
                Notification.user_id == principal.user_id,
                Notification.case_id.in_(_visible_ids(principal)),
            )
            .order_by(Notification.id.desc())
            .limit(limit)
        )
        if unread_only:
            stmt = stmt.where(Notification.read_at.is_(None))
        return [
            NotificationOut(
                id=n.id,
                kind=n.kind,
                case_id=n.case_id,
                case_number=number,
                case_title=title,
                created_at=n.created_at,
                read_at=n.read_at,
            )
            for n, number, title in s.execute(stmt)
        ]


def unread_count(db: Database, principal: Principal) -> int:
    with db.read() as s:
        return int(
            s.scalar(
                select(func.count(Notification.id)).where(
                    Notification.user_id == principal.user_id,
                    Notification.read_at.is_(None),
                    Notification.case_id.in_(_visible_ids(principal)),
                )
            )
            or 0
        )


def mark_read(db: Database, principal: Principal, notification_id: int) -> NotificationOut:
    """Mark one of the caller's notifications read (again: no change) and return it."""
    with db.write() as s:
        n = _own(s, principal, notification_id)
        if n.read_at is None:
            n.read_at = utcnow()
        case = s.get(Case, n.case_id)
        assert case is not None
        return NotificationOut(
            id=n.id,
            kind=n.kind,
            case_id=n.case_id,
            case_number=case.number,
            case_title=case.title,
            created_at=n.created_at,
            read_at=n.read_at,
        )


def mark_all_read(db: Database, principal: Principal) -> int:
    """Mark all of the caller's unread notifications read; how many were."""
    with db.write() as s:
        result = s.execute(
            update(Notification)
            .where(
                Notification.user_id == principal.user_id,
                Notification.read_at.is_(None),
                Notification.case_id.in_(_visible_ids(principal)),
            )
            .values(read_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _own(s: Session, principal: Principal, notification_id: int) -> Notification:
    n = s.scalar(
        select(Notification).where(
            Notification.id == notification_id,
            Notification.user_id == principal.user_id,
            Notification.case_id.in_(_visible_ids(principal)),
        )
    )
    if n is None:
        raise NotFound(f"notification {notification_id} not found")
    return n


def get_settings(db: Database, principal: Principal) -> NotificationSettings:
    with db.read() as s:
        return NotificationSettings(email=_email_choices(s, principal.user_id))


def put_settings(
    db: Database, principal: Principal, data: NotificationSettings
) -> NotificationSettings:
    with db.write() as s:
        rows = {
            r.kind: r
            for r in s.scalars(
                select(NotificationSetting).where(NotificationSetting.user_id == principal.user_id)
            )
        }
        for kind, email in data.email.items():
            if kind in rows:
                rows[kind].email = email
            else:
                s.add(NotificationSetting(user_id=principal.user_id, kind=kind, email=email))
        s.flush()
        return NotificationSettings(email=_email_choices(s, principal.user_id))


def _email_choices(s: Session, user_id: int) -> dict[Kind, bool]:
    rows = s.execute(
        select(NotificationSetting.kind, NotificationSetting.email).where(
            NotificationSetting.user_id == user_id
        )
    )
    chosen = {kind: email for kind, email in rows}
    return {k: bool(chosen.get(k, True)) for k in KINDS}  # type: ignore[misc]


def without_email(s: Session, user_ids: list[int], kind: str) -> set[int]:
    """Of ``user_ids``, those who chose not to get ``kind`` by email."""
    if not user_ids:
        return set()
    return set(
        s.scalars(
            select(NotificationSetting.user_id).where(
                NotificationSetting.user_id.in_(user_ids),
                NotificationSetting.kind == kind,
                NotificationSetting.email.is_(False),
            )
        )
    )
