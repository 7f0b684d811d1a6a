"""/console/admin/sign-in: the corporation's sign-in rules. An admin may require a
second factor of every console user; one who has none is then sent to set one up right
after their password, and can do nothing else until they have."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.services.identity import second_factors
from casedesk.services.reference.common import require_manager
from casedesk.web.routes.admin_forms import Posted, checked, done, show
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/sign-in")
HOME = "/console/admin/sign-in"


@router.get("")
def sign_in_rules(request: Request, agent: Agent) -> Response:
    require_manager(agent.principal)
    status = second_factors.status(database(request), agent.principal)
    return show(request, "admin/sign_in_rules.html", {"required": status.required})


@router.post("")
def save_sign_in_rules(request: Request, agent: Agent, form: Posted) -> Response:
    second_factors.set_required(
        database(request), agent.principal, checked(form, "require_second_factor")
    )
    return done(request, HOME, "saved")
