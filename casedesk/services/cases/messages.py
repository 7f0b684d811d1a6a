"""Messages on a case: external messages (to/from the customer) and internal notes.

An inbound external message updates the external timestamp and can reopen the case
(Closed / Awaiting external go back to the last open status); agent messages update the
internal timestamp, and the first outbound one is the first response. Every message
a person writes (the customer's by any channel, an agent's reply or note) is the case's
latest activity: lists sort by it and mark it unread for those who have not seen it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import DomainError, NotFound, ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.domain.statuses import status_after_external_update
from casedesk.services.attachments.uploads import UploadRef, attach_uploads_in
from casedesk.services.cases.schemas import MessageCreate, MessageOut
from casedesk.services.cases.search_text import index_message
from casedesk.services.kernel import audit
from casedesk.services.kernel.access import load_case
from casedesk.services.kernel.case_state import (
    current_status,
    ensure_updatable,
    enter_status,
    last_open_status,
)
from casedesk.services.kernel.clock import utcnow
from casedesk.services.kernel.references import require_ref, status_catalog
from casedesk.services.reference.vocabulary import check_note_words
from casedesk.services.sla import state as sla
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseMessage, Contact

_INSERT = insert(CaseMessage).returning(CaseMessage.id)


def add_message(
    db: Database,
    principal: Principal,
    case_id: int,
    data: MessageCreate,
    *,
    uploads: Sequence[UploadRef] = (),
    now: datetime | None = None,
) -> MessageOut:
    """Add a message; ``uploads`` (the caller's pending uploads) become its attachments
    in the same transaction."""
    now = now or utcnow()
    with db.write() as s:
        return add_message_on(s, principal, case_id, data, now, uploads=uploads)


def add_messages(
    db: Database, orders: Sequence[tuple[Principal, int, MessageCreate]], now: datetime
) -> list[MessageOut | Exception]:
    """Add the messages of ``orders`` (caller, case id, message) in one write
    transaction, each in a savepoint of its own, as if each were written alone: a
    refused one undoes only itself, and each one's events (rules, notifications) are
    handled when its savepoint ends. The cases are taken in the order of their ids, so
    two batches never wait on each other's case locks (PostgreSQL); messages on one case
    keep their order. An answer for each, in order. When the transaction fails as a
    whole, each message is added alone."""
    if len(orders) == 1:
        return [_add_alone(db, orders[0], now)]
    answers: list[MessageOut | Exception] = [_NOT_DONE] * len(orders)
    try:
        with db.write() as s:
            connection = s.connection()
            for index in sorted(range(len(orders)), key=lambda i: orders[i][1]):
                principal, case_id, data = orders[index]
                one = Session(
                    bind=connection,
                    join_transaction_mode="create_savepoint",
                    expire_on_commit=False,
                )
                try:
                    with one, one.begin():
                        answers[index] = add_message_on(one, principal, case_id, data, now)
                except DomainError as exc:
                    answers[index] = exc
    except Exception:  # which message failed is found by adding each alone
        return [_add_alone(db, order, now) for order in orders]
    return answers


_NOT_DONE = RuntimeError("not added")


def _add_alone(
    db: Database, order: tuple[Principal, int, MessageCreate], now: datetime
) -> MessageOut | Exception:
    try:
        with db.write() as s:
            return add_message_on(s, *order, now)
    except Exception as exc:  # that message's own answer, whatever it is
        return exc


def add_message_on(
    s: Session,
    principal: Principal,
    case_id: int,
    data: MessageCreate,
    now: datetime,
    *,
    uploads: Sequence[UploadRef] = (),
) -> MessageOut:
    """``add_message`` in the caller's write transaction (the API's hot route
    authenticates its caller in the same transaction)."""
    case = load_case(s, principal, case_id, Permission.ADD_NOTE, for_update=True)
    msg = add_message_in(s, principal, case, data, now)
    if uploads:
        attach_uploads_in(s, principal, case, uploads, now, message_id=msg.id)
    return msg


def add_message_in(
    s: Session,
    principal: Principal,
    case: Case,
    data: MessageCreate,
    now: datetime,
    *,
    email_headers: dict[str, Any] | None = None,
    message_id_header: str | None = None,
    reopen: bool = True,
) -> MessageOut:
    """``add_message`` on a case the caller's transaction has loaded and locked: updates
    that carry a note make the change and its note one write, and the email channel adds
    a mail's message, its attachments and its intake record in one. ``reopen=False``
    keeps the status of the case (an auto-reply does not reopen a closed case)."""
    principal.require(Permission.ADD_NOTE)
    direction = data.direction or ("note" if data.visibility == "internal" else "outbound")
    if data.visibility == "internal" and direction != "note":
        raise ValidationFailed("internal messages are notes", field="direction")
    if data.visibility == "external" and direction == "note":
        raise ValidationFailed("a note is internal", field="direction")
    ensure_updatable(case)
    if data.contact_id is not None:
        require_ref(s, Contact, data.contact_id, case.corporation_id, "contact_id")
    check_note_words(s, case.corporation_id, data.note_type, data.activity_code)
    row = dict(
        case_id=case.id,
        visibility=data.visibility,
        direction=direction,
        is_system=False,
        author_user_id=None if direction == "inbound" else principal.user_id,
        author_contact_id=data.contact_id if direction == "inbound" else None,
        body_text=data.body_text,
        body_html=data.body_html,
        note_type=data.note_type,
        activity_code=data.activity_code,
        duration_seconds=data.duration_seconds,
        email_headers=email_headers,
        message_id_header=message_id_header,
        created_at=now,
    )
    # A Core INSERT: the ORM's unit of work adds cost and nothing else for a new row
    # that nothing else in the transaction holds. The object is what the answer, the
    # index and the event read (it is not added to the session).
    msg = CaseMessage(id=s.connection().execute(_INSERT, row).scalar_one(), **row)
    changes: dict[str, dict[str, object]] = {}
    case.last_activity_at = now
    case.last_activity_by_id = principal.user_id
    if direction == "inbound" and not reopen:
        case.external_updated_at = now
    elif direction == "inbound":
        case.external_updated_at = now
        catalog = status_catalog(s, case.corporation_id)
        previous = current_status(catalog, case)
        new = status_after_external_update(catalog, previous, last_open_status(catalog, case))
        if enter_status(
            s, case, new, now, actor_id=None, reason="external-update", previous=previous
        ):
            changes["status_id"] = {"from": previous.id, "to": new.id}
    else:
        case.internal_updated_at = now
        if direction == "outbound" and case.first_response_at is None:
            case.first_response_at = now
    sla.refresh(s, case, now)
    audit.record(
        s,
        principal,
        case.corporation_id,
        "message.added",
        "message",
        msg.id,
        case_id=case.id,
        changes={
            "message": {
                "from": None,
                "to": {"visibility": data.visibility, "direction": direction},
            }
        }
        | changes,
        at=now,
    )
    publish(s, case, msg)
    s.flush()
    return _out(msg)


def get_message(db: Database, principal: Principal, message_id: int) -> MessageOut:
    """One message, if the caller may see its case (NotFound alike otherwise)."""
    with db.read() as s:
        msg = s.get(CaseMessage, message_id)
        if msg is None:
            raise NotFound(f"message {message_id} not found")
        try:
            load_case(s, principal, msg.case_id)
        except NotFound:
            raise NotFound(f"message {message_id} not found") from None
        return _out(msg)


def publish(s: Session, case: Case, msg: CaseMessage) -> None:
    """Index a stored message and announce it. Every message goes through here, so the
    channels that deliver external messages (email) see each one, system messages too."""
    index_message(s, msg)
    audit.emit(
        s,
        case.corporation_id,
        "message.added",
        {
            "case_id": case.id,
            "message_id": msg.id,
            "visibility": msg.visibility,
            "direction": msg.direction,
            "is_system": msg.is_system,
        },
    )


def list_messages(
    db: Database, principal: Principal, case_id: int, *, include_internal: bool = True
) -> list[MessageOut]:
    with db.read() as s:
        load_case(s, principal, case_id)
        stmt = select(CaseMessage).where(CaseMessage.case_id == case_id)
        if not include_internal:
            stmt = stmt.where(CaseMessage.visibility == "external")
        return [_out(m) for m in s.scalars(stmt.order_by(CaseMessage.id))]


def _out(m: CaseMessage) -> MessageOut:
    return MessageOut(
        id=m.id,
        case_id=m.case_id,
        visibility=m.visibility,
        direction=m.direction,
        is_system=m.is_system,
        author_user_id=m.author_user_id,
        author_contact_id=m.author_contact_id,
        body_text=m.body_text,
        body_html=m.body_html,
        note_type=m.note_type,
        activity_code=m.activity_code,
        duration_seconds=m.duration_seconds,
        created_at=m.created_at,
    )
