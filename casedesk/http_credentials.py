"""Credentials as they come over HTTP, for every face: the client's address, HTTP Basic,
bearer tokens, and what the answer must say about limits.

A token is held to its scopes here too (``domain/token_scopes.py``): what a request
needs follows from its method and path, so every face refuses a token outside its
scopes with ``Forbidden`` naming the scope, in the face's own error shape.

Each face parses its own ``Authorization`` header (or ``api_key``) and calls
``bearer_caller`` or ``password_caller``; both go through the app's one
``services.credentials.Credentials``. What a refusal or a metered request must add to
the answer is left in the request's scope: the request's ``RateState`` (the front layer,
``api/front.py``, turns it into ``RateLimit-Policy`` and ``RateLimit`` headers on every
answer) and, for a 429, the seconds of ``Retry-After``. So every face's own error shape
gets the same headers without knowing about them.

The client's address is the peer of the connection as the server gives it
(``scope["client"]``). ``X-Forwarded-For`` is not read here: uvicorn applies it only
when the peer is one of its ``--forwarded-allow-ips`` (by default the loopback, i.e. a
reverse proxy on the same host).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from starlette.requests import Request
from starlette.types import Scope

from casedesk.domain.errors import TooManyAttempts, Unauthenticated
from casedesk.domain.permissions import Principal
from casedesk.domain.rate_limits import RateState
from casedesk.domain.token_scopes import require_scopes, required_scopes
from casedesk.services.identity.credentials import Credentials, RateLimitExceeded

#: Scope keys: the request's ``RateState`` (or None), and a 429's ``Retry-After``.
RATE = "casedesk.rate"
RETRY_AFTER = "casedesk.retry_after"


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def credentials(request: Request) -> Credentials:
    checks: Credentials = request.app.state.credentials
    return checks


def bearer_caller(request: Request, token: str) -> Principal:
    """The caller behind a bearer token (or ITFlow ``api_key``), metered."""
    scope = request.scope
    try:
        principal, state = credentials(request).token(token, client_address(scope))
    except RateLimitExceeded as exc:
        scope[RATE] = exc.state
        scope[RETRY_AFTER] = exc.retry_after
        raise
    except TooManyAttempts as exc:
        scope[RETRY_AFTER] = exc.retry_after
        raise
    scope[RATE] = state
    require_scopes(principal.scopes, required_scopes(request.method, scope["path"]))
    return principal


def password_caller(request: Request, user: str, password: str) -> Principal:
    """The user with this email and password, under the brute-force limit."""
    try:
        return credentials(request).password(user, password, client_address(request.scope))
    except TooManyAttempts as exc:
        request.scope[RETRY_AFTER] = exc.retry_after
        raise


def basic_caller(request: Request, value: str) -> Principal:
    """The user of an HTTP Basic ``Authorization`` value (after ``Basic ``)."""
    try:
        user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthenticated("malformed Basic credentials") from None
    return password_caller(request, user, password)


def header_caller(
    request: Request, missing: str, token_schemes: tuple[str, ...] = ("bearer",)
) -> Principal:
    """The caller of the ``Authorization`` header: an API token under one of
    ``token_schemes``, or HTTP Basic; ``Unauthenticated(missing)`` for anything else."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme in token_schemes and value:
        return bearer_caller(request, value)
    if scheme == "basic" and value:
        return basic_caller(request, value)
    raise Unauthenticated(missing)


def limit_headers(scope: dict[str, Any] | Scope) -> list[tuple[bytes, bytes]]:
    """The ``RateLimit-Policy`` and ``RateLimit`` headers of a metered request."""
    state = scope.get(RATE)
    return [] if state is None else state_headers(state)


def state_headers(state: RateState) -> list[tuple[bytes, bytes]]:
    """``RateLimit-Policy`` and ``RateLimit`` for ``state``, as raw ASGI headers."""
    policy = _policies.get(state.limit)
    if policy is None:
        policy = _policies[state.limit] = state.policy_header().encode()
    return [(b"ratelimit-policy", policy), (b"ratelimit", state.state_header().encode())]


#: ``RateLimit-Policy`` values by quota: few quotas, one for every metered answer.
_policies: dict[int, bytes] = {}
