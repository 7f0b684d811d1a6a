"""A corporation's webhook subscriptions: list, create, change, remove, rotate secret.

Only admins manage them: a webhook sends every matching case of the corporation to an
address outside, whatever groups the cases belong to. The secret (Standard Webhooks
``whsec_`` + base64 of 24 random bytes) is shown once, in the answer to the create or
the rotation; later reads show only its first characters.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints
from sqlalchemy import select

from casedesk.domain import webhooks as rules
from casedesk.domain.errors import Forbidden, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reference.common import In, Out, get_row
from casedesk.services.webhooks.transport import check_literal
from casedesk.store.db import Database
from casedesk.store.models import Webhook

Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
EventType = Annotated[str, StringConstraints(min_length=1, max_length=64)]
PositiveId = Annotated[int, Field(ge=1, le=2**53)]
Status = Annotated[int, Field(ge=1, le=8)]


class WebhookFilter(In):
    """Which cases: an empty list lets every case through."""

    group_ids: list[PositiveId] = Field(default_factory=list, max_length=200)
    statuses: list[Status] = Field(
        default_factory=list, max_length=8, description="Internal statuses 1..8"
    )


class WebhookOut(Out):
    id: int
    url: str
    description: str
    event_types: list[str]
    filters: WebhookFilter
    is_active: bool
    disabled_reason: str
    disabled_at: datetime | None
    #: The first characters of the secret, to tell secrets apart.
    secret_hint: str
    created_at: datetime
    updated_at: datetime


class WebhookWithSecret(WebhookOut):
    #: Shown once: keep it with the receiver, it verifies the signatures.
    secret: str


class WebhookCreate(In):
    url: Url
    description: Annotated[str, StringConstraints(max_length=200)] = ""
    event_types: list[EventType] = Field(min_length=1, max_length=len(rules.EVENT_TYPES))
    filters: WebhookFilter = Field(default_factory=WebhookFilter)
    is_active: bool = True


class WebhookPatch(In):
    url: Url | None = None
    description: Annotated[str, StringConstraints(max_length=200)] | None = None
    event_types: list[EventType] | None = Field(None, min_length=1, max_length=20)
    filters: WebhookFilter | None = None
    is_active: bool | None = None


def require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("only admins manage webhooks")


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def list_webhooks(db: Database, principal: Principal) -> list[WebhookOut]:
    require_admin(principal)
    with db.read() as s:
        rows = s.scalars(
            select(Webhook)
            .where(Webhook.corporation_id == principal.corporation_id)
            .order_by(Webhook.id)
        )
        return [to_out(r) for r in rows]


def get_webhook(db: Database, principal: Principal, webhook_id: int) -> WebhookOut:
    require_admin(principal)
    with db.read() as s:
        return to_out(get_row(s, Webhook, webhook_id, principal.corporation_id, "webhook"))


def create_webhook(
    db: Database,
    principal: Principal,
    data: WebhookCreate,
    allow: rules.AllowList,
    *,
    now: datetime | None = None,
) -> WebhookWithSecret:
    require_admin(principal)
    url = _check_url(data.url, allow)
    at = now or utcnow()
    with db.write() as s:
        row = Webhook(
            corporation_id=principal.corporation_id,
            url=url,
            description=data.description,
            event_types=rules.check_event_types(data.event_types),
            filters=data.filters.model_dump(),
            secret=new_secret(),
            is_active=data.is_active,
            disabled_reason="",
            created_at=at,
            updated_at=at,
        )
        s.add(row)
        s.flush()
        _audit(s, principal, row, "webhook.created", {"url": {"from": None, "to": url}})
        return WebhookWithSecret(**to_out(row).model_dump(), secret=row.secret)


def update_webhook(
    db: Database,
    principal: Principal,
    webhook_id: int,
    patch: WebhookPatch,
    allow: rules.AllowList,
) -> WebhookOut:
    """Change what is given. Switching a webhook on again clears why it was off."""
    require_admin(principal)
    given = patch.model_dump(exclude_unset=True)
    nulls = [k for k, v in given.items() if v is None]
    if nulls:
        raise ValidationFailed(f"{nulls[0]} may not be null", field=nulls[0])
    with db.write() as s:
        row = get_row(s, Webhook, webhook_id, principal.corporation_id, "webhook")
        before = _fields(row)
        if patch.url is not None:
            row.url = _check_url(patch.url, allow)
        if patch.description is not None:
            row.description = patch.description
        if patch.event_types is not None:
            row.event_types = rules.check_event_types(patch.event_types)
        if patch.filters is not None:
            row.filters = patch.filters.model_dump()
        if patch.is_active is not None:
            row.is_active = patch.is_active
            if patch.is_active:
                row.disabled_reason, row.disabled_at = "", None
        row.updated_at = utcnow()
        _audit(s, principal, row, "webhook.updated", audit.diff(before, _fields(row)))
        return to_out(row)


def rotate_secret(db: Database, principal: Principal, webhook_id: int) -> WebhookWithSecret:
    """A new secret, in force for every delivery from now on (retries included)."""
    require_admin(principal)
    with db.write() as s:
        row = get_row(s, Webhook, webhook_id, principal.corporation_id, "webhook")
        row.secret = new_secret()
        row.updated_at = utcnow()
        _audit(s, principal, row, "webhook.secret_rotated", {})
        return WebhookWithSecret(**to_out(row).model_dump(), secret=row.secret)


def delete_webhook(db: Database, principal: Principal, webhook_id: int) -> None:
    """Remove it with its delivery log; what is pending is not sent."""
    require_admin(principal)
    with db.write() as s:
        row = get_row(s, Webhook, webhook_id, principal.corporation_id, "webhook")
        _audit(s, principal, row, "webhook.deleted", {"url": {"from": row.url, "to": None}})
        s.delete(row)


def to_out(row: Webhook) -> WebhookOut:
    return WebhookOut(
        id=row.id,
        url=row.url,
        description=row.description,
        event_types=list(row.event_types),
        filters=WebhookFilter.model_validate(row.filters or {}),
        is_active=row.is_active,
        disabled_reason=row.disabled_reason,
        disabled_at=row.disabled_at,
        secret_hint=row.secret[:10] + "…",
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _check_url(url: str, allow: rules.AllowList) -> str:
    """The URL's form; an address named literally is checked at once too (a host name
    is checked when each delivery resolves it)."""
    checked = rules.check_url(url)
    check_literal(checked, allow)
    return checked


def _fields(row: Webhook) -> dict[str, Any]:
    return {
        "url": row.url,
        "description": row.description,
        "event_types": list(row.event_types),
        "filters": dict(row.filters),
        "is_active": row.is_active,
    }


def _audit(s: Any, principal: Principal, row: Webhook, action: str, changes: audit.Changes) -> None:
    audit.record(s, principal, row.corporation_id, action, "webhook", row.id, changes=changes)
