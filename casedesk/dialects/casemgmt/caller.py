"""Who calls the Case Management API: a Bearer token, or HTTP Basic with email and
password, against the core's users and tokens."""

from __future__ import annotations

import base64
import binascii

from fastapi import Request

from casedesk.domain.errors import Unauthenticated
from casedesk.domain.permissions import Principal
from casedesk.services.identity.auth import authenticate_password, authenticate_token
from casedesk.services.kernel.database import Database


def principal_of(request: Request) -> Principal:
    db: Database = request.app.state.db
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return authenticate_token(db, value)
    if scheme.lower() == "basic" and value:
        try:
            user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise Unauthenticated("malformed Basic credentials") from None
        return authenticate_password(db, user, password)
    raise Unauthenticated("send a Bearer token in the Authorization header")
