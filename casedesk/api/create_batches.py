"""Creates that arrive together are written together (``write_batches.py``): one
transaction for the batch (``services/cases/opening.py``: one counter update and one
statement per table for the whole batch).

Each request still gets its own answer: its case, or the refusal of its own token or
input. The callers of a batch are authenticated in one read before the write, so a bad
token is refused without waiting for the write lock, and each request is counted
against its token's rate quota there (``services/identity/credentials.py``).
"""

from __future__ import annotations

from functools import partial

from casedesk.api.write_batches import WriteBatches, callers_of
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
#: A token, what to open, and the client's address.
_Request = tuple[str, CaseCreate, str]


class CreateBatches:
    """The creates of one process."""

    def __init__(self, credentials: Credentials) -> None:
        self._batches: WriteBatches[_Request, Created] = WriteBatches(
            partial(_write, credentials), MAX_BATCH
        )

    async def open(self, token: str, data: CaseCreate, client: str = "") -> Created:
        """Open a case for the bearer of ``token``; raises the refusal."""
        return await self._batches.submit((token, data, client))


def _write(credentials: Credentials, requests: list[_Request]) -> list[Created | Exception]:
    """Authenticate and meter the callers, then open the cases of those who may, in
    one batch."""
    callers = callers_of(credentials, [(token, client) for token, _, client in requests])
    answers: dict[int, Created | Exception] = {}
    orders: list[tuple[int, NewCase, RateState | None]] = []
    for index, ((_, data, _), caller) in enumerate(zip(requests, callers, strict=True)):
        if isinstance(caller, DomainError):
            answers[index] = caller
            continue
        principal, state = caller
        try:
            require_scopes(principal.scopes, required_scopes("POST", "/api/v1/cases"))
        except DomainError as exc:
            answers[index] = exc
            continue
        orders.append((index, NewCase(principal, data), state))
    if orders:
        opened = open_cases(credentials.db, [order for _, order, _ in orders])
        for (index, _, state), answer in zip(orders, opened, strict=True):
            answers[index] = answer if isinstance(answer, Exception) else (answer, state)
    return [answers[index] for index in range(len(requests))]
