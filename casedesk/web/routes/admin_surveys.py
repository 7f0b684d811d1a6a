"""/console/admin/surveys: whether contacts get a satisfaction survey when their case
closes, the survey mail's subject and text and the survey page's text, how often one
contact may be asked, and what a bad rating does on its own. Admins only (the service
refuses others)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.services.surveys import settings
from casedesk.services.surveys.settings import SurveySettingsIn
from casedesk.web.routes.admin_forms import Posted, checked, done, parse, show, text
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin")
PAGE = "/console/admin/surveys"


@router.get("/surveys")
def show_settings(request: Request, agent: Agent) -> Response:
    current = settings.get_settings(database(request), agent.principal)
    return show(request, "admin/surveys.html", {"settings": current})


@router.post("/surveys")
def save_settings(request: Request, agent: Agent, form: Posted) -> Response:
    data = parse(
        SurveySettingsIn,
        {
            "enabled": checked(form, "enabled"),
            "mail_subject": text(form, "mail_subject").strip(),
            "mail_body": text(form, "mail_body").strip(),
            "page_text": text(form, "page_text").strip(),
            "cap_days": text(form, "cap_days").strip(),
            "on_bad": text(form, "on_bad"),
            "notify_address": text(form, "notify_address"),
        },
    )
    settings.update_settings(database(request), agent.principal, data)
    return done(request, PAGE, "saved")
