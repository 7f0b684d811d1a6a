"""Idempotent creates: the first answer to a request with an ``Idempotency-Key`` is
stored in the same transaction as the create; a replay gets that answer back, and the
same key with a different body is refused."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casedesk.domain.errors import IdempotencyMismatch, ValidationFailed
from casedesk.domain.permissions import Principal
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
) -> tuple[int, dict[str, Any], bool]:
    """Returns (status code, response body, replayed)."""
    if not key or len(key) > 255:
        raise ValidationFailed("Idempotency-Key must be 1..255 characters", field="Idempotency-Key")
    for attempt in (1, 2):
        try:
            with db.write() as s:
                found = s.get(IdempotencyRecord, (principal.user_id, key))
                if found is not None:
                    if found.request_hash != body_hash or found.scope != scope:
                        raise IdempotencyMismatch(
                            "this Idempotency-Key was used with a different request"
                        )
                    return found.status_code, found.response, True
                status, body = create(s)
                s.add(
                    IdempotencyRecord(
                        user_id=principal.user_id,
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
