"""``POST /api/v1/cases/{id}/messages`` in its plain form, for the hot routes.

The route of ``routers/case_parts.py`` takes any form; the hot routes answer the plain
one (a Bearer token, a canonical case id, a JSON body declared as
``application/json`` that validates, no ``Idempotency-Key``) with one hop to a thread
and one transaction for authentication and write. Anything else is FastAPI's, which
words the refusals.
"""

from __future__ import annotations

from pydantic import ValidationError as PydanticValidationError
from starlette.responses import Response

from casedesk.api.case_contract import CASE_ID, CASES_PATH, JSON
from casedesk.domain.errors import DomainError
from casedesk.intake import load_json
from casedesk.services.cases.schemas import MessageCreate, MessageOut

_SUFFIX = "/messages"


def plain_messages_path(path: str) -> int | None:
    """The case id of ``/api/v1/cases/{id}/messages`` written plainly; else None."""
    prefix = CASES_PATH + "/"
    if not (path.startswith(prefix) and path.endswith(_SUFFIX)):
        return None
    return CASE_ID.plain(path[len(prefix) : -len(_SUFFIX)])


def plain_message_body(body: bytes) -> MessageCreate | None:
    """The body as the route's model, or None when the route must word the refusal."""
    try:
        load_json(body)
        return MessageCreate.model_validate_json(body, strict=True)
    except (ValueError, PydanticValidationError, DomainError):
        return None


def plain_headers(content_type: bytes | None, idempotency_key: bytes | None) -> bool:
    return content_type == JSON.encode() and idempotency_key is None


def added_answer(message: MessageOut) -> Response:
    """201 with the new message, as the route answers."""
    return Response(message.model_dump_json(), status_code=201, media_type=JSON)
