"""Messages that arrive together are written together (``write_batches.py``): one hop
to a thread, one read that authenticates every caller of the batch, and one write
transaction in which each message has a savepoint of its own
(``services/cases/messages.py``: ``add_messages``), so one commit serves them all.

Each request gets its own answer, as if it had been written alone: its message, or the
refusal of its token, its scopes or its case, with its own place in its token's rate
window.
"""

from __future__ import annotations

from functools import partial

from casedesk.api.write_batches import WriteBatches, callers_of
from casedesk.domain.errors import DomainError
from casedesk.domain.permissions import Principal
from casedesk.domain.rate_limits import RateState
from casedesk.domain.token_scopes import require_scopes
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import MessageCreate, MessageOut
from casedesk.services.identity.credentials import Credentials

#: Most messages in one transaction: bounds how long the last of them waits.
MAX_BATCH = 32

#: The message added or why it was refused, and the request's place in its token's
#: rate window. The token's own refusals (unknown, over its quota) are raised instead.
Added = tuple[MessageOut | DomainError, RateState | None]
#: A token, the scopes the request needs, the case, the message, the client's address.
_Request = tuple[str, tuple[str, ...], int, MessageCreate, str]


class MessageBatches:
    """The messages of one process."""

    def __init__(self, credentials: Credentials) -> None:
        self._batches: WriteBatches[_Request, Added] = WriteBatches(
            partial(_write, credentials), MAX_BATCH
        )

    async def add(
        self, token: str, needed: tuple[str, ...], case_id: int, data: MessageCreate, client: str
    ) -> Added:
        """Add a message to case ``case_id`` for the bearer of ``token``."""
        return await self._batches.submit((token, needed, case_id, data, client))


def _write(credentials: Credentials, requests: list[_Request]) -> list[Added | Exception]:
    callers = callers_of(credentials, [(request[0], request[4]) for request in requests])
    answers: dict[int, Added | Exception] = {}
    orders: list[tuple[int, RateState | None, Principal, int, MessageCreate]] = []
    for index, ((_, needed, case_id, data, _), caller) in enumerate(
        zip(requests, callers, strict=True)
    ):
        if isinstance(caller, DomainError):
            answers[index] = caller
            continue
        principal, state = caller
        try:
            require_scopes(principal.scopes, needed)
        except DomainError as exc:
            answers[index] = (exc, state)
            continue
        orders.append((index, state, principal, case_id, data))
    if orders:
        wanted = [(principal, case_id, data) for _, _, principal, case_id, data in orders]
        added = messages.add_messages(credentials.db, wanted, credentials.now())
        for (index, state, *_), answer in zip(orders, added, strict=True):
            if isinstance(answer, DomainError | MessageOut):
                answers[index] = (answer, state)
            else:
                answers[index] = answer
    return [answers[index] for index in range(len(requests))]
