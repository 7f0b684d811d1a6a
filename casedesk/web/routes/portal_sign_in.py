"""Customer contacts sign in to the portal with email and portal password, or with a
one-time link mailed to them, and sign out again.

A mailed link opens a page with a "Sign in" button; only pressing it (a POST) uses the
link up, so mail scanners that fetch every link in a mail do not spend it.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.domain.errors import Unauthenticated
from casedesk.domain.sign_in import LINK_LIFETIME
from casedesk.services.identity import portal_sign_in, web_sessions
from casedesk.web.routes.sign_in import password_sign_in, sign_in_page
from casedesk.web.session import (
    CONTACT_COOKIE,
    Contact,
    check_sign_in_csrf,
    client_address,
    database,
    set_session_cookie,
)

router = APIRouter(prefix="/portal")

#: Link tokens are ``secrets.token_urlsafe(32)``: 43 characters of the URL-safe alphabet.
LinkToken = Annotated[str, Path(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]


_MINUTES = int(LINK_LIFETIME.total_seconds() // 60)


@router.get("/sign-in")
def sign_in_form(request: Request, next: str = "") -> Response:
    return sign_in_page(request, "portal/sign_in.html", {"next": next, "email": "", "error": ""})


@router.post("/sign-in", dependencies=[Depends(check_sign_in_csrf)])
def sign_in(
    request: Request,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=2000)] = "",
    time_zone: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    return password_sign_in(
        request,
        partial(web_sessions.sign_in_contact, time_zone=time_zone),
        area="portal",
        cookie=CONTACT_COOKIE,
        template="portal/sign_in.html",
        email=email,
        password=password,
        next_url=next,
    )


@router.get("/sign-in/link")
def link_form(request: Request) -> Response:
    return sign_in_page(request, "portal/link_request.html", {"sent": False, "minutes": _MINUTES})


@router.post("/sign-in/link", dependencies=[Depends(check_sign_in_csrf)])
def request_link(request: Request, email: Annotated[str, Form(max_length=320)]) -> Response:
    """The same answer for every address, known to us or not."""
    settings = request.app.state.settings  # the link's address never comes from the request
    portal_sign_in.request_sign_in_link(
        database(request), email, settings.link_base_url, client=client_address(request)
    )
    return sign_in_page(request, "portal/link_request.html", {"sent": True, "minutes": _MINUTES})


@router.get("/sign-in/link/{token}")
def link_page(request: Request, token: LinkToken) -> Response:
    return sign_in_page(request, "portal/link.html", {"token": token, "error": ""})


@router.post("/sign-in/link/{token}", dependencies=[Depends(check_sign_in_csrf)])
def redeem_link(
    request: Request, token: LinkToken, time_zone: Annotated[str, Form(max_length=64)] = ""
) -> Response:
    try:
        signed_in = web_sessions.redeem_sign_in_link(database(request), token, time_zone=time_zone)
    except Unauthenticated as exc:
        return sign_in_page(request, "portal/link.html", {"token": token, "error": exc.detail}, 401)
    response = RedirectResponse("/portal", status_code=303)
    set_session_cookie(request, response, CONTACT_COOKIE, signed_in.token)
    return response


@router.post("/sign-out")
def sign_out(request: Request, _: Contact) -> Response:
    web_sessions.sign_out(database(request), request.cookies.get(CONTACT_COOKIE, ""))
    response = RedirectResponse("/portal/sign-in", status_code=303)
    response.delete_cookie(CONTACT_COOKIE, path="/portal")
    return response
