"""Auto-close with a chaser (ITFlow): a case left in an auto-close status gets a friendly
chaser, and later closes by itself (``domain.auto_close`` decides which and when).

A status auto-closes when its ``auto_close_days`` is set; ``auto_close_chaser_days`` (none
or 0: no chaser) says how long after entering the status the chaser goes out. A reply of
the customer stops the countdown without any help from here: an inbound message moves an
Awaiting-external case back to its last open status, and entering the auto-close status
again starts a new countdown from the new ``status_changed_at``. A chaser sent during an
earlier stay is older than that and does not count.

Run by the scheduler. Candidates are taken in batches with ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so several workers share the work, and the rule is asked again on the locked
row, so no case gets two chasers or is closed twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from casedesk.domain.auto_close import Action, auto_close_step
from casedesk.domain.statuses import InternalStatus, resolve_status
from casedesk.services.cases.messages import publish
from casedesk.services.kernel import audit
from casedesk.services.kernel.case_state import current_status, enter_status, touch
from casedesk.services.kernel.references import status_catalog
from casedesk.services.sla import state as sla
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseMessage, CaseStatus

BATCH = 200

CHASER_TEXT = (
    "Hello,\n\n"
    "we have not heard from you for a while. Is your request solved? If it is not, just "
    "reply to this message and we will pick it up again. Otherwise we will close it "
    "in {days} day(s).\n"
)

#: Statuses the job never acts on, whatever their settings: closing them means nothing
#: (Closed) or would undo a decision (Deleted, Merged, Spam).
_FINAL = (
    InternalStatus.CLOSED,
    InternalStatus.DELETED,
    InternalStatus.MERGED,
    InternalStatus.SPAM,
)


@dataclass(frozen=True, slots=True)
class Timing:
    """One status's auto-close periods."""

    status_id: int
    chaser_after: timedelta | None
    close_after: timedelta
    close_days: int


def timing(status: CaseStatus) -> Timing | None:
    """The periods of ``status``, or None when it never auto-closes.

    ``auto_close_days`` 0 means "close at the next run" (after the chaser, when there is
    one): the rule needs a positive period, so it becomes one second.
    """
    if status.auto_close_days is None or status.internal_status in _FINAL:
        return None
    chaser = status.auto_close_chaser_days
    return Timing(
        status_id=status.id,
        chaser_after=timedelta(days=chaser) if chaser else None,
        close_after=timedelta(days=status.auto_close_days) or timedelta(seconds=1),
        close_days=status.auto_close_days,
    )


def run_auto_close(db: Database, now: datetime) -> int:
    """Send the chasers and close the cases that are due at ``now``; how many."""
    with db.read() as s:
        statuses = s.scalars(
            select(CaseStatus)
            .where(CaseStatus.auto_close_days.is_not(None))
            .order_by(CaseStatus.id)
        ).all()
        timings = [t for t in map(timing, statuses) if t is not None]
    return sum(_run_status(db, t, now) for t in timings)


def _run_status(db: Database, t: Timing, now: datetime) -> int:
    handled = 0
    while True:
        with db.write() as s:
            cases = s.scalars(
                select(Case)
                .where(Case.status_id == t.status_id, _due(t, now))
                .order_by(Case.status_changed_at, Case.id)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            ).all()
            if not cases:
                return handled
            handled_now = sum(_step(s, case, t, now) for case in cases)
        handled += handled_now
        if handled_now == 0:  # nothing the rule acts on is left in the candidates
            return handled


def _due(t: Timing, now: datetime) -> ColumnElement[bool]:
    """The SQL side of ``next_check_at <= now``: a current chaser (sent since the case
    entered the status) makes the close due ``close_after`` later; without one, the chaser
    (or, with none configured, the close) is due after entering."""
    sent = Case.auto_close_chaser_sent_at
    current = and_(sent.is_not(None), sent >= Case.status_changed_at)
    first = t.chaser_after or t.close_after
    return or_(
        and_(current, sent <= now - t.close_after),
        and_(~current, Case.status_changed_at <= now - first),
    )


def _step(s: Session, case: Case, t: Timing, now: datetime) -> int:
    """Re-check the rule on the locked row and act; 1 if something was done."""
    if case.status_id != t.status_id:  # moved on since it was selected
        return 0
    action = auto_close_step(
        entered_at=case.status_changed_at,
        chaser_sent_at=case.auto_close_chaser_sent_at,
        now=now,
        chaser_after=t.chaser_after,
        close_after=t.close_after,
    )
    if action == Action.SEND_CHASER:
        _send_chaser(s, case, t, now)
        return 1
    if action == Action.CLOSE:
        return 1 if _close(s, case, now) else 0
    return 0


def _send_chaser(s: Session, case: Case, t: Timing, now: datetime) -> None:
    msg = CaseMessage(
        case_id=case.id,
        visibility="external",
        direction="outbound",
        is_system=True,
        body_text=CHASER_TEXT.format(days=t.close_days),
        created_at=now,
    )
    s.add(msg)
    s.flush()
    before = case.auto_close_chaser_sent_at
    case.auto_close_chaser_sent_at = now
    touch(case, now)
    sla.refresh(s, case, now, actor_label="scheduler")
    audit.record(
        s,
        None,
        case.corporation_id,
        "case.chaser-sent",
        "case",
        case.id,
        case_id=case.id,
        changes={
            "auto_close_chaser_sent_at": {"from": audit.jsonable(before), "to": now.isoformat()},
            "message": {"from": None, "to": {"id": msg.id, "is_system": True}},
        },
        at=now,
        actor_label="scheduler",
    )
    publish(s, case, msg)
    audit.emit(
        s,
        case.corporation_id,
        "case.chaser",
        {"case_id": case.id, "message_id": msg.id, "close_after_days": t.close_days},
    )


def _close(s: Session, case: Case, now: datetime) -> bool:
    catalog = status_catalog(s, case.corporation_id)
    previous = current_status(catalog, case)
    closed = resolve_status(catalog, int(InternalStatus.CLOSED), None, previous)
    if not enter_status(
        s, case, closed, now, actor_id=None, reason="auto-close", previous=previous
    ):
        return False
    touch(case, now)
    sla.refresh(s, case, now, actor_label="scheduler")
    changes = {
        "status_id": {"from": previous.id, "to": closed.id},
        "status": {"from": int(previous.internal), "to": int(closed.internal)},
    }
    audit.record(
        s,
        None,
        case.corporation_id,
        "case.updated",
        "case",
        case.id,
        case_id=case.id,
        changes=changes,
        at=now,
        actor_label="scheduler",
    )
    audit.emit(
        s,
        case.corporation_id,
        "case.updated",
        {"case_id": case.id, "fields": sorted(changes), "reason": "auto-close"},
    )
    return True
