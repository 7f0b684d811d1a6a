"""Who calls the ITX API: the core's users and tokens (Bearer token, or HTTP Basic with
email and password), and the app's database, settings and blob store.

The database and blob store are handed to the services as they are; a dialect never
touches the store itself, so it holds them untyped rather than import ``casedesk.store``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from casedesk.config import Settings
from casedesk.domain.permissions import Principal
from casedesk.http_credentials import header_caller
from casedesk.intake import known_caller


def get_db(request: Request) -> Any:
    return request.app.state.db


def get_principal(request: Request, db: Annotated[Any, Depends(get_db)]) -> Principal:
    return known_caller(request) or principal_of(request)


def principal_of(request: Request) -> Principal:
    return header_caller(request, "authentication required")


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_blobs(request: Request) -> Any:
    return request.app.state.blob_store


Caller = Annotated[Principal, Depends(get_principal)]
Db = Annotated[Any, Depends(get_db)]
Blobs = Annotated[Any, Depends(get_blobs)]
AppSettings = Annotated[Settings, Depends(get_settings)]
