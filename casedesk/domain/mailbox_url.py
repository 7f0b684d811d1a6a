"""The IMAP URL of a mailbox, as an administrator gives it: checked, taken apart, and
written back with or without its password.

``imaps://user@host[:port]/Folder`` speaks TLS, ``imap://user@host/Folder?starttls``
upgrades before logging in. Plain ``imap://`` would send the password in clear text,
so it is accepted for a server on this machine only. User, password and folder are
percent-encoded in the URL; control characters are refused in all three, because they
would end up in IMAP commands.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlsplit, urlunsplit

from casedesk.domain.errors import ValidationFailed

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#: A DNS name: dot-separated labels of letters, digits and inner hyphens.
_HOST = re.compile(rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*\.?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
FIELD = "imap_url"


@dataclass(frozen=True, slots=True)
class ImapLocation:
    security: str  # tls | starttls | none
    host: str
    port: int | None
    user: str
    password: str
    #: The folder the URL names, or "".
    folder: str

    def url(self, *, with_password: bool) -> str:
        scheme = "imaps" if self.security == "tls" else "imap"
        login = quote(self.user, safe="")
        if with_password and self.password:
            login += ":" + quote(self.password, safe="")
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = f":{self.port}" if self.port else ""
        query = "?starttls" if self.security == "starttls" else ""
        return f"{scheme}://{login}@{host}{port}/{quote(self.folder, safe='/')}{query}"


def parse_imap_url(url: str) -> ImapLocation:
    """The parts of ``url``; ValidationFailed (field ``imap_url``) saying what is wrong."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ValidationFailed(f"not a usable IMAP URL: {exc}", field=FIELD) from None
    scheme = parts.scheme.lower()
    if scheme not in ("imap", "imaps"):
        raise ValidationFailed("an IMAP URL starts with imaps:// or imap://", field=FIELD)
    if parts.fragment:
        raise ValidationFailed("an IMAP URL has no #fragment", field=FIELD)
    host = parts.hostname or ""
    if not _is_host(host):
        raise ValidationFailed("the IMAP URL names no valid host", field=FIELD)
    if port == 0:
        raise ValidationFailed("the IMAP URL has a bad port", field=FIELD)
    if scheme == "imaps" and parts.query:
        raise ValidationFailed("an imaps:// URL takes no query", field=FIELD)
    security = "tls" if scheme == "imaps" else _plain_security(parts.query)
    if security == "none" and not _is_loopback(host):
        raise ValidationFailed(
            "plain imap:// is for a server on this machine only; use imaps:// or ?starttls",
            field=FIELD,
        )
    user = unquote(parts.username or "")
    password = unquote(parts.password or "")
    folder = unquote(parts.path.lstrip("/"))
    if not user:
        raise ValidationFailed("the IMAP URL names no user (imaps://user@host/)", field=FIELD)
    for what, value in (("user", user), ("password", password), ("folder", folder)):
        if _CONTROL.search(value):
            raise ValidationFailed(f"the IMAP {what} has control characters", field=FIELD)
    return ImapLocation(security, host, port, user, password, folder)


def without_password(url: str) -> tuple[str, bool]:
    """``url`` with the password taken out, and whether it had one. Works on any stored
    URL, also one written before URLs were checked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(not a readable URL)", True
    userinfo, at, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    netloc = f"{user}@{hostport}" if at else hostport
    return urlunsplit(parts._replace(netloc=netloc)), bool(password)


def check_folder(name: str, field: str) -> str:
    """A folder name as given on its own (not in a URL)."""
    if _CONTROL.search(name):
        raise ValidationFailed("a folder name has no control characters", field=field)
    return name.strip().strip("/")


def _plain_security(query: str) -> str:
    values = parse_qs(query, keep_blank_values=True)
    if not values:
        return "none"
    if values in ({"starttls": [""]}, {"security": ["starttls"]}):
        return "starttls"
    raise ValidationFailed("the only query an IMAP URL takes is ?starttls", field=FIELD)


def _is_host(host: str) -> bool:
    if _HOST.fullmatch(host):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
