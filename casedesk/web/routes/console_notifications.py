"""The console's notifications: the bell in the top bar (its unread count, loaded by
htmx so every page need not count), the list page, marking read (one by following its
link or its button, all at once) and the choice of which kinds also go by email. The
rules (whose notifications, which cases the agent may still see) are the service's."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.services.kernel.translations import N_
from casedesk.services.notifications import inbox
from casedesk.services.notifications.deriving import KINDS
from casedesk.services.notifications.inbox import NotificationSettings
from casedesk.web.routes.console_context import CaseId, db_of
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console/notifications", route_class=SessionFirstRoute)

_PAGE = "/console/notifications"

#: What each kind reads as on the page and in the settings form.
LABELS = {
    "assigned": N_("Assigned to you"),
    "mentioned": N_("You were mentioned"),
    "replied": N_("The customer replied"),
    "sla_warning": N_("SLA target soon due"),
    "sla_breach": N_("SLA target missed"),
    "escalated": N_("Case escalated"),
}


@router.get("")
def notifications_page(request: Request, agent: Agent) -> Response:
    db = db_of(request)
    return render(
        request,
        "console/notifications.html",
        {
            "items": inbox.list_notifications(db, agent.principal, limit=100),
            "unread": inbox.unread_count(db, agent.principal),
            "settings": inbox.get_settings(db, agent.principal).email,
            "labels": LABELS,
            "kinds": KINDS,
        },
    )


@router.get("/bell")
def bell(request: Request, agent: Agent) -> Response:
    """The bell with its count, swapped into the top bar."""
    unread = inbox.unread_count(db_of(request), agent.principal)
    return render(request, "console/notification_bell.html", {"bell_unread": unread})


@router.get("/{notification_id}/open")
def open_one(request: Request, agent: Agent, notification_id: CaseId) -> Response:
    """Follow a notification: it is marked read and the case opens."""
    marked = inbox.mark_read(db_of(request), agent.principal, notification_id)
    return RedirectResponse(f"/console/cases/{marked.case_id}", status_code=303)


@router.post("/read-all")
def read_all(request: Request, agent: Agent) -> Response:
    inbox.mark_all_read(db_of(request), agent.principal)
    return RedirectResponse(_PAGE, status_code=303)


@router.post("/settings")
def save_settings(
    request: Request, agent: Agent, email: Annotated[list[str] | None, Form()] = None
) -> Response:
    """The kinds ticked go by email too; the others do not."""
    ticked = set(email or [])
    data = NotificationSettings.model_validate({"email": {k: k in ticked for k in KINDS}})
    inbox.put_settings(db_of(request), agent.principal, data)
    return RedirectResponse(f"{_PAGE}#email-heading", status_code=303)


@router.post("/{notification_id}/read")
def read_one(request: Request, agent: Agent, notification_id: CaseId) -> Response:
    inbox.mark_read(db_of(request), agent.principal, notification_id)
    return RedirectResponse(f"{_PAGE}#notification-{notification_id}", status_code=303)
