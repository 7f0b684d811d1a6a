"""/console/admin/queues: where cases wait, and the group a queue's new cases go to."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.services.reference import groups, queues
from casedesk.services.reference.common import require_manager
from casedesk.services.reference.queues import QueueCreate, QueuePatch
from casedesk.web.routes.admin_forms import (
    Posted,
    RowId,
    done,
    optional,
    options,
    parse,
    show,
    text,
)
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/queues")
HOME = "/console/admin/queues"


@router.get("")
def list_queues(request: Request, agent: Agent) -> Response:
    require_manager(agent.principal)
    db = database(request)
    group_rows = groups.list_groups(db, agent.principal)
    return show(
        request,
        "admin/queues.html",
        {
            "queues": queues.list_queues(db, agent.principal),
            "groups": options(group_rows),
            "group_names": {g.id: g.name for g in group_rows},
        },
    )


def _fields(form: Posted) -> dict[str, object]:
    return {"name": text(form, "name"), "group_id": optional(form, "group_id")}


@router.post("")
def create_queue(request: Request, agent: Agent, form: Posted) -> Response:
    queues.create_queue(database(request), agent.principal, parse(QueueCreate, _fields(form)))
    return done(request, HOME, "created")


@router.get("/{queue_id}")
def edit_queue(request: Request, agent: Agent, queue_id: RowId) -> Response:
    require_manager(agent.principal)
    db = database(request)
    return show(
        request,
        "admin/queue_edit.html",
        {
            "queue": queues.get_queue(db, agent.principal, queue_id),
            "groups": options(groups.list_groups(db, agent.principal)),
        },
    )


@router.post("/{queue_id}")
def update_queue(request: Request, agent: Agent, queue_id: RowId, form: Posted) -> Response:
    patch = parse(QueuePatch, _fields(form))
    queues.update_queue(database(request), agent.principal, queue_id, patch)
    return done(request, HOME, "saved")


@router.post("/{queue_id}/delete")
def delete_queue(request: Request, agent: Agent, queue_id: RowId) -> Response:
    queues.delete_queue(database(request), agent.principal, queue_id)
    return done(request, HOME, "deleted")
