"""The web console for agents and the portal for customers: server-rendered pages
(Jinja2 + htmx) on the same services as the API, so every rule and permission is the
same."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from casedesk.web import errors
from casedesk.web.routes import (
    admin_routers,
    console_assist,
    console_attachments,
    console_bulk,
    console_canned,
    console_case,
    console_case_actions,
    console_case_fields,
    console_case_macros,
    console_case_survey,
    console_case_work,
    console_cases,
    console_composer,
    console_contacts,
    console_customer_panel,
    console_exports,
    console_kb,
    console_kb_more,
    console_live,
    console_memberships,
    console_new_case,
    console_notifications,
    console_organizations,
    console_privacy,
    console_profile,
    console_reports,
    console_search,
    console_security,
    console_views,
    portal_cases,
    portal_deflection,
    portal_kb,
    portal_sign_in,
    portal_survey,
    sign_in,
    sign_in_oidc,
    sign_in_second_step,
)
from casedesk.web.templating import STATIC_DIR


def install(app: FastAPI) -> None:
    """Mount the pages and their static files on ``app`` (after the API's error
    handlers are installed, which web pages replace with their own)."""
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in (
        sign_in.router,
        sign_in_second_step.router,
        sign_in_oidc.router,
        sign_in_oidc.portal_router,
        console_security.router,
        console_cases.router,
        console_new_case.router,  # before the case page: /console/cases/new is no case id
        console_privacy.router,
        console_contacts.router,
        console_organizations.router,
        console_reports.router,
        console_customer_panel.router,
        console_memberships.router,
        console_case.router,
        console_case_fields.router,
        console_case_actions.router,
        console_assist.router,
        console_case_macros.router,
        console_case_survey.router,
        console_attachments.router,
        console_composer.router,
        console_case_work.router,
        console_canned.router,
        console_kb_more.router,  # before console_kb: /console/kb/categories is no id
        console_kb.router,
        console_notifications.router,
        console_profile.router,
        console_search.router,
        console_bulk.router,
        console_exports.router,
        console_views.router,
        console_live.router,
        portal_sign_in.router,
        portal_deflection.router,  # before the case pages: /portal/cases/new/… is no case
        portal_cases.router,
        portal_survey.router,
        portal_survey.case_router,
        portal_kb.router,
        *admin_routers.ROUTERS,
    ):
        app.include_router(router, include_in_schema=False)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/console", status_code=303)
