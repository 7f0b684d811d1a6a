"""Live updates for the console: the agent's event stream and presence on a case page.

``GET /console/events`` is a server-sent-events stream (sse-starlette) of the changes to
cases the agent may see (``case`` events carry the case id and the action) and of
presence changes on them; the pages' script (static/live.js) refreshes lists, counts and
the open case when one arrives. ``POST /console/cases/{id}/presence`` is an open case
page's heartbeat (viewing or typing); ``GET`` of the same path is the "also here" line.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sse_starlette import EventSourceResponse

from casedesk.domain.errors import Unauthenticated, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.cases.core import get_case
from casedesk.services.identity import web_sessions
from casedesk.services.reports import pg_listener
from casedesk.services.reports.live import LiveEvent, hub_for
from casedesk.services.reports.presence import BOARD, STATES
from casedesk.store.db import Database
from casedesk.web.routes.console_context import CaseId, db_of
from casedesk.web.session import AGENT_COOKIE, Agent
from casedesk.web.templating import render

router = APIRouter()

#: Seconds between keep-alive comments on a quiet stream.
PING_SECONDS = 15
#: At most this long between checks that the stream's session still stands with the
#: same rights; a stream whose agent signed out, was disabled or changed groups ends
#: before it sends another event (the page's EventSource then reconnects with the
#: rights of now, or is sent to sign in).
RECHECK_SECONDS = 5.0


@router.get("/console/events")
async def events(request: Request, agent: Agent) -> EventSourceResponse:
    db = db_of(request)
    hub = hub_for(db)
    token = request.cookies.get(AGENT_COOKIE, "")
    sub = await hub.subscribe(agent.principal)

    async def stream() -> AsyncIterator[dict[str, Any]]:
        checked = time.monotonic()
        try:
            yield {"event": "ready", "data": "{}"}
            while True:
                try:
                    event: LiveEvent | None = await asyncio.wait_for(
                        sub.queue.get(), timeout=PING_SECONDS
                    )
                except TimeoutError:
                    event = None
                if event is None or time.monotonic() - checked >= RECHECK_SECONDS:
                    if not await asyncio.to_thread(_still_stands, db, token, agent.principal):
                        return
                    checked = time.monotonic()
                if event is not None:
                    yield {"event": event.kind, "data": json.dumps(_payload(event))}
        finally:
            hub.unsubscribe(sub)

    return EventSourceResponse(stream(), ping=PING_SECONDS)


def _still_stands(db: Database, token: str, principal: Principal) -> bool:
    """Whether the session is still signed in with the rights the stream began with."""
    try:
        now = web_sessions.agent_session(db, token).principal
    except Unauthenticated:  # signed out, expired, disabled, or a second step pending
        return False
    return (now.role, now.group_ids, now.permissions, now.organization_id) == (
        principal.role,
        principal.group_ids,
        principal.permissions,
        principal.organization_id,
    )


def _payload(event: LiveEvent) -> dict[str, Any]:
    return {"case_id": event.case_id, "action": event.action} | event.data


@router.post("/console/cases/{case_id}/presence")
async def heartbeat(
    request: Request, agent: Agent, case_id: CaseId, state: Annotated[str, Form()] = "viewing"
) -> Response:
    """An open case page says the agent is still there (and whether they type)."""
    if state not in (*STATES, "gone"):
        raise ValidationFailed("state must be viewing, typing or gone", field="state")
    db = db_of(request)
    await asyncio.to_thread(get_case, db, agent.principal, case_id)  # 404 when hidden
    p = agent.principal
    name = agent.name or agent.email
    if BOARD.mark(case_id, p.user_id, name, state):
        await hub_for(db).publish([LiveEvent("presence", case_id)])
    await asyncio.to_thread(pg_listener.share_presence, db, case_id, p.user_id, name, state)
    return Response(status_code=204)


@router.get("/console/cases/{case_id}/presence")
def present(request: Request, agent: Agent, case_id: CaseId) -> Response:
    get_case(db_of(request), agent.principal, case_id)
    others = [p for p in BOARD.on_case(case_id) if p.user_id != agent.principal.user_id]
    return render(request, "console/case_presence.html", {"case_id": case_id, "others": others})
