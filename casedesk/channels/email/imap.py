"""Reading a mailbox over IMAP: the mail not yet processed, its size, its bytes, and
marking it processed (flagged ``\\Seen``, or moved to another folder)."""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from casedesk.channels.email.sasl import Bearer, imap_login
from casedesk.channels.email.tls import UntrustedServer, client_context, untrusted
from casedesk.channels.email.urls import ServerUrl, parse_server_url

TIMEOUT = 60.0


class ImapError(Exception):
    pass


class ImapFolder:
    """One folder of one mailbox. ``ca_file`` is trusted besides the system's store; with
    ``bearer`` the mailbox signs in with an OAuth2 access token instead of a password."""

    def __init__(
        self,
        url: str,
        folder: str | None = None,
        *,
        ca_file: Path | None = None,
        bearer: Bearer | None = None,
    ) -> None:
        self.url: ServerUrl = parse_server_url(url, "imap")
        self.folder = folder or self.url.path or "INBOX"
        self.ca_file = ca_file
        self.bearer = bearer
        self._conn: imaplib.IMAP4 | None = None

    def __enter__(self) -> ImapFolder:
        u = self.url
        try:
            self._conn = self._connect()
        except ssl.SSLCertVerificationError as exc:
            raise UntrustedServer(untrusted("IMAP", u.host, u.port, exc)) from None
        conn = self._conn
        try:
            if self.bearer is not None:
                imap_login(conn, u.user, self.bearer)
            else:
                conn.login(u.user, u.password)
            self._ok(conn.select(_quote(self.folder)), f"select {self.folder}")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._conn is not None:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                self._conn.logout()
            self._conn = None

    def _connect(self) -> imaplib.IMAP4:
        u = self.url
        context = client_context(self.ca_file)
        if u.security == "tls":
            return imaplib.IMAP4_SSL(u.host, u.port, ssl_context=context, timeout=TIMEOUT)
        conn = imaplib.IMAP4(u.host, u.port, timeout=TIMEOUT)
        if u.security == "starttls":
            try:
                conn.starttls(ssl_context=context)
            except BaseException:
                with contextlib.suppress(OSError):
                    conn.shutdown()
                raise
        return conn

    @property
    def conn(self) -> imaplib.IMAP4:
        if self._conn is None:
            raise ImapError("not connected")
        return self._conn

    def pending(self, action: str) -> list[int]:
        """UIDs of mail not processed yet: unseen mail when processed mail is flagged,
        all mail in the folder when it is moved away."""
        criteria = "UNSEEN" if action == "flag" else "ALL"
        data = self._ok(self.conn.uid("SEARCH", criteria), "search")
        first = data[0] if data and isinstance(data[0], bytes) else b""
        return [int(u) for u in first.split()]

    def size(self, uid: int) -> int:
        data = self._ok(self.conn.uid("FETCH", str(uid), "(RFC822.SIZE)"), "fetch size")
        found = re.search(rb"RFC822\.SIZE (\d+)", _first_bytes(data))
        return int(found.group(1)) if found else 0

    def fetch(self, uid: int, *, header_only: bool = False) -> bytes:
        item = "(BODY.PEEK[HEADER])" if header_only else "(BODY.PEEK[])"
        data = self._ok(self.conn.uid("FETCH", str(uid), item), "fetch")
        for entry in data:
            if isinstance(entry, tuple) and len(entry) == 2:
                return bytes(entry[1])
        raise ImapError(f"message {uid} has no body")

    def mark_processed(self, uid: int, action: str, move_to: str | None) -> None:
        if action == "move" and move_to:
            target = _quote(move_to)
            self.conn.create(target)  # exists already: a NO we do not need to look at
            if "MOVE" in self.conn.capabilities:
                self._ok(self.conn.uid("MOVE", str(uid), target), "move")
                return
            self._ok(self.conn.uid("COPY", str(uid), target), "copy")
            self._ok(self.conn.uid("STORE", str(uid), "+FLAGS", "(\\Deleted)"), "delete")
            self.conn.expunge()
            return
        self._ok(self.conn.uid("STORE", str(uid), "+FLAGS", "(\\Seen)"), "flag")

    @staticmethod
    def _ok(answer: tuple[str, Sequence[object]], what: str) -> Sequence[object]:
        status, data = answer
        if status != "OK":
            raise ImapError(f"IMAP {what} failed: {data!r}")
        return data


def _first_bytes(data: Sequence[object]) -> bytes:
    for entry in data:
        if isinstance(entry, bytes):
            return entry
        if isinstance(entry, tuple) and entry and isinstance(entry[0], bytes):
            return entry[0]
    return b""


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
