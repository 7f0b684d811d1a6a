"""Sharing a saved filter from the console's sidebar (``services.cases.shared_views``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.domain.errors import ValidationFailed
from casedesk.services.cases import shared_views
from casedesk.web.routes.console_context import OtherId, db_of
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent

router = APIRouter(prefix="/console/filters", route_class=SessionFirstRoute)


@router.post("/{filter_id}/share")
def share_filter(
    request: Request,
    agent: Agent,
    filter_id: OtherId,
    scope: Annotated[str, Form(max_length=40)],
    columns: Annotated[list[str], Form(max_length=10)] = [],  # noqa: B006
) -> Response:
    kind, _, group = scope.partition(":")
    wanted: shared_views.Scope
    if kind == "group" and group.isdigit():
        wanted, group_id = "group", int(group)
    elif kind == "nobody" and not group:
        wanted, group_id = "nobody", None
    elif kind == "everyone" and not group:
        wanted, group_id = "everyone", None
    else:
        raise ValidationFailed("choose who sees the view", field="scope")
    view = shared_views.share(
        db_of(request), agent.principal, filter_id, wanted, group_id, ",".join(columns)
    )
    return RedirectResponse("/console/cases" + ("?" + view.query if view.query else ""), 303)
