"""Mail server URLs: ``imaps://user:pw@host:993/Folder``, ``imap://…?starttls``,
``smtp://user:pw@host:587?starttls``, ``smtps://host:465``. User and password are
percent-decoded; no scheme means no TLS and is meant for loopback servers only."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from casedesk.domain.errors import ValidationFailed

_DEFAULT_PORTS = {
    ("imap", "tls"): 993,
    ("imap", "starttls"): 143,
    ("imap", "none"): 143,
    ("smtp", "tls"): 465,
    ("smtp", "starttls"): 587,
    ("smtp", "none"): 25,
}


@dataclass(frozen=True, slots=True)
class ServerUrl:
    protocol: str  # imap | smtp
    security: str  # tls | starttls | none
    host: str
    port: int
    user: str
    password: str
    #: The IMAP folder (path of the URL), or "".
    path: str

    def __repr__(self) -> str:  # never print the password
        return (
            f"ServerUrl({self.protocol}, {self.security}, {self.host}:{self.port}, {self.user!r})"
        )


def parse_server_url(url: str, protocol: str) -> ServerUrl:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in (protocol, f"{protocol}s"):
        raise ValidationFailed(f"a {protocol} URL starts with {protocol}:// or {protocol}s://")
    query = parse_qs(parts.query, keep_blank_values=True)
    if scheme.endswith("s"):
        security = "tls"
    elif "starttls" in query or query.get("security") == ["starttls"]:
        security = "starttls"
    else:
        security = "none"
    if not parts.hostname:
        raise ValidationFailed(f"the {protocol} URL names no host")
    try:
        port = parts.port or _DEFAULT_PORTS[(protocol, security)]
    except ValueError:
        raise ValidationFailed(f"the {protocol} URL has a bad port") from None
    return ServerUrl(
        protocol=protocol,
        security=security,
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        path=unquote(parts.path.lstrip("/")),
    )
