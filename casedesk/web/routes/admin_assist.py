"""/console/admin/assist: which parts of the assist a corporation uses, how many
categorised cases a category needs before it is suggested, and the confidence above
which the "apply suggested category" rule action sets it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.services.assist import settings as assist_settings
from casedesk.services.assist.settings import AssistSettingsIn
from casedesk.services.reference.common import require_manager
from casedesk.web.routes.admin_forms import Posted, checked, done, optional, parse, show, text
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/assist")
HOME = "/console/admin/assist"
PARTS = ("language", "sentiment", "category", "similar")


@router.get("")
def assist_page(request: Request, agent: Agent) -> Response:
    require_manager(agent.principal)
    current = assist_settings.get_settings(database(request), agent.principal)
    return show(request, "admin/assist.html", {"current": current})


@router.post("")
def save_assist(request: Request, agent: Agent, form: Posted) -> Response:
    data = {part: checked(form, part) for part in PARTS} | {
        "min_examples": text(form, "min_examples"),
        "auto_apply_confidence": optional(form, "auto_apply_confidence"),
    }
    assist_settings.set_settings(database(request), agent.principal, parse(AssistSettingsIn, data))
    return done(request, HOME, "saved")
