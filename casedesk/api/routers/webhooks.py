"""/webhooks: the corporation's outbound webhooks, their delivery log and redelivery.
Admins only: a webhook sends every matching case of the corporation outside."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from casedesk.api.deps import Caller, Db, get_settings
from casedesk.api.routers.reference_params import ERRORS, Limit, Offset, RowId
from casedesk.api.routing import NativeRoute
from casedesk.config import Settings
from casedesk.domain.webhooks import AllowList
from casedesk.services.webhooks import log, subscriptions
from casedesk.services.webhooks.log import DeliveryOut, State
from casedesk.services.webhooks.subscriptions import (
    WebhookCreate,
    WebhookOut,
    WebhookPatch,
    WebhookWithSecret,
)

_ERRORS: dict[int | str, dict[str, Any]] = ERRORS | {
    403: {**ERRORS[403], "description": "Only admins manage webhooks"},
    409: {**ERRORS[409], "description": "The webhook is switched off"},
}

router = APIRouter(route_class=NativeRoute, responses=_ERRORS, tags=["webhooks"])


def _allow(settings: Annotated[Settings, Depends(get_settings)]) -> AllowList:
    return AllowList.parse(settings.webhook_allow)


Allow = Annotated[AllowList, Depends(_allow)]


@router.get("/webhooks", response_model=list[WebhookOut])
def list_webhooks(caller: Caller, db: Db) -> list[WebhookOut]:
    """The corporation's webhooks, oldest first. Secrets are not shown."""
    return subscriptions.list_webhooks(db, caller)


@router.post("/webhooks", status_code=201, response_model=WebhookWithSecret)
def create_webhook(data: WebhookCreate, caller: Caller, db: Db, allow: Allow) -> WebhookWithSecret:
    """Subscribe `url` to case events (`event_types`: `case.created`, `case.updated`,
    `message.added`, …), optionally only for cases of some groups or statuses
    (`filters`). The answer carries the signing `secret`, shown this once. A URL naming
    a loopback, private, link-local or metadata address is refused (422) unless the
    server's `CASEDESK_WEBHOOK_ALLOW` names it."""
    return subscriptions.create_webhook(db, caller, data, allow)


@router.get("/webhooks/{webhook_id}", response_model=WebhookOut)
def get_webhook(webhook_id: RowId, caller: Caller, db: Db) -> WebhookOut:
    return subscriptions.get_webhook(db, caller, webhook_id)


@router.patch("/webhooks/{webhook_id}", response_model=WebhookOut)
def update_webhook(
    webhook_id: RowId, patch: WebhookPatch, caller: Caller, db: Db, allow: Allow
) -> WebhookOut:
    """Change the fields given. `is_active: true` switches a webhook on again after the
    server switched it off for failing."""
    return subscriptions.update_webhook(db, caller, webhook_id, patch, allow)


@router.delete("/webhooks/{webhook_id}", status_code=204)
def delete_webhook(webhook_id: RowId, caller: Caller, db: Db) -> None:
    """Remove the webhook and its delivery log; pending deliveries are not sent."""
    subscriptions.delete_webhook(db, caller, webhook_id)


@router.post("/webhooks/{webhook_id}/rotate-secret", response_model=WebhookWithSecret)
def rotate_secret(webhook_id: RowId, caller: Caller, db: Db) -> WebhookWithSecret:
    """A new signing secret, shown this once; every delivery from now on uses it."""
    return subscriptions.rotate_secret(db, caller, webhook_id)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=list[DeliveryOut])
def list_deliveries(
    webhook_id: RowId,
    caller: Caller,
    db: Db,
    limit: Limit = 50,
    offset: Offset = 0,
    state: Annotated[State | None, Query()] = None,
) -> list[DeliveryOut]:
    """The delivery log, newest first: state, attempts, the last answer's status, time
    and start of body, or why there was none."""
    return log.list_deliveries(db, caller, webhook_id, limit=limit, offset=offset, state=state)


@router.get("/webhooks/{webhook_id}/deliveries/{delivery_id}", response_model=DeliveryOut)
def get_delivery(webhook_id: RowId, delivery_id: RowId, caller: Caller, db: Db) -> DeliveryOut:
    return log.get_delivery(db, caller, webhook_id, delivery_id)


@router.post(
    "/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    response_model=DeliveryOut,
)
def redeliver(webhook_id: RowId, delivery_id: RowId, caller: Caller, db: Db) -> DeliveryOut:
    """Send the delivery again (same body and `webhook-id`), as soon as the delivery job
    runs. 409 while the webhook is switched off."""
    return log.redeliver(db, caller, webhook_id, delivery_id)
