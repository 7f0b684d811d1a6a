"""Who calls the Track-It! API: a Bearer ``access_token`` from the token endpoint (any
core API token works the same way).

The database is handed to the services as it is; a dialect never touches the store
itself, so it holds it untyped rather than import ``casedesk.store``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from casedesk.domain.errors import Unauthenticated
from casedesk.domain.permissions import Principal
from casedesk.http_credentials import bearer_caller
from casedesk.intake import known_caller


def get_db(request: Request) -> Any:
    return request.app.state.db


def get_principal(request: Request, db: Annotated[Any, Depends(get_db)]) -> Principal:
    return known_caller(request) or principal_of(request)


def principal_of(request: Request) -> Principal:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    value = value.strip().strip('"')
    if scheme.lower() == "bearer" and value:
        return bearer_caller(request, value)
    raise Unauthenticated("send the access_token from the token API as a Bearer token")


Caller = Annotated[Principal, Depends(get_principal)]
Db = Annotated[Any, Depends(get_db)]
