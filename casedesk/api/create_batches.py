"""Creates that arrive together are written together.

While one batch of creates is being written, the creates that arrive on this process's
other connections wait in a list; when the write is done they go as the next batch, in
one transaction (``services/cases/opening.py``: one counter update and one statement per
table for the whole batch). A create that arrives when nothing is being written goes at
once, so batching never adds a wait; under load, each write serves many requests.

Each request still gets its own answer: its case, or the refusal of its own token or
input. The callers of a batch are authenticated in one read before the write, so a bad
token is refused without waiting for the write lock, and each request is counted
against its token's rate quota there (``services/identity/credentials.py``).
"""

from __future__ import annotations

import asyncio
import weakref

from starlette.concurrency import run_in_threadpool

from casedesk.domain.errors import DomainError
from casedesk.domain.rate_limits import RateState
from casedesk.domain.token_scopes import require_scopes, required_scopes
from casedesk.services.cases.opening import NewCase, open_cases
from casedesk.services.cases.schemas import CaseCreate, CaseOut
from casedesk.services.identity.credentials import Credentials

#: Most creates in one transaction: bounds how long the last of them waits.
MAX_BATCH = 64

#: A case opened, and its request's place in its token's rate window.
Created = tuple[CaseOut, RateState | None]
#: A token, what to open, the client's address, and where the answer goes.
_Request = tuple[str, CaseCreate, str, "asyncio.Future[Created]"]


class CreateBatches:
    """The creates of one process (module docstring). Each event loop serving the app
    has its own queue: futures belong to the loop that made them."""

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self._queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Queue] = (
            weakref.WeakKeyDictionary()
        )

    async def open(self, token: str, data: CaseCreate, client: str = "") -> Created:
        """Open a case for the bearer of ``token``; raises the refusal."""
        loop = asyncio.get_running_loop()
        queue = self._queues.get(loop)
        if queue is None:
            queue = self._queues[loop] = _Queue(self.credentials)
        return await queue.open(token, data, client)


class _Queue:
    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self._pending: list[_Request] = []
        self._writer: asyncio.Task[None] | None = None

    async def open(self, token: str, data: CaseCreate, client: str) -> Created:
        answer: asyncio.Future[Created] = asyncio.get_running_loop().create_future()
        self._pending.append((token, data, client, answer))
        if self._writer is None:
            self._writer = asyncio.ensure_future(self._write_all())
        return await answer

    async def _write_all(self) -> None:
        try:
            while self._pending:
                batch = self._pending[:MAX_BATCH]
                del self._pending[:MAX_BATCH]
                try:
                    requests = [(token, data, client) for token, data, client, _ in batch]
                    answers = await run_in_threadpool(_write, self.credentials, requests)
                except asyncio.CancelledError:
                    for *_, future in batch:
                        future.cancel()
                    raise
                except Exception as exc:  # every request of the batch gets it
                    answers = [exc] * len(batch)
                for (*_, future), answer in zip(batch, answers, strict=True):
                    if future.done():  # the request was cancelled meanwhile
                        continue
                    if isinstance(answer, Exception):
                        future.set_exception(answer)
                    else:
                        future.set_result(answer)
        finally:
            self._writer = None
            for *_, future in self._pending:  # left only when cancelled
                future.cancel()
            self._pending.clear()


def _write(
    credentials: Credentials, requests: list[tuple[str, CaseCreate, str]]
) -> list[Created | Exception]:
    """Authenticate and meter the callers, then open the cases of those who may, in
    one batch."""
    callers = credentials.tokens({token for token, _, _ in requests})
    answers: dict[int, Created | Exception] = {}
    orders: list[tuple[int, NewCase, RateState | None]] = []
    for index, (token, data, client) in enumerate(requests):
        caller = callers[token]
        if isinstance(caller, DomainError):
            answers[index] = caller
            continue
        try:
            state = credentials.meter(caller, client)
            require_scopes(caller.principal.scopes, required_scopes("POST", "/api/v1/cases"))
        except DomainError as exc:
            answers[index] = exc
            continue
        orders.append((index, NewCase(caller.principal, data), state))
    if orders:
        opened = open_cases(credentials.db, [order for _, order, _ in orders])
        for (index, _, state), answer in zip(orders, opened, strict=True):
            answers[index] = answer if isinstance(answer, Exception) else (answer, state)
    return [answers[index] for index in range(len(requests))]
