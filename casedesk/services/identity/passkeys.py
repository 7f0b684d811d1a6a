"""Passkeys (WebAuthn) as a second factor, with ``py_webauthn``.

Registering and using a passkey are each two requests: the options (with a random
challenge) and the browser's signed answer. The challenge is kept on the browser's
session row, never trusted from the browser, and is used once: reading it for a check
clears it. The relying party is this server as ``CASEDESK_PUBLIC_URL`` names it (its
host is the RP id, its scheme, host and port the only origin accepted), so a passkey
made for this deployment signs nothing for a look-alike site.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import PublicKeyCredentialDescriptor

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.identity import second_factors
from casedesk.services.identity.web_sessions import live_session
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import Passkey, User, WebSession

RP_NAME = "casedesk"


@dataclass(frozen=True, slots=True)
class RelyingParty:
    """Who the passkeys are for, from the public address."""

    rp_id: str
    origin: str

    @classmethod
    def of(cls, public_url: str) -> RelyingParty:
        parts = urlsplit(public_url)
        return cls(parts.hostname or "", f"{parts.scheme}://{parts.netloc}")


def _session(s: Session, token: str, now: datetime) -> WebSession:
    row = live_session(s, token, now)
    if row is None or row.user_id is None:
        raise ValidationFailed("please sign in again", field="credential")
    return row


def _descriptors(s: Session, user_id: int) -> list[PublicKeyCredentialDescriptor]:
    ids = s.scalars(select(Passkey.credential_id).where(Passkey.user_id == user_id))
    return [PublicKeyCredentialDescriptor(id=cid) for cid in ids]


def _take_challenge(row: WebSession) -> bytes:
    challenge, row.challenge = row.challenge, None
    if not challenge:
        raise ValidationFailed("the passkey request has expired; try again", field="credential")
    return base64url_to_bytes(challenge)


def _credential(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ValidationFailed("the passkey answer is not readable", field="credential")
    return value


def registration_options(
    db: Database, principal: Principal, session_token: str, public_url: str
) -> str:
    """The options (JSON) for ``navigator.credentials.create`` on the security page."""
    party = RelyingParty.of(public_url)
    with db.write() as s:
        row = _session(s, session_token, utcnow())
        user = s.get_one(User, principal.user_id)
        options = generate_registration_options(
            rp_id=party.rp_id,
            rp_name=RP_NAME,
            user_name=user.email,
            user_id=str(user.id).encode(),
            user_display_name=user.name or user.email,
            exclude_credentials=_descriptors(s, user.id),
        )
        row.challenge = bytes_to_base64url(options.challenge)
        return options_to_json(options)


def register(
    db: Database,
    principal: Principal,
    session_token: str,
    credential: str,
    public_url: str,
    name: str,
) -> None:
    """Keep the passkey the browser made, once its answer checks out."""
    party = RelyingParty.of(public_url)
    now = utcnow()
    with db.write() as s:
        row = _session(s, session_token, now)
        challenge = _take_challenge(row)
        try:
            verified = verify_registration_response(
                credential=_credential(credential),
                expected_challenge=challenge,
                expected_rp_id=party.rp_id,
                expected_origin=party.origin,
            )
        except InvalidRegistrationResponse as exc:
            raise ValidationFailed(
                f"the passkey was not accepted: {exc}", field="credential"
            ) from None
        taken = select(Passkey.id).where(Passkey.credential_id == verified.credential_id)
        if s.scalar(taken) is not None:
            raise ValidationFailed("this passkey is already registered", field="credential")
        s.add(
            Passkey(
                user_id=principal.user_id,
                credential_id=verified.credential_id,
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                name=name.strip()[:100] or "Passkey",
                created_at=now,
            )
        )
        s.flush()
        audit.record(
            s, principal, principal.corporation_id, "user.passkey_added", "user", principal.user_id
        )


def remove(db: Database, principal: Principal, passkey_id: int) -> None:
    with db.write() as s:
        row = s.get(Passkey, passkey_id)
        if row is None or row.user_id != principal.user_id:
            raise NotFound(f"passkey {passkey_id} not found")
        s.delete(row)
        s.flush()
        if not second_factors.has_second_factor(s, principal.user_id):
            second_factors.keep_one(s, principal)
        audit.record(
            s,
            principal,
            principal.corporation_id,
            "user.passkey_removed",
            "user",
            principal.user_id,
        )


def authentication_options(db: Database, session_token: str, public_url: str) -> str:
    """The options (JSON) for ``navigator.credentials.get`` at the second step."""
    party = RelyingParty.of(public_url)
    with db.write() as s:
        row = _session(s, session_token, utcnow())
        assert row.user_id is not None
        options = generate_authentication_options(
            rp_id=party.rp_id, allow_credentials=_descriptors(s, row.user_id)
        )
        row.challenge = bytes_to_base64url(options.challenge)
        return options_to_json(options)


def use_passkey(
    s: Session, row: WebSession, credential: str, public_url: str, now: datetime
) -> bool:
    """Whether ``credential`` is a valid signature of the session's challenge by one of
    the session user's passkeys (in the caller's write; the challenge is spent)."""
    party = RelyingParty.of(public_url)
    challenge = _take_challenge(row)
    answer = _credential(credential)
    try:
        raw_id = base64url_to_bytes(str(answer.get("rawId") or answer.get("id") or ""))
    except ValueError:
        return False
    key = s.scalars(
        select(Passkey).where(Passkey.user_id == row.user_id, Passkey.credential_id == raw_id)
    ).one_or_none()
    if key is None:
        return False
    try:
        verified = verify_authentication_response(
            credential=answer,
            expected_challenge=challenge,
            expected_rp_id=party.rp_id,
            expected_origin=party.origin,
            credential_public_key=key.public_key,
            credential_current_sign_count=key.sign_count,
        )
    except InvalidAuthenticationResponse:
        return False
    key.sign_count = verified.new_sign_count
    key.last_used_at = now
    return True
