"""Signing in through an OpenID provider: casedesk as the relying party of the
authorization-code flow, with Authlib.

``start`` reads the provider's discovery document and sends the browser to its
authorization endpoint with a fresh ``state``, ``nonce`` and PKCE verifier (S256).
Those three travel with the browser in a cookie sealed with the deployment's key
(``sealing``), so nothing is kept on the server for a sign-in that is never finished,
and a callback only works in the browser that started it. ``finish`` checks the state,
changes the code for tokens at the token endpoint (with the verifier and the client
secret), and accepts the ID token only when its signature verifies against the
provider's published keys (JWKS) and its issuer, audience, expiry and nonce are the
ones expected (Authlib's ``CodeIDToken``; ``at_hash`` too when present). Only then are
the claims mapped to a user (``sso_accounts``).
"""

from __future__ import annotations

import json
import secrets
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.deprecate import AuthlibDeprecationWarning
from authlib.integrations.base_client import OAuthError
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select

from casedesk.domain.errors import NotFound, Unauthenticated
from casedesk.services.identity import sso_accounts, web_sessions
from casedesk.services.identity.sealing import seal, unseal
from casedesk.services.identity.web_sessions import SignedIn, session_hash
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import ProviderSession, SignInProvider, WebSession

with warnings.catch_warnings():
    # Authlib would rather drive ``httpx2``; the ``httpx`` it falls back to is the one
    # casedesk pins, and it works the same.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client

#: How long a started sign-in may take at the provider.
FLOW_SECONDS = 600
#: Clock difference tolerated between casedesk and the provider.
LEEWAY_SECONDS = 60
#: Signature algorithms accepted for ID tokens: public-key ones only.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA")
HTTP_TIMEOUT = 10.0


class SignInFailed(Unauthenticated):
    """The provider's answer was refused: the reason is shown on the sign-in page."""

    code = "sign-in-failed"


@dataclass(frozen=True, slots=True)
class Started:
    """Where to send the browser, and the sealed flow for its cookie."""

    url: str
    flow: str


@dataclass(frozen=True, slots=True)
class Flow:
    provider_id: int
    state: str
    nonce: str
    verifier: str
    next_url: str
    expires: float


def _provider(
    db: Database, provider_id: int, secret_key: str, audience: str
) -> sso_accounts.ProviderConfig:
    with db.read() as s:
        row = s.get(SignInProvider, provider_id)
        if row is None or not row.is_active or row.audience != audience:
            raise NotFound(f"sign-in provider {provider_id} not found")
        return sso_accounts.config_of(row, secret_key)


def discover(issuer: str) -> dict[str, Any]:
    """The provider's discovery document; it must name the configured issuer."""
    try:
        answer = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=HTTP_TIMEOUT)
        answer.raise_for_status()
        meta = answer.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SignInFailed(f"the sign-in provider could not be reached ({exc})") from None
    if not isinstance(meta, dict) or meta.get("issuer") != issuer:
        raise SignInFailed("the sign-in provider's discovery document names another issuer")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(meta.get(key), str):
            raise SignInFailed(f"the sign-in provider's discovery document lacks {key}")
    return meta


def _client(config: sso_accounts.ProviderConfig, redirect_uri: str) -> OAuth2Client:
    return OAuth2Client(
        client_id=config.client_id,
        client_secret=config.client_secret,
        scope=config.scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
        timeout=HTTP_TIMEOUT,
    )


def start(
    db: Database,
    provider_id: int,
    *,
    redirect_uri: str,
    secret_key: str,
    next_url: str = "",
    audience: str = "agents",
    now: float | None = None,
) -> Started:
    """The provider's authorization address for a new sign-in of ``audience`` (agents
    or contacts), and its sealed flow."""
    config = _provider(db, provider_id, secret_key, audience)
    meta = discover(config.issuer)
    flow = Flow(
        provider_id,
        generate_token(32),
        generate_token(32),
        generate_token(64),
        next_url,
        (now or time.time()) + FLOW_SECONDS,
    )
    with _client(config, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            meta["authorization_endpoint"],
            state=flow.state,
            nonce=flow.nonce,
            code_verifier=flow.verifier,
        )
    sealed = seal(
        secret_key,
        json.dumps(
            {
                "p": flow.provider_id,
                "s": flow.state,
                "n": flow.nonce,
                "v": flow.verifier,
                "next": flow.next_url,
                "exp": flow.expires,
            }
        ),
    )
    return Started(url, sealed)


def open_flow(secret_key: str, sealed: str, now: float | None = None) -> Flow:
    """The flow a callback belongs to; ``SignInFailed`` when the browser has none or it
    is too old."""
    try:
        data = json.loads(unseal(secret_key, sealed))
        flow = Flow(
            int(data["p"]), data["s"], data["n"], data["v"], data["next"], float(data["exp"])
        )
    except (ValueError, KeyError, TypeError):
        raise SignInFailed("this sign-in was not started in this browser; start again") from None
    if flow.expires < (now or time.time()):
        raise SignInFailed("this sign-in took too long or was not started here; start again")
    return flow


