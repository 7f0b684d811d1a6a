"""/notifications: the caller's own notifications (assigned, mentioned, customer replied,
SLA target missed, escalated), marking them read, and which kinds also go by email.

Only notifications about cases the caller may see now are listed or markable; another
user's notification, or one about a case that left the caller's groups, is a 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from casedesk.api.deps import Caller, Db
from casedesk.api.routers.reference_params import ERRORS, RowId
from casedesk.api.routing import NativeRoute
from casedesk.services.notifications import inbox
from casedesk.services.notifications.inbox import NotificationOut, NotificationSettings

router = APIRouter(
    route_class=NativeRoute,
    prefix="/notifications",
    tags=["notifications"],
    responses=ERRORS,
)


class NotificationList(BaseModel):
    unread: int
    items: list[NotificationOut]


class MarkedAll(BaseModel):
    marked: int


@router.get("", response_model=NotificationList)
def list_notifications(
    caller: Caller,
    db: Db,
    unread: Annotated[bool, Query(description="only the unread ones")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> NotificationList:
    """Newest first, with the number still unread."""
    return NotificationList(
        unread=inbox.unread_count(db, caller),
        items=inbox.list_notifications(db, caller, unread_only=unread, limit=limit),
    )


@router.post("/read-all", response_model=MarkedAll)
def read_all(caller: Caller, db: Db) -> MarkedAll:
    return MarkedAll(marked=inbox.mark_all_read(db, caller))


@router.get("/settings", response_model=NotificationSettings)
def get_settings(caller: Caller, db: Db) -> NotificationSettings:
    """For each kind (`assigned`, `mentioned`, `replied`, `sla_breach`, `escalated`),
    whether it also goes by email."""
    return inbox.get_settings(db, caller)


@router.put("/settings", response_model=NotificationSettings)
def put_settings(data: NotificationSettings, caller: Caller, db: Db) -> NotificationSettings:
    return inbox.put_settings(db, caller, data)


@router.post("/{notification_id}/read", response_model=NotificationOut)
def read_one(notification_id: RowId, caller: Caller, db: Db) -> NotificationOut:
    return inbox.mark_read(db, caller, notification_id)
