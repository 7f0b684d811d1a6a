"""OAuth2 mailboxes: the providers casedesk knows, and how a mailbox's OAuth2 state
reads. Pure data and rules; the token requests are in ``services/mail/mailbox_tokens``.

Microsoft 365 and Google no longer take a password over IMAP and SMTP: a mailbox there
signs in with an access token (SASL XOAUTH2, or OAUTHBEARER), which casedesk gets by
refreshing the refresh token an admin obtained once in the console.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

#: An access token is refreshed this long before its expiry, so a poll or a delivery
#: never starts with one that runs out on the way.
REFRESH_MARGIN = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Provider:
    key: str
    label: str
    authorize_url: str
    token_url: str
    scopes: str
    #: Extra parameters of the authorisation request (Google hands out a refresh token
    #: only when asked for offline access and consent).
    authorize_params: tuple[tuple[str, str], ...] = ()


MICROSOFT = Provider(
    "microsoft",
    "Microsoft 365",
    "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize",
    "https://login.microsoftonline.com/organizations/oauth2/v2.0/token",
    "https://outlook.office.com/IMAP.AccessAsUser.All "
    "https://outlook.office.com/SMTP.Send offline_access",
)
GOOGLE = Provider(
    "google",
    "Google",
    "https://accounts.google.com/o/oauth2/v2/auth",
    "https://oauth2.googleapis.com/token",
    "https://mail.google.com/",
    (("access_type", "offline"), ("prompt", "consent")),
)
PRESETS = {p.key: p for p in (MICROSOFT, GOOGLE)}
#: The keys a mailbox's provider may have; ``custom`` names its own endpoints and scopes.
PROVIDER_KEYS = ("microsoft", "google", "custom")


def needs_refresh(expires_at: datetime | None, now: datetime) -> bool:
    """Whether an access token expiring at ``expires_at`` must be refreshed before use."""
    return expires_at is None or now >= expires_at - REFRESH_MARGIN


def xoauth2(user: str, token: str) -> bytes:
    """The client's first message of SASL XOAUTH2 (Google's and Microsoft's mechanism)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01".encode()


def oauthbearer(user: str, token: str) -> bytes:
    """The client's first message of SASL OAUTHBEARER (RFC 7628)."""
    name = user.replace("=", "=3D").replace(",", "=2C")
    return f"n,a={name},\x01auth=Bearer {token}\x01\x01".encode()
