"""Idempotent creates: the first answer to a request with an ``Idempotency-Key`` is
stored in the same transaction as the create; a replay gets that answer back, and the
same key with a different body is refused.

An answer shows what the caller could see when it was made. So it is kept for the user
*and* the credential that asked (a token limited to one organization never replays what
the user's full token created), and before it is handed back ``still_visible`` checks,
through the normal read path, that the caller may still see it: a replay after the
caller lost a group is answered as for a missing case."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casedesk.domain.errors import Forbidden, IdempotencyMismatch, NotFound, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.kernel.access import not_found, read_case
from casedesk.store.db import Database
from casedesk.store.models import IdempotencyRecord


def request_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def run_once(
    db: Database,
    principal: Principal,
    key: str,
    scope: str,
    body_hash: str,
    create: Callable[[Session], tuple[int, dict[str, Any]]],
    still_visible: Callable[[Session, Principal, dict[str, Any]], None] | None = None,
) -> tuple[int, dict[str, Any], bool]:
    """Returns (status code, response body, replayed). ``still_visible`` (by default
    ``case_still_visible``) raises when the caller may no longer see a stored answer."""
    check = still_visible or case_still_visible
    if not key or len(key) > 255:
        raise ValidationFailed("Idempotency-Key must be 1..255 characters", field="Idempotency-Key")
    for attempt in (1, 2):
        try:
            with db.write() as s:
                found = s.get(IdempotencyRecord, (principal.user_id, principal.credential, key))
                if found is not None:
                    if found.request_hash != body_hash or found.scope != scope:
                        raise IdempotencyMismatch(
                            "this Idempotency-Key was used with a different request"
                        )
                    check(s, principal, found.response)
                    return found.status_code, found.response, True
                status, body = create(s)
                s.add(
                    IdempotencyRecord(
                        user_id=principal.user_id,
                        credential=principal.credential,
                        key=key,
                        scope=scope,
                        request_hash=body_hash,
                        status_code=status,
                        response=body,
                    )
                )
                s.flush()
                return status, body, False
        except IntegrityError:
            # A concurrent request with the same key committed first: replay its answer.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def case_still_visible(s: Session, principal: Principal, answer: dict[str, Any]) -> None:
    """The stored answer is a case: reload it through the read path, and answer as for
    a missing case (never a 403 that would confirm it exists) if the caller may no
    longer read it."""
    case_id = int(answer["id"])
    try:
        read_case(s, principal, case_id)
    except (NotFound, Forbidden):
        raise not_found(case_id) from None
