"""Queues cases wait in. A queue may name the group its new cases belong to."""

from __future__ import annotations

from sqlalchemy import select

from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.services.kernel.references import require_ref
from casedesk.services.reference.common import (
    Id,
    In,
    Name100,
    Out,
    created,
    deleted,
    ensure_unique,
    ensure_unused,
    flush,
    get_row,
    present,
    require_manager,
    snapshot,
)
from casedesk.store.db import Database
from casedesk.store.models import Group, Queue

_FIELDS = ("name", "group_id")


class QueueOut(Out):
    id: int
    name: str
    group_id: int | None


class QueueCreate(In):
    name: Name100
    group_id: Id | None = None


class QueuePatch(In):
    name: Name100 | None = None
    group_id: Id | None = None


def list_queues(db: Database, principal: Principal) -> list[QueueOut]:
    with db.read() as s:
        rows = s.scalars(
            select(Queue)
            .where(Queue.corporation_id == principal.corporation_id)
            .order_by(Queue.name, Queue.id)
        )
        return [QueueOut.model_validate(r) for r in rows]


def get_queue(db: Database, principal: Principal, queue_id: int) -> QueueOut:
    with db.read() as s:
        return QueueOut.model_validate(
            get_row(s, Queue, queue_id, principal.corporation_id, "queue")
        )


def create_queue(db: Database, principal: Principal, data: QueueCreate) -> QueueOut:
    require_manager(principal)
    corp = principal.corporation_id
    with db.write() as s:
        if data.group_id is not None:
            require_ref(s, Group, data.group_id, corp, "group_id")
        ensure_unique(s, Queue, corp, "name", data.name, "queue")
        row = Queue(corporation_id=corp, name=data.name, group_id=data.group_id)
        s.add(row)
        flush(s, f"a queue named {data.name!r} exists already")
        audit.record(
            s,
            principal,
            corp,
            "queue.created",
            "queue",
            row.id,
            changes=created(snapshot(row, _FIELDS)),
        )
        return QueueOut.model_validate(row)


def update_queue(db: Database, principal: Principal, queue_id: int, patch: QueuePatch) -> QueueOut:
    values = present(patch, ("name",))
    with db.write() as s:
        row = get_row(s, Queue, queue_id, principal.corporation_id, "queue")
        require_manager(principal)
        before = snapshot(row, _FIELDS)
        after = before | values
        if after == before:
            return QueueOut.model_validate(row)
        if after["group_id"] is not None:
            require_ref(s, Group, after["group_id"], row.corporation_id, "group_id")
        ensure_unique(
            s, Queue, row.corporation_id, "name", after["name"], "queue", exclude_id=row.id
        )
        row.name, row.group_id = after["name"], after["group_id"]
        flush(s, f"a queue named {row.name!r} exists already")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "queue.updated",
            "queue",
            row.id,
            changes=audit.diff(before, after),
        )
        return QueueOut.model_validate(row)


def delete_queue(db: Database, principal: Principal, queue_id: int) -> None:
    with db.write() as s:
        row = get_row(s, Queue, queue_id, principal.corporation_id, "queue")
        require_manager(principal)
        ensure_unused(s, Queue, row.id, "queue")
        before = snapshot(row, _FIELDS)
        s.delete(row)
        flush(s, f"queue {queue_id} is still in use")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "queue.deleted",
            "queue",
            queue_id,
            changes=deleted(before),
        )
