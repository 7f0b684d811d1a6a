"""Who calls the Case Management API: a Bearer token, or HTTP Basic with email and
password, against the core's users and tokens (under the shared limits)."""

from __future__ import annotations

from fastapi import Request

from casedesk.domain.errors import Unauthenticated
from casedesk.domain.permissions import Principal
from casedesk.http_credentials import basic_caller, bearer_caller


def principal_of(request: Request) -> Principal:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return bearer_caller(request, value)
    if scheme.lower() == "basic" and value:
        return basic_caller(request, value)
    raise Unauthenticated("send a Bearer token in the Authorization header")
