"""Secrets kept encrypted at rest (a TOTP secret), with a key derived from
``CASEDESK_SECRET_KEY``.

Fernet (AES-128-CBC with HMAC-SHA256) from ``cryptography``; its key is derived with
HKDF-SHA256 from the deployment's secret key and a purpose label, so the key that seals
secrets is never the secret key itself and other uses of that key cannot collide with
it. A copy of the database alone reveals none of the sealed values.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_PURPOSE = b"casedesk sealed secrets v1"


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret_key: str, value: str) -> str:
    """``value`` encrypted and authenticated, as text for a column."""
    return _fernet(secret_key).encrypt(value.encode()).decode()


def unseal(secret_key: str, sealed: str) -> str:
    """The value ``seal`` sealed; ``ValueError`` when the key changed or it was altered."""
    try:
        return _fernet(secret_key).decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise ValueError("a sealed secret does not open with this CASEDESK_SECRET_KEY") from None
