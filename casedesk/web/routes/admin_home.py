"""/console/admin: the index of the admin pages, for those who manage reference data."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.services.reference.common import require_manager
from casedesk.web.routes.admin_forms import SECTIONS, show
from casedesk.web.session import Agent

router = APIRouter(prefix="/console/admin")


@router.get("")
def admin_index(request: Request, agent: Agent) -> Response:
    require_manager(agent.principal)
    return show(request, "admin/index.html", {"entries": SECTIONS})
