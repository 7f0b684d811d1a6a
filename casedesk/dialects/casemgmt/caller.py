"""Who calls the Case Management API: a Bearer token, or HTTP Basic with email and
password, against the core's users and tokens (under the shared limits)."""

from __future__ import annotations

from fastapi import Request

from casedesk.domain.permissions import Principal
from casedesk.http_credentials import header_caller


def principal_of(request: Request) -> Principal:
    return header_caller(request, "send a Bearer token in the Authorization header")
