"""The links a survey mail carries. A token is 32 random bytes; the database keeps only
its SHA-256, so a copy of the database opens no survey, and an altered token matches
none. Every answer replaces the token, so a link records once: the page after an
answer carries the next token, for changing it within ``domain.surveys.CHANGE_WINDOW``.
"""

from __future__ import annotations

import hashlib
import secrets

#: Where a survey link leads, below the site's public address.
LINK_PATH = "/portal/survey/"


def new_token() -> tuple[str, str]:
    """A fresh token and the hash to store."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + LINK_PATH + token
