"""TLS for the mail clients (IMAP poller, SMTP delivery).

Certificates are always verified, host name included. ``CASEDESK_MAIL_CA_FILE`` names a
PEM bundle of certificate authorities trusted *in addition to* the system's store, so a
mail server with a certificate from a private CA can be reached without turning
verification off, and public relays keep working next to it.
"""

from __future__ import annotations

import ssl
from pathlib import Path


class UntrustedServer(OSError):
    """The server's certificate did not verify: not sent, not read; tried again later."""


def client_context(ca_file: Path | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_file is not None:
        context.load_verify_locations(cafile=str(ca_file))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def untrusted(protocol: str, host: str, port: int, exc: ssl.SSLCertVerificationError) -> str:
    """A log line that says what failed and what to do about it."""
    why = exc.verify_message or exc.reason or str(exc)
    return (
        f"{protocol} server {host}:{port} presented a certificate that is not trusted ({why}); "
        "add its certificate authority to CASEDESK_MAIL_CA_FILE"
    )
