"""Request dependencies: the database and the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBasic, HTTPBearer
from pydantic import Field

from casedesk.config import Settings
from casedesk.domain.permissions import Principal
from casedesk.http_credentials import header_caller
from casedesk.intake import known_caller
from casedesk.store.db import Database

# Declared for the OpenAPI document; the header itself is parsed below so that both
# schemes can be tried and errors come out as problem+json.
_bearer = HTTPBearer(auto_error=False, description="API token from `casedesk tokens create`")
_basic = HTTPBasic(auto_error=False, description="Email and password")


async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_principal(
    request: Request,
    db: Annotated[Database, Depends(get_db)],
    _b: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
    _p: Annotated[object, Depends(_basic)] = None,
) -> Principal:
    return known_caller(request) or principal_of(request)


def principal_of(request: Request) -> Principal:
    """The caller named by the Authorization header (Bearer token or Basic)."""
    return header_caller(
        request, "authentication required: send a Bearer token or Basic credentials"
    )


def bearer_token(authorization: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header value; None for any other
    value. The front layer's hot routes read the header with it too."""
    scheme, _, value = authorization.partition(" ")
    value = value.strip()
    return value if scheme.lower() == "bearer" and value else None


Caller = Annotated[Principal, Depends(get_principal)]
Db = Annotated[Database, Depends(get_db)]

#: Ids are positive and fit every backend's integer (and JavaScript's safe range).
MAX_ID = 2**53
CaseId = Annotated[int, Path(ge=1, le=MAX_ID)]
#: An id as an item of a repeatable query parameter (``?group_id=1&group_id=2``). Bounds
#: go on the items: ``Query(ge=...)`` on a list would compare the list itself.
IdItem = Annotated[int, Field(ge=1, le=MAX_ID)]
