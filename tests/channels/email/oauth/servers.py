"""The servers of the OAuth2 mailbox tests: the authorization server (tests.support
.oauth_server), a Dovecot that signs the mailbox in only by access token and asks that
server about each one, and an SMTP server (aiosmtpd) that takes mail only after
XOAUTH2 with a token the authorization server says is good."""

from __future__ import annotations

import base64
import json
import os
import pwd
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.channels.email.conftest import Inbox, SmtpServer, _Handler, free_port
from tests.support import dovecot
from tests.support.oauth_server import INTROSPECTOR_ID, INTROSPECTOR_SECRET, OAuthServer


def oauth_dovecot(oauth: OAuthServer) -> dovecot.ImapServer:
    introspect = oauth.endpoints["introspection_url"].replace(
        "http://", f"http://{INTROSPECTOR_ID}:{INTROSPECTOR_SECRET}@"
    )
    return dovecot.start(oauth=dovecot.OAuthPassdb(introspect, oauth.endpoints["tokeninfo_url"]))


def drop_mail(server: dovecot.ImapServer, user: str, raw: bytes) -> None:
    """Deliver a mail into the user's INBOX the way an MDA does: a file in Maildir/new."""
    inbox = server.root / "mail" / user
    owner = pwd.getpwuid(os.geteuid()) if os.geteuid() != 0 else pwd.getpwnam("nobody")
    for sub in ("", "cur", "new", "tmp"):
        path = inbox / sub
        path.mkdir(exist_ok=True)
        os.chown(path, owner.pw_uid, owner.pw_gid)
    name = inbox / "tmp" / f"{uuid.uuid4().hex}.test"
    name.write_bytes(raw)
    os.chown(name, owner.pw_uid, owner.pw_gid)
    name.rename(inbox / "new" / name.name)


class BearerHandler(_Handler):
    """Takes a mail only from a client signed in by XOAUTH2 or OAUTHBEARER (RFC 7628)
    with a good token; each login is kept as (mechanism, user, token, accepted)."""

    def __init__(self, inbox: Inbox, oauth: OAuthServer) -> None:
        super().__init__(inbox)
        self.oauth = oauth
        self.logins: list[tuple[str, str, str, bool]] = []

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:
        fields = _fields(args)
        return await self._check(server, "XOAUTH2", fields.get("user", ""), fields)

    async def _check(
        self, server: Any, mechanism: str, user: str, fields: dict[str, str]
    ) -> AuthResult:
        token = fields.get("auth", "").removeprefix("Bearer ")
        good = self.oauth.active(token, user)
        self.logins.append((mechanism, user, token, good))
        if good:
            return AuthResult(success=True, auth_data=user)
        # As Google and Microsoft do: the reasons as a challenge, then the refusal.
        await server.challenge_auth(json.dumps({"status": "401", "schemes": "bearer"}))
        return AuthResult(success=False)

    async def auth_OAUTHBEARER(self, server: Any, args: list[str]) -> AuthResult:
        fields = _fields(args)
        header = next((k for k in fields if k.startswith("n,")), "")
        user = header.removeprefix("n,a=").rstrip(",").replace("=2C", ",").replace("=3D", "=")
        return await self._check(server, "OAUTHBEARER", user, fields)


def _fields(args: list[str]) -> dict[str, str]:
    """The key=value parts of a SASL initial response (GS2 header kept as a key)."""
    blob = base64.b64decode(args[1] if len(args) == 2 else "").decode()
    fields: dict[str, str] = {}
    for part in filter(None, blob.split("\x01")):
        if part.startswith("n,"):
            fields[part] = ""
        else:
            key, _, value = part.partition("=")
            fields[key] = value
    return fields


@contextmanager
def bearer_smtp(
    oauth: OAuthServer, user: str, *, without: tuple[str, ...] = ()
) -> Iterator[tuple[SmtpServer, BearerHandler]]:
    """The server on a free loopback port; it does not offer the mechanisms ``without``."""
    inbox = Inbox()
    handler = BearerHandler(inbox, oauth)
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        auth_require_tls=False,
        auth_required=True,
        auth_exclude_mechanism=["LOGIN", "PLAIN", *without],
    )
    controller.start()
    try:
        yield SmtpServer(f"smtp://{user}@127.0.0.1:{port}", inbox), handler
    finally:
        controller.stop()
