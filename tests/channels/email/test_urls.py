"""Mail server URLs: scheme, ``?starttls``, default ports, percent-decoded login."""

from __future__ import annotations

import pytest

from casedesk.channels.email.urls import parse_server_url
from casedesk.domain.errors import ValidationFailed


@pytest.mark.parametrize(
    ("url", "protocol", "security", "port"),
    [
        ("imaps://u:p@mail.example/INBOX", "imap", "tls", 993),
        ("imap://u:p@mail.example/INBOX?starttls", "imap", "starttls", 143),
        ("imap://u:p@mail.example?security=starttls", "imap", "starttls", 143),
        ("imap://u:p@127.0.0.1:1143/INBOX", "imap", "none", 1143),
        ("smtps://mail.example", "smtp", "tls", 465),
        ("smtp://u:p@mail.example:587?starttls", "smtp", "starttls", 587),
        ("smtp://mail.example", "smtp", "none", 25),
    ],
)
def test_security_and_port(url: str, protocol: str, security: str, port: int) -> None:
    parsed = parse_server_url(url, protocol)
    assert (parsed.security, parsed.port) == (security, port)


def test_login_is_percent_decoded_and_never_printed() -> None:
    parsed = parse_server_url("imaps://me%40corp:p%2Fw%3Ad@mail.example/Support%20In", "imap")
    assert (parsed.user, parsed.password, parsed.path) == ("me@corp", "p/w:d", "Support In")
    assert "p/w:d" not in repr(parsed)


@pytest.mark.parametrize(
    "url", ["http://mail.example", "imaps:///INBOX", "imap://mail.example:99999/INBOX"]
)
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(ValidationFailed):
        parse_server_url(url, "imap")
