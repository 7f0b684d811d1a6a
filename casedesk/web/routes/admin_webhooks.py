"""/console/admin/webhooks: the corporation's outbound webhooks, for admins.

A webhook's secret is shown once, on the page answering its creation or rotation. The
edit page shows the delivery log (state, attempts, the receiver's status, time and start
of answer, or why it got none) with a button to send a delivery again.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.config import Settings
from casedesk.domain.statuses import InternalStatus
from casedesk.domain.webhooks import EVENT_TYPES, AllowList
from casedesk.services.reference import groups
from casedesk.services.webhooks import log, subscriptions
from casedesk.services.webhooks.subscriptions import WebhookCreate, WebhookPatch
from casedesk.web.routes.admin_forms import (
    Posted,
    RowId,
    checked,
    done,
    options,
    parse,
    show,
    text,
    values,
)
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/webhooks")
HOME = "/console/admin/webhooks"
EVENTS = [(name, f"{name}: {text}") for name, text in EVENT_TYPES.items()]
STATUSES = [(str(int(s)), s.name.replace("_", " ").capitalize()) for s in InternalStatus]


def _allow(request: Request) -> AllowList:
    settings: Settings = request.app.state.settings
    return AllowList.parse(settings.webhook_allow)


def _fields(form: Posted) -> dict[str, object]:
    return {
        "url": text(form, "url"),
        "description": text(form, "description"),
        "event_types": values(form, "event_types"),
        "filters": {"group_ids": values(form, "group_ids"), "statuses": values(form, "statuses")},
        "is_active": checked(form, "is_active"),
    }


def _choices(request: Request, agent: Agent) -> dict[str, object]:
    group_rows = groups.list_groups(database(request), agent.principal)
    return {"events": EVENTS, "groups": options(group_rows), "statuses": STATUSES}


@router.get("")
def list_webhooks(request: Request, agent: Agent) -> Response:
    rows = subscriptions.list_webhooks(database(request), agent.principal)
    return show(request, "admin/webhooks.html", {"webhooks": rows} | _choices(request, agent))


@router.post("")
def create_webhook(request: Request, agent: Agent, form: Posted) -> Response:
    data = parse(WebhookCreate, _fields(form))
    created = subscriptions.create_webhook(
        database(request), agent.principal, data, _allow(request)
    )
    return show(request, "admin/webhook_secret.html", {"webhook": created, "what": "created"})


@router.get("/{webhook_id}")
def edit_webhook(request: Request, agent: Agent, webhook_id: RowId) -> Response:
    db = database(request)
    row = subscriptions.get_webhook(db, agent.principal, webhook_id)
    deliveries = log.list_deliveries(db, agent.principal, webhook_id, limit=50)
    context = {"webhook": row, "deliveries": deliveries} | _choices(request, agent)
    return show(request, "admin/webhook_edit.html", context)


@router.post("/{webhook_id}")
def update_webhook(request: Request, agent: Agent, webhook_id: RowId, form: Posted) -> Response:
    patch = parse(WebhookPatch, _fields(form))
    db = database(request)
    subscriptions.update_webhook(db, agent.principal, webhook_id, patch, _allow(request))
    return done(request, f"{HOME}/{webhook_id}", "saved")


@router.post("/{webhook_id}/rotate-secret")
def rotate_secret(request: Request, agent: Agent, webhook_id: RowId) -> Response:
    rotated = subscriptions.rotate_secret(database(request), agent.principal, webhook_id)
    return show(request, "admin/webhook_secret.html", {"webhook": rotated, "what": "rotated"})


@router.post("/{webhook_id}/delete")
def delete_webhook(request: Request, agent: Agent, webhook_id: RowId) -> Response:
    subscriptions.delete_webhook(database(request), agent.principal, webhook_id)
    return done(request, HOME, "deleted")


@router.post("/{webhook_id}/deliveries/{delivery_id}/redeliver")
def redeliver(request: Request, agent: Agent, webhook_id: RowId, delivery_id: RowId) -> Response:
    log.redeliver(database(request), agent.principal, webhook_id, delivery_id)
    return done(request, f"{HOME}/{webhook_id}", "queued")
