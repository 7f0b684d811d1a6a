"""The signed-in browser behind a request, and CSRF protection.

Agents and contacts have separate cookies (an agent may try the portal in the same
browser). Every request that changes something (any method but GET and HEAD) must carry
the session's CSRF token, as the form field ``csrf_token`` or the ``X-CSRF-Token`` header
that every htmx request sends; the check is part of resolving the session, so no route
can forget it. Sign-in forms, which have no session yet, use a double-submit cookie.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from casedesk.domain.errors import DomainError, Forbidden, Unauthenticated
from casedesk.services.identity import web_sessions
from casedesk.services.identity.web_sessions import (
    AgentSession,
    ContactSession,
    SecondStepPending,
)
from casedesk.store.db import Database

AGENT_COOKIE = "casedesk_session"
CONTACT_COOKIE = "casedesk_portal"
SIGN_IN_CSRF_COOKIE = "casedesk_sign_in"
SAFE_METHODS = frozenset({"GET", "HEAD"})


class SignInRequired(DomainError):
    """No valid session: the browser is sent to the sign-in page of ``area``."""

    code = "sign-in-required"

    def __init__(self, area: str, next_url: str, target: str = "") -> None:
        super().__init__("please sign in")
        self.area = area
        self.next_url = next_url
        #: Where to go instead of the sign-in page (a second step still to take).
        self.target = target


#: Where a console session that still lacks a second factor is sent, by what it lacks.
SECOND_STEP_PAGES = {"verify": "/console/sign-in/second-step", "enrol": "/console/security"}


class CsrfRejected(Forbidden):
    code = "csrf-rejected"


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def _sent_csrf(request: Request) -> str:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get("csrf_token")
        return value if isinstance(value, str) else ""
    return ""


async def check_csrf(request: Request, expected: str) -> None:
    if request.method in SAFE_METHODS:
        return
    sent = await _sent_csrf(request)
    if not sent or not secrets.compare_digest(sent.encode(), expected.encode()):
        raise CsrfRejected("the form is out of date or was not sent from this site; reload it")


def _next_url(request: Request) -> str:
    if request.method not in SAFE_METHODS:
        return ""
    query = request.url.query
    return request.url.path + ("?" + query if query else "")


def agent_or_sign_in(request: Request, allow: frozenset[str] = frozenset()) -> AgentSession:
    """The console session of the request, or ``SignInRequired`` (to the sign-in page,
    or to the second step the session still lacks)."""
    token = request.cookies.get(AGENT_COOKIE, "")
    try:
        return web_sessions.agent_session(database(request), token, allow=allow)
    except SecondStepPending as exc:
        target = SECOND_STEP_PAGES[exc.pending]
        raise SignInRequired("console", _next_url(request), target) from None
    except Unauthenticated:
        raise SignInRequired("console", _next_url(request)) from None


async def _checked(request: Request, session: AgentSession) -> AgentSession:
    await check_csrf(request, session.csrf_token)
    request.state.csrf_token = session.csrf_token
    request.state.signed_in = session
    return session


async def current_agent(request: Request) -> AgentSession:
    return await _checked(request, agent_or_sign_in(request))


async def enrolling_agent(request: Request) -> AgentSession:
    """A complete session, or one that must set up a second factor first."""
    return await _checked(request, agent_or_sign_in(request, frozenset({"enrol"})))


async def any_stage_agent(request: Request) -> AgentSession:
    """A session at any step of signing in (to sign out of it)."""
    return await _checked(request, agent_or_sign_in(request, frozenset(SECOND_STEP_PAGES)))


async def verifying_agent(request: Request) -> AgentSession:
    """A session waiting for its second factor (others are sent on to the console)."""
    session = agent_or_sign_in(request, frozenset({"verify"}))
    if session.pending != "verify":
        raise SignInRequired("console", "", "/console")
    return await _checked(request, session)


async def current_contact(request: Request) -> ContactSession:
    token = request.cookies.get(CONTACT_COOKIE, "")
    try:
        session = web_sessions.contact_session(database(request), token)
    except Unauthenticated:
        raise SignInRequired("portal", _next_url(request)) from None
    await check_csrf(request, session.csrf_token)
    request.state.csrf_token = session.csrf_token
    request.state.signed_in = session
    return session


Agent = Annotated[AgentSession, Depends(current_agent)]
EnrollingAgent = Annotated[AgentSession, Depends(enrolling_agent)]
VerifyingAgent = Annotated[AgentSession, Depends(verifying_agent)]
AnyStageAgent = Annotated[AgentSession, Depends(any_stage_agent)]
Contact = Annotated[ContactSession, Depends(current_contact)]


def sign_in_csrf(request: Request) -> str:
    """The sign-in form's token: the cookie's when the browser has one, else a new one
    (``remember_sign_in_csrf`` sets it on the response)."""
    token = request.cookies.get(SIGN_IN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    request.state.csrf_token = token
    return token


def remember_sign_in_csrf(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SIGN_IN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


async def check_sign_in_csrf(request: Request) -> None:
    await check_csrf(request, request.cookies.get(SIGN_IN_CSRF_COOKIE, "") or "\0missing")


def set_session_cookie(request: Request, response: Response, name: str, token: str) -> None:
    response.set_cookie(
        name,
        token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/portal" if name == CONTACT_COOKIE else "/",
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
