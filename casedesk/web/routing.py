"""The route class of the console and portal pages that take forms: the session first.

FastAPI parses a form (spooling its files to disk) before it solves any dependency, so
the ``Agent`` or ``Contact`` of a route would be checked only after the body was read.
Here a post's session cookie is checked before the form is touched; a visitor without a
valid session is sent to sign in as the dependency would send them. The dependency
still runs (and checks the form's CSRF token, which needs the form).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from casedesk.body_limits import Handler
from casedesk.domain.errors import Unauthenticated
from casedesk.intake import uses
from casedesk.services.identity import web_sessions
from casedesk.web.session import (
    CONTACT_COOKIE,
    SAFE_METHODS,
    SECOND_STEP_PAGES,
    SignInRequired,
    agent_or_sign_in,
    any_stage_agent,
    current_agent,
    current_contact,
    database,
    enrolling_agent,
    verifying_agent,
)


def _agent(request: Request) -> None:
    agent_or_sign_in(request)


def _agent_at_any_step(request: Request) -> None:
    """Any console session, complete or not (the route's own dependency then decides
    which step it serves)."""
    agent_or_sign_in(request, frozenset(SECOND_STEP_PAGES))


def _contact(request: Request) -> None:
    try:
        web_sessions.contact_session(database(request), request.cookies.get(CONTACT_COOKIE, ""))
    except Unauthenticated:
        raise SignInRequired("portal", "") from None


class SessionFirstRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        check: Callable[[Request], None] | None = None
        if uses(self.dependant, current_agent):
            check = _agent
        elif any(
            uses(self.dependant, d) for d in (enrolling_agent, verifying_agent, any_stage_agent)
        ):
            check = _agent_at_any_step
        elif uses(self.dependant, current_contact):
            check = _contact
        if check is None:
            return handler
        session_check = check

        async def handle(request: Request) -> Response:
            if request.method not in SAFE_METHODS:
                await run_in_threadpool(session_check, request)
            return await handler(request)

        return handle
