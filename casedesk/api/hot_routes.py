"""The busiest routes of the native API, answered without FastAPI's per-request work.

``GET /api/v1/cases/{id}``, ``GET /api/v1/cases``, ``POST /api/v1/cases`` and
``POST /api/v1/cases/{id}/messages`` are most of an integration's traffic. Through
FastAPI each costs about twice its use-case: routing, solving dependencies, two hops to
the thread pool and a dozen layers of ASGI calls. Here a request in the plain form
clients send (a Bearer token, a canonical id, the common query parameters, a JSON body
declared as ``application/json``) is answered directly.

What a plain form is, how its parameters are read and what each route answers are not
stated here but in ``case_contract.py``, which the routes of ``routers/cases.py`` are
built from too (``message_contract.py`` for messages): this module only recognises the
routes, reads the request with the contract and runs the contract's answer in the
cheapest way. Anything not in its
plain form (Basic credentials or none, an id FastAPI would have to coerce, other query
parameters, a body that does not validate, an ``Idempotency-Key``...) is passed on to
FastAPI untouched, so validation errors and everything unusual stay FastAPI's.
``tests/api/test_hot_routes.py`` checks that both give the same answers.

Nothing whose cost grows with the data runs on the event loop: a slow request must
never hold up the others of its worker. Get-one on SQLite runs on the loop: it reads one
row by primary key in a fraction of a millisecond and never waits for a lock (WAL
readers do not block), so the hop to a thread would cost more than it frees. A list or
search may read many rows whatever its limit, so it always goes to the thread pool, as
every read on PostgreSQL does (a network round trip per statement), in one hop for
authentication and use-case together. Creates are written in batches with
the creates that arrive meanwhile (``create_batches.py``), and messages with the
messages that arrive meanwhile (``message_batches.py``).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from casedesk.api import case_contract as contract
from casedesk.api import message_contract as messages_contract
from casedesk.api.create_batches import CreateBatches
from casedesk.api.deps import bearer_token
from casedesk.api.errors import domain_problem
from casedesk.api.message_batches import MessageBatches
from casedesk.api.routers import cases as routes
from casedesk.domain.errors import DomainError, Unauthenticated
from casedesk.domain.permissions import Principal
from casedesk.domain.rate_limits import RateState
from casedesk.domain.token_scopes import require_scopes, required_scopes
from casedesk.http_credentials import client_address, state_headers
from casedesk.services.cases import search
from casedesk.services.identity.credentials import Credentials, RateLimitExceeded

_CASES = contract.CASES_PATH
_IDEMPOTENCY_KEY = contract.IDEMPOTENCY_KEY.encode()
#: What the list route gets for the parameters a request leaves out: its own defaults.
_LIST_DEFAULTS = {
    name: p.default
    for name, p in inspect.signature(routes.list_cases).parameters.items()
    if p.default is not inspect.Parameter.empty
}


class HotRoutes:
    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self.db = credentials.db
        self.reads_inline = self.db.backend == "sqlite"
        self.creates = CreateBatches(credentials)
        self.messages = MessageBatches(credentials)

    async def handle(
        self, scope: Scope, receive: Receive, send: Send, body: bytes | None
    ) -> int | None:
        """Answer the request and return its status, or None to leave it to FastAPI."""
        if scope.get("root_path"):
            return None
        method, path = scope["method"], scope["path"]
        if path.startswith(_CASES):
            if method == "GET":
                if path == _CASES:
                    return await self._list(scope, receive, send)
                case_id = contract.plain_case_id(path)
                if case_id is not None:
                    return await self._get(scope, receive, send, case_id)
            elif method == "POST" and path == _CASES and body:
                return await self._create(scope, receive, send, body)
            elif method == "POST" and body:
                case_id = messages_contract.plain_messages_path(path)
                if case_id is not None:
                    return await self._message(scope, receive, send, case_id, body)
        return None

    async def _get(self, scope: Scope, receive: Receive, send: Send, case_id: int) -> int | None:
        token = _bearer(scope)
        if token is None:
            return None
        db, credentials = self.db, self.credentials
        client, needed = client_address(scope), _needed(scope)

        def work() -> Response:
            with db.read() as s:  # one transaction for the caller and the case
                caller, state = credentials.token_in(s, token, client)
                require_scopes(caller.scopes, needed)
                try:
                    response = contract.get_answer(s, caller, case_id)
                except DomainError as exc:
                    response = domain_problem(exc)
                return _limited(response, state)

        return await self._answer(scope, receive, send, work, inline=self.reads_inline)

    async def _list(self, scope: Scope, receive: Receive, send: Send) -> int | None:
        token = _bearer(scope)
        params = contract.plain_list_params(scope.get("query_string", b""), _LIST_DEFAULTS)
        if token is None or params is None:
            return None
        db, credentials = self.db, self.credentials
        client, needed = client_address(scope), _needed(scope)

        def listed(s: Session, caller: Principal) -> Response:
            try:
                return contract.list_answer(s, caller, params)
            except DomainError as exc:
                return domain_problem(exc)

        def work() -> Response:
            # The caller is always read on the primary (a token made a moment ago is
            # there); the list, where the search rule says, on the replica.
            on_replica = search.on_replica(db, params.get("q"))
            with db.read() as s:
                caller, state = credentials.token_in(s, token, client)
                require_scopes(caller.scopes, needed)
                if not on_replica:
                    return _limited(listed(s, caller), state)
            with db.replica() as s:
                return _limited(listed(s, caller), state)

        return await self._answer(scope, receive, send, work, inline=False)

    async def _create(self, scope: Scope, receive: Receive, send: Send, body: bytes) -> int | None:
        token = _bearer(scope)
        plain = contract.plain_create(
            _header(scope, b"content-type"), _header(scope, _IDEMPOTENCY_KEY)
        )
        if token is None or not plain:
            return None
        data = contract.plain_create_body(body)
        if data is None:  # FastAPI words the 400 or 422
            return None

        async def created() -> Response:
            out, state = await self.creates.open(token, data, client_address(scope))
            return _limited(contract.created_answer(out), state)

        return await self._send(scope, receive, send, created())

    async def _message(
        self, scope: Scope, receive: Receive, send: Send, case_id: int, body: bytes
    ) -> int | None:
        """Add a message, in a batch with the messages that arrive meanwhile
        (``message_batches.py``)."""
        token = _bearer(scope)
        plain = messages_contract.plain_headers(
            _header(scope, b"content-type"), _header(scope, _IDEMPOTENCY_KEY)
        )
        data = messages_contract.plain_message_body(body) if plain else None
        if token is None or data is None:
            return None

        async def added() -> Response:
            answer, state = await self.messages.add(
                token, _needed(scope), case_id, data, client_address(scope)
            )
            if isinstance(answer, DomainError):
                return _limited(domain_problem(answer), state)
            return _limited(messages_contract.added_answer(answer), state)

        return await self._send(scope, receive, send, added())

    async def _send(
        self, scope: Scope, receive: Receive, send: Send, answer: Awaitable[Response]
    ) -> int:
        """Send the answer, or the refusal of the request's token or input."""
        try:
            response = await answer
        except Unauthenticated as exc:
            response = domain_problem(await self._refused(scope, exc))
        except RateLimitExceeded as exc:
            response = _limited(domain_problem(exc), exc.state)
        except DomainError as exc:
            response = domain_problem(exc)
        await response(scope, receive, send)
        return response.status_code

    async def _refused(self, scope: Scope, exc: Unauthenticated) -> DomainError:
        """Count a token that is not valid against its client (a write: off the loop)."""
        client = client_address(scope)
        return await run_in_threadpool(self.credentials.token_refused, exc, client)

    async def _answer(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        work: Callable[[], Response],
        *,
        inline: bool,
    ) -> int:

        async def answered() -> Response:
            return work() if inline else await run_in_threadpool(work)

        return await self._send(scope, receive, send, answered())


def _limited(response: Response, state: RateState | None) -> Response:
    """``response`` with the ``RateLimit`` headers of its request, if it is metered."""
    if state is not None:
        response.raw_headers += state_headers(state)
    return response


def _header(scope: Scope, name: bytes) -> bytes | None:
    """The first value of a header, as Starlette's ``request.headers.get`` reads it."""
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def _bearer(scope: Scope) -> str | None:
    """The Bearer token, as the routes' caller dependency reads it; None for anything
    else (FastAPI's route answers those)."""
    header = _header(scope, b"authorization")
    return None if header is None else bearer_token(header.decode("latin-1"))


def _needed(scope: Scope) -> tuple[str, ...]:
    """The scopes a token needs for this request (``domain/token_scopes.py``)."""
    return required_scopes(scope["method"], scope["path"])
