"""The survey page a mailed survey link opens: no sign-in, the link alone.

Opening the link only shows the page, with the rating the clicked link chose already
marked; the answer is recorded when the contact presses the button (a POST with the
page's CSRF token). Mail scanners that fetch every link of a mail therefore record
nothing. The answer spends the link; the page that thanks for it carries a new link
for changing the answer within the week.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.domain.errors import DomainError
from casedesk.services.surveys import answering
from casedesk.web.errors import status_of
from casedesk.web.routes.sign_in import sign_in_page
from casedesk.web.session import Contact, check_sign_in_csrf, database
from casedesk.web.templating import render

router = APIRouter(prefix="/portal/survey")

#: Tokens are ``secrets.token_urlsafe(32)``: 43 characters of the URL-safe alphabet.
Token = Annotated[str, Path(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]
TEMPLATE = "portal/survey.html"


@router.get("/{token}")
def survey_page(request: Request, token: Token, rating: str = "") -> Response:
    try:
        view = answering.open_survey(database(request), token)
    except DomainError as exc:
        status, detail = status_of(exc)
        return sign_in_page(request, TEMPLATE, {"error": detail, "view": None}, status)
    chosen = rating if rating in ("good", "bad") else (view.rating or "")
    context = {"view": view, "token": token, "chosen": chosen, "error": "", "saved": False}
    return sign_in_page(request, TEMPLATE, context)


@router.post("/{token}", dependencies=[Depends(check_sign_in_csrf)])
def answer(
    request: Request,
    token: Token,
    rating: Annotated[str, Form(max_length=8)],
    comment: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    db = database(request)
    try:
        view, fresh = answering.answer_by_link(db, token, rating, comment)
    except DomainError as exc:
        status, detail = status_of(exc)
        try:  # refused input leaves the link unspent: the form again, with why
            still = answering.open_survey(db, token)
        except DomainError:
            return sign_in_page(request, TEMPLATE, {"error": detail, "view": None}, status)
        again = {"view": still, "token": token, "chosen": rating, "error": "", "saved": False}
        return sign_in_page(request, TEMPLATE, again | {"refused": detail}, status)
    context = {"view": view, "token": fresh, "chosen": view.rating, "error": "", "saved": True}
    return sign_in_page(request, TEMPLATE, context)


case_router = APIRouter(prefix="/portal/cases")
CaseId = Annotated[int, Path(ge=1, le=2**53)]
PART = "portal/case_survey.html"


@case_router.get("/{case_id}/survey")
def case_survey(request: Request, contact: Contact, case_id: CaseId) -> Response:
    """The survey part of a case page: empty when the contact was not asked."""
    view = answering.portal_survey(database(request), contact.caller, case_id)
    if view is None:
        return Response(status_code=200, content="")
    chosen = view.rating or ""
    return render(request, PART, {"view": view, "chosen": chosen, "saved": False, "error": ""})


@case_router.post("/{case_id}/survey")
def case_survey_answer(
    request: Request,
    contact: Contact,
    case_id: CaseId,
    rating: Annotated[str, Form(max_length=8)],
    comment: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    db = database(request)
    try:
        view = answering.answer_in_portal(db, contact.caller, case_id, rating, comment)
    except DomainError as exc:
        found = answering.portal_survey(db, contact.caller, case_id)
        if found is None:
            raise
        status, detail = status_of(exc)
        context = {"view": found, "chosen": rating, "saved": False, "error": detail}
        return render(request, PART, context, status_code=status)
    if not request.headers.get("hx-request"):
        return RedirectResponse(f"/portal/cases/{case_id}#case-survey", status_code=303)
    return render(request, PART, {"view": view, "chosen": view.rating, "saved": True, "error": ""})
