"""/console/admin/mail-settings and /console/admin/mail-templates: the corporation's mail
identity and notification choices, and its own versions of the shipped mail templates.

A template's page shows the corporation's version, or the shipped one to start from;
saving stores it (the service refuses one that does not parse), "Use the shipped
template" drops the corporation's version. Only names the channel ships have a page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from casedesk.channels.email.render import shipped, shipped_names
from casedesk.domain.errors import NotFound
from casedesk.services.mail import mail_settings
from casedesk.services.mail.mail_settings import MailSettingsIn, TemplateText
from casedesk.services.reference.common import require_manager
from casedesk.web.routes.admin_forms import Posted, checked, done, optional, parse, show, text
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin")
SETTINGS = "/console/admin/mail-settings"
TEMPLATES = "/console/admin/mail-templates"
TemplateName = Annotated[str, Path(pattern=r"^[a-z_]{1,64}$")]


def _shipped_name(name: str) -> str:
    if name not in shipped_names():
        raise NotFound(f"there is no mail template {name!r}")
    return name


@router.get("/mail-settings")
def show_settings(request: Request, agent: Agent) -> Response:
    current = mail_settings.get_mail_settings(database(request), agent.principal)
    return show(request, "admin/mail_settings.html", {"settings": current})


@router.post("/mail-settings")
def save_settings(request: Request, agent: Agent, form: Posted) -> Response:
    require_manager(agent.principal)
    data = parse(
        MailSettingsIn,
        {
            "from_address": text(form, "from_address"),
            "from_name": text(form, "from_name"),
            "new_case_address": optional(form, "new_case_address"),
            "notify_contacts": checked(form, "notify_contacts"),
            "hourly_cap": text(form, "hourly_cap").strip(),
        },
    )
    mail_settings.save_mail_settings(database(request), agent.principal, data)
    return done(request, SETTINGS, "saved")


@router.get("/mail-templates")
def list_templates(request: Request, agent: Agent) -> Response:
    own = mail_settings.template_overrides(database(request), agent.principal)
    rows = [(name, shipped(name)[0], name in own) for name in shipped_names()]
    return show(request, "admin/mail_templates.html", {"templates": rows})


@router.get("/mail-templates/{name}")
def edit_template(request: Request, agent: Agent, name: TemplateName) -> Response:
    own = mail_settings.template_overrides(database(request), agent.principal)
    name = _shipped_name(name)
    subject, body = shipped(name)
    current = own.get(name) or TemplateText(subject=subject, body=body)
    return show(
        request,
        "admin/mail_template_edit.html",
        {"name": name, "template": current, "customised": name in own},
    )


@router.post("/mail-templates/{name}")
def save_template(request: Request, agent: Agent, form: Posted, name: TemplateName) -> Response:
    require_manager(agent.principal)
    name = _shipped_name(name)
    data = parse(TemplateText, {"subject": text(form, "subject"), "body": text(form, "body")})
    mail_settings.save_template(database(request), agent.principal, name, data)
    return done(request, TEMPLATES, "saved")


@router.post("/mail-templates/{name}/reset")
def reset_template(request: Request, agent: Agent, name: TemplateName) -> Response:
    require_manager(agent.principal)
    mail_settings.reset_template(database(request), agent.principal, _shipped_name(name))
    return done(request, TEMPLATES, "reset")
