"""Writes of one kind that arrive together are written together.

While one batch is being written, the requests that arrive on this process's other
connections wait in a list; when the write is done they go as the next batch, in one
hop to a thread and one transaction. A request that arrives when nothing is being
written goes at once, so batching never adds a wait; under load, each hop and each
commit serve many requests. Each request still gets its own answer: what its batch's
write function returns for it (an exception is raised to that request alone).

``create_batches.py`` and ``message_batches.py`` say what their writes do.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from starlette.concurrency import run_in_threadpool

from casedesk.domain.errors import DomainError
from casedesk.domain.permissions import Principal
from casedesk.domain.rate_limits import RateState
from casedesk.services.identity.credentials import Credentials

Request = TypeVar("Request")
Answer = TypeVar("Answer")
#: Writes a batch (in a worker thread): an answer or an exception per request, in order.
Writer = Callable[[list[Request]], Sequence[Answer | Exception]]


class WriteBatches(Generic[Request, Answer]):
    """The batches of one kind of write in one process. Each event loop serving the app
    has its own queue: futures belong to the loop that made them."""

    def __init__(self, write: Writer[Request, Answer], max_batch: int) -> None:
        self._write = write
        self._max_batch = max_batch
        self._queues: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, _Queue[Request, Answer]
        ] = weakref.WeakKeyDictionary()

    async def submit(self, request: Request) -> Answer:
        """Write ``request`` with the others waiting; its answer, or raises its refusal."""
        loop = asyncio.get_running_loop()
        queue = self._queues.get(loop)
        if queue is None:
            queue = self._queues[loop] = _Queue(self._write, self._max_batch)
        return await queue.submit(request)


class _Queue(Generic[Request, Answer]):
    def __init__(self, write: Writer[Request, Answer], max_batch: int) -> None:
        self._write = write
        self._max_batch = max_batch
        self._pending: list[tuple[Request, asyncio.Future[Answer]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, request: Request) -> Answer:
        answer: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._pending.append((request, answer))
        if self._writer is None:
            self._writer = asyncio.ensure_future(self._write_all())
        return await answer

    async def _write_all(self) -> None:
        try:
            while self._pending:
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
                answers: Sequence[Answer | Exception]
                try:
                    answers = await run_in_threadpool(self._write, [r for r, _ in batch])
                except asyncio.CancelledError:
                    for _, future in batch:
                        future.cancel()
                    raise
                except Exception as exc:  # every request of the batch gets it
                    answers = [exc] * len(batch)
                for (_, future), answer in zip(batch, answers, strict=True):
                    if future.done():  # the request was cancelled meanwhile
                        continue
                    if isinstance(answer, Exception):
                        future.set_exception(answer)
                    else:
                        future.set_result(answer)
        finally:
            self._writer = None
            for _, future in self._pending:  # left only when cancelled
                future.cancel()
            self._pending.clear()


def callers_of(
    credentials: Credentials, requests: Sequence[tuple[str, str]]
) -> list[tuple[Principal, RateState | None] | DomainError]:
    """The caller of each ``(token, client address)`` of a batch, read in one go and
    metered against its token's quota: ``(principal, its place in the rate window)``,
    or the refusal of the token (unknown, revoked, over its quota)."""
    found = credentials.tokens({token for token, _ in requests})
    callers: list[tuple[Principal, RateState | None] | DomainError] = []
    for token, client in requests:
        caller = found[token]
        if isinstance(caller, DomainError):
            callers.append(caller)
            continue
        try:
            callers.append((caller.principal, credentials.meter(caller, client)))
        except DomainError as exc:
            callers.append(exc)
    return callers
