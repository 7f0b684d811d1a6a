"""The console's canned responses page: the agent's own snippets and those shared with
their groups; write, change and delete them. Every rule (who sees a group's snippets,
a body that does not parse) is the service's, as on the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as PydanticError

from casedesk.domain.errors import ValidationFailed
from casedesk.services.canned import responses
from casedesk.services.reference.groups import list_groups
from casedesk.web.routes.console_context import CaseId, db_of
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console/canned-responses", route_class=SessionFirstRoute)

_PAGE = "/console/canned-responses"


@router.get("")
def canned_page(request: Request, agent: Agent) -> Response:
    db = db_of(request)
    principal = agent.principal
    groups = [g for g in list_groups(db, principal) if principal.sees_group(g.id)]
    return render(
        request,
        "console/canned_responses.html",
        {
            "snippets": responses.list_canned(db, principal),
            "groups": groups,
            "group_names": {g.id: g.name for g in groups},
        },
    )


@router.post("")
def create(
    request: Request,
    agent: Agent,
    name: Annotated[str, Form(max_length=100)],
    body: Annotated[str, Form(max_length=20_000)],
    group_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    group = group_id.strip()
    if group and (not group.isdigit() or not 1 <= int(group) <= 2**53):
        raise ValidationFailed("share with: choose one of the list", field="group_id")
    try:
        data = responses.CannedCreate(name=name, body=body, group_id=int(group) if group else None)
    except PydanticError as exc:
        raise _refused(exc) from None
    made = responses.create_canned(db_of(request), agent.principal, data)
    return RedirectResponse(f"{_PAGE}#canned-{made.id}", status_code=303)


@router.post("/{canned_id}")
def update(
    request: Request,
    agent: Agent,
    canned_id: CaseId,
    name: Annotated[str, Form(max_length=100)],
    body: Annotated[str, Form(max_length=20_000)],
) -> Response:
    try:
        patch = responses.CannedPatch(name=name, body=body)
    except PydanticError as exc:
        raise _refused(exc) from None
    responses.update_canned(db_of(request), agent.principal, canned_id, patch)
    return RedirectResponse(f"{_PAGE}#canned-{canned_id}", status_code=303)


@router.post("/{canned_id}/delete")
def delete(request: Request, agent: Agent, canned_id: CaseId) -> Response:
    responses.delete_canned(db_of(request), agent.principal, canned_id)
    return RedirectResponse(_PAGE, status_code=303)


def _refused(exc: PydanticError) -> ValidationFailed:
    first = exc.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "body"
    return ValidationFailed(f"{field}: {first['msg']}", field=field)