def finish(
    db: Database,
    flow: Flow,
    params: Mapping[str, str],
    *,
    redirect_uri: str,
    secret_key: str,
    audience: str = "agents",
    now: datetime | None = None,
) -> SignedIn:
    """Check the provider's answer (``params`` of the callback), fetch and validate the
    ID token, and open a console session for the user its claims map to (a portal
    session for the contact, for a provider of contacts)."""
    now = now or utcnow()
    if not secrets.compare_digest(params.get("state", "").encode(), flow.state.encode()):
        raise SignInFailed("the provider's answer does not belong to this sign-in; start again")
    if params.get("error"):
        reason = params.get("error_description") or params["error"]
        raise SignInFailed(f"the sign-in provider refused: {reason[:200]}")
    config = _provider(db, flow.provider_id, secret_key, audience)
    meta = discover(config.issuer)
    if "iss" in params and params["iss"] != config.issuer:
        raise SignInFailed("the answer came from another sign-in provider")
    code = params.get("code", "")
    if not code:
        raise SignInFailed("the sign-in provider sent no code")
    try:
        with _client(config, redirect_uri) as client:
            token = client.fetch_token(
                meta["token_endpoint"], code=code, code_verifier=flow.verifier
            )
    except (OAuthError, httpx.HTTPError, ValueError) as exc:
        raise SignInFailed(f"the sign-in provider did not give a token ({exc})") from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SignInFailed("the sign-in provider gave no ID token")
    access_token = token.get("access_token")
    claims = validate_id_token(
        id_token, meta, config, nonce=flow.nonce, access_token=access_token, now=now
    )
    if isinstance(meta.get("userinfo_endpoint"), str) and isinstance(access_token, str):
        claims = user_info(meta["userinfo_endpoint"], access_token, claims)
    if config.audience == "contacts":
        return sso_accounts.sign_in_contact(db, config, claims, now=now)
    return sso_accounts.sign_in(db, config, claims, id_token, now=now)


def user_info(endpoint: str, access_token: str, claims: dict[str, Any]) -> dict[str, Any]:
    """The ID token's claims with those of the UserInfo endpoint added: many providers
    put the profile claims (email, name, groups) there and not in the ID token. The
    answer counts only for the same subject, and never overrides the ID token."""
    try:
        answer = httpx.get(
            endpoint, headers={"Authorization": f"Bearer {access_token}"}, timeout=HTTP_TIMEOUT
        )
        answer.raise_for_status()
        info = answer.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SignInFailed(f"the sign-in provider's user info could not be read ({exc})") from None
    if not isinstance(info, dict) or info.get("sub") != claims.get("sub"):
        raise SignInFailed("the sign-in provider's user info is about someone else")
    return info | claims


def validate_id_token(
    id_token: str,
    meta: Mapping[str, Any],
    config: sso_accounts.ProviderConfig,
    *,
    nonce: str,
    access_token: object,
    now: datetime,
) -> dict[str, Any]:
    """The claims of ``id_token`` once its signature (the provider's JWKS), issuer,
    audience, expiry and nonce are right; ``SignInFailed`` otherwise."""
    try:
        answer = httpx.get(meta["jwks_uri"], timeout=HTTP_TIMEOUT)
        answer.raise_for_status()
        keys = KeySet.import_key_set(answer.json())
    except (httpx.HTTPError, ValueError, JoseError) as exc:
        raise SignInFailed(f"the sign-in provider's keys could not be read ({exc})") from None
    try:
        token = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
        claims = CodeIDToken(
            token.claims,
            token.header,
            options={
                "iss": {"essential": True, "value": config.issuer},
                "aud": {"essential": True, "value": config.client_id},
            },
            params={
                "nonce": nonce,
                "client_id": config.client_id,
                "access_token": access_token if isinstance(access_token, str) else None,
            },
        )
        claims.validate(now=int(now.timestamp()), leeway=LEEWAY_SECONDS)
    except (JoseError, ValueError) as exc:
        raise SignInFailed(f"the ID token was refused: {exc}") from None
    return dict(claims)


@dataclass(frozen=True, slots=True)
class SignOutAt:
    """Where the browser signs out at the provider, and the provider's name."""

    url: str
    provider: str


def sign_out(
    db: Database, session_token: str, *, post_logout_redirect_uri: str
) -> SignOutAt | None:
    """End the console session; where to send the browser to sign out at the provider
    too (its end-session endpoint, RP-initiated logout), or None for a local sign-out
    only (a password session, a provider set not to, or one without the endpoint)."""
    with db.read() as s:
        row = s.execute(
            select(ProviderSession, SignInProvider)
            .join(SignInProvider, SignInProvider.id == ProviderSession.provider_id)
            .join(WebSession, WebSession.id == ProviderSession.web_session_id)
            .where(WebSession.token_hash == session_hash(session_token))
        ).first()
        found = None if row is None else (row[0].id_token, row[1])
        issuer = found[1].issuer if found else ""
        name = found[1].name if found else ""
        client_id = found[1].client_id if found else ""
        at_provider = bool(found and found[1].sign_out_at_provider and found[1].is_active)
    web_sessions.sign_out(db, session_token)
    if found is None or not at_provider:
        return None
    try:
        endpoint = discover(issuer).get("end_session_endpoint")
    except SignInFailed:
        return None
    if not isinstance(endpoint, str):
        return None
    url = add_params_to_uri(
        endpoint,
        [
            ("id_token_hint", found[0]),
            ("post_logout_redirect_uri", post_logout_redirect_uri),
            ("client_id", client_id),
        ],
    )
    return SignOutAt(str(url), name)
