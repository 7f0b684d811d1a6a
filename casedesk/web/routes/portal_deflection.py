"""Articles offered while a customer types a new case, and "this solved it".

The new-case form asks (htmx, debounced) for the public articles that best match its
title and description; pressing "This solved it" under one records a deflection for
that article and ends there, without a case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.domain.knowledge import DEFAULT_LANGUAGE, LANGUAGES
from casedesk.services.knowledge import feedback, public
from casedesk.services.knowledge.public import Reader
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Contact, database
from casedesk.web.templating import render

router = APIRouter(prefix="/portal", route_class=SessionFirstRoute)

TranslationId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def _reader(contact: Contact) -> Reader:
    return Reader(contact.caller.corporation_id, contact.caller.contact_id)


def _language(request: Request, contact: Contact) -> str:
    """The language to look in: the browser's first one the knowledge base has."""
    available = public.languages(database(request), _reader(contact))
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in available:
            return code
    return available[0] if available else DEFAULT_LANGUAGE


@router.get("/cases/new/suggestions")
def suggestions(
    request: Request,
    contact: Contact,
    title: Annotated[str, Query(max_length=500)] = "",
    description: Annotated[str, Query(max_length=20_000)] = "",
    language: Annotated[str, Query(max_length=8)] = "",
) -> Response:
    typed = f"{title} {description}".replace("\x00", " ")
    code = language if language in LANGUAGES else _language(request, contact)
    hits = public.suggestions(database(request), _reader(contact), code, typed)
    return render(request, "portal/kb_suggestions.html", {"hits": hits})


@router.post("/cases/new/solved/{translation_id}")
def solved(request: Request, contact: Contact, translation_id: TranslationId) -> Response:
    """No case: the article solved it. Counted for the article."""
    feedback.record_deflection(database(request), _reader(contact), translation_id)
    url = "/portal/cases/new/solved"
    if request.headers.get("hx-request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


@router.get("/cases/new/solved")
def solved_page(request: Request, contact: Contact) -> Response:
    return render(request, "portal/kb_solved.html", {"contact": contact})
