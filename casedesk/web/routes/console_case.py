"""The console's case page: the thread, the fields panel (edited in place), SLA timers,
history, links, and a poll that tells the agent when someone else changed the case.

A case the agent may not see answers the same 404 page as one that does not exist,
because every read goes through the services' visibility filter."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from casedesk.domain.descriptions import description_to_show
from casedesk.domain.errors import NotFound
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.attachments import attaching as attachments
from casedesk.services.cases import history_view, links, messages
from casedesk.services.cases.core import get_case
from casedesk.services.cases.reads import read_case
from casedesk.services.cases.schemas import CaseOut, LinksOut
from casedesk.services.reference import contacts
from casedesk.services.rules import definitions as rule_definitions
from casedesk.services.sla import case_times
from casedesk.store.db import Database
from casedesk.web.routes.console_assist import assist_context
from casedesk.web.routes.console_composer import composer_context
from casedesk.web.routes.console_context import (
    INTERNAL_NAMES,
    CaseId,
    Lookups,
    db_of,
    lookups,
)
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console/cases/{case_id}")


def panel_context(principal: Principal, case: CaseOut, looked: Lookups) -> dict[str, Any]:
    """What the fields panel shows: the case, the choices and its followers."""
    followers = [m.user_id for m in case.members if m.role == 2 and m.active and m.user_id]
    return {
        "case": case,
        "looked": looked,
        "followers": followers,
        "internal_names": INTERNAL_NAMES,
        "can_edit": principal.can(Permission.EDIT_CASE),
    }


def _linked(db: Database, principal: Principal, found: LinksOut) -> dict[int, CaseOut]:
    """The linked cases the agent may see, for their numbers and titles (a case is
    linked to a handful of others, so one read each is fine)."""
    ids = {*found.children, *found.related, *found.merged_from}
    ids |= {i for i in (found.parent_id, found.merged_into_id) if i is not None}
    out: dict[int, CaseOut] = {}
    for other in sorted(ids):
        try:
            out[other] = get_case(db, principal, other)
        except NotFound:
            continue
    return out


@router.get("")
def case_page(request: Request, agent: Agent, case_id: CaseId) -> Response:
    db = db_of(request)
    principal = agent.principal
    case = read_case(db, principal, case_id)  # opening the page is reading the case
    looked = lookups(db, principal)
    files = (
        attachments.list_attachments(db, principal, case_id)
        if principal.can(Permission.VIEW_ATTACHMENTS)
        else []
    )
    by_message: dict[int | None, list[attachments.AttachmentOut]] = {}
    for f in files:
        by_message.setdefault(f.message_id, []).append(f)
    found_links = links.get_links(db, principal, case_id)
    thread = messages.list_messages(db, principal, case_id)
    authors = {m.author_contact_id for m in thread if m.author_contact_id is not None}
    return render(
        request,
        "console/case.html",
        panel_context(principal, case, looked)
        | {
            "thread": thread,
            "contact_names": contacts.contact_names(db, principal, authors),
            "description": description_to_show(
                case.description, thread[0].body_text if thread else None
            ),
            "files": by_message,
            "times": case_times.case_times(db, principal, case_id),
            "links": found_links,
            "linked": _linked(db, principal, found_links),
            "history": history_view.readable_history(db, principal, case_id),
            "macros": rule_definitions.list_rules(db, principal, "macro"),
            "can_note": principal.can(Permission.ADD_NOTE),
            "can_attach": principal.can(Permission.ADD_ATTACHMENTS),
        }
        | composer_context(db, principal, case, looked)
        | assist_context(db, principal, case_id),
    )


@router.get("/changes")
def changed_meanwhile(
    request: Request,
    agent: Agent,
    case_id: CaseId,
    version: Annotated[int, Query(ge=0, le=2**31)],
) -> Response:
    """Polled by an open case page: nothing (204) while the case is at the version the
    page shows, else a notice asking to reload."""
    case = get_case(db_of(request), agent.principal, case_id)
    if case.version == version:
        return Response(status_code=204)
    return render(
        request,
        "console/changed_notice.html",
        {"case": case},
        headers={"HX-Retarget": "#notice", "HX-Reswap": "innerHTML"},
    )
