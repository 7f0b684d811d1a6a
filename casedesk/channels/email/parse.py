"""Raw mail to ``IncomingMail`` with the standard library's modern email API.

Text parts are decoded by their declared charset; an unknown or wrong charset falls
back to Windows-1252, which maps every byte, so no mail is lost to a decoding error.
HTML is sanitized before it is kept. Parts with a filename or an attachment disposition,
inline images and attached messages become attachments. A mail nested deeper than the
limit, with too many parts, or without exactly one well-formed sender is refused with
``MailRejected``.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.message import EmailMessage, Message

from casedesk.channels.email import html as html_part
from casedesk.channels.email.addresses import SenderProblem, single_mailbox, unfolded
from casedesk.channels.email.quotes import strip_quoted
from casedesk.domain.mail import automatic_reason, header_text
from casedesk.services.mail.incoming import IncomingMail, MailPart
from casedesk.services.mail.intake import fallback_message_id

#: Header our outgoing mail carries; mail that has it came from us (a loop).
LOOP_HEADER = "X-Casedesk-Loop"
MAX_PARTS = 500
#: Most headers of a mail that routing rules see.
MAX_ROUTING_HEADERS = 100
#: Headers kept with the message, as SuperOffice keeps per-message email headers.
KEPT_HEADERS = (
    "from",
    "to",
    "cc",
    "reply-to",
    "date",
    "subject",
    "message-id",
    "in-reply-to",
    "references",
    "auto-submitted",
    "precedence",
)
#: Headers that say a mail is automatic (see ``domain.mail.automatic_reason``).
AUTOMATIC_HEADERS = (
    "auto-submitted",
    "precedence",
    "list-id",
    "x-autoreply",
    "x-autorespond",
    "return-path",
)
_MSGID = re.compile(r"<[^<>\s]{1,900}>")


class MailRejected(Exception):
    """The mail cannot be taken in; ``reason`` says why (it is quarantined)."""

    def __init__(self, reason: str, message_id: str | None = None, sender: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.message_id = message_id
        self.sender = sender


@dataclass
class _Body:
    text: str | None = None
    html: str | None = None
    parts: list[MailPart] = field(default_factory=list)
    count: int = 0


def parse(raw: bytes, *, max_depth: int) -> IncomingMail:
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        if not msg.keys():
            raise MailRejected("unparseable", fallback_message_id(raw))
        raw_headers = _RawHeaders(msg)
        message_id = _message_id(raw_headers) or fallback_message_id(raw)
        sender, name = _sender(raw_headers, message_id)
        body = _Body()
        _walk(msg, body, 0, max_depth, message_id, sender)
        headers = {
            h: header_text(raw_headers.text(h), 2000) for h in KEPT_HEADERS if h in raw_headers
        }
        lower = {h: raw_headers.text(h) for h in AUTOMATIC_HEADERS if h in raw_headers}
        every = {
            name: header_text(raw_headers.text(name), 2000)
            for name in list(raw_headers.first)[:MAX_ROUTING_HEADERS]
        }
    except MailRejected:
        raise
    except Exception as exc:  # the parser's own errors on broken input, of any kind
        raise MailRejected("unparseable", loose_message_id(raw)) from exc
    html = html_part.sanitize(body.html) if body.html is not None else None
    original = body.text if body.text is not None else html_part.to_text(html or "")
    original = original.replace("\r\n", "\n").replace("\x00", "")
    return IncomingMail(
        message_id=message_id,
        sender=sender,
        sender_name=name,
        subject=header_text(raw_headers.text("subject"), 500),
        references=_references(raw_headers),
        text=strip_quoted(original),
        original_text=original,
        html=html,
        parts=body.parts,
        headers=headers,
        all_headers=every,
        automatic=automatic_reason(lower, msg.get_content_type(), sender),
        own=LOOP_HEADER.lower() in raw_headers,
        size=len(raw),
    )


class _RawHeaders:
    """The headers of a mail as they came, read once: the first value of each name.
    Only the headers intake uses are decoded (encoded words, folding), each once; the
    standard library's header registry would parse every header it is asked for into
    structured objects, which cost a third of the intake."""

    def __init__(self, msg: Message) -> None:
        self.first: dict[str, str] = {}
        self.all: dict[str, list[str]] = {}
        for key, value in msg.raw_items():
            name = key.lower()
            self.first.setdefault(name, value)
            self.all.setdefault(name, []).append(value)
        self._texts: dict[str, str] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.first

    def raw(self, name: str) -> str:
        return self.first.get(name, "")

    def text(self, name: str) -> str:
        """The decoded value of the first header ``name`` (lower case); "" if none."""
        found = self._texts.get(name)
        if found is None:
            value = unfolded(self.raw(name))
            found = self._texts[name] = _decoded_words(value) if "=?" in value else value
        return found


def _message_id(headers: _RawHeaders) -> str | None:
    found = _MSGID.search(headers.raw("message-id"))
    return found.group(0) if found else None


def loose_message_id(raw: bytes) -> str:
    """The Message-ID of a mail the parser gave up on, read straight from the bytes."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = re.search(rb"(?im)^message-id:\s*(<[^<>\s]{1,900}>)", head)
    return found.group(1).decode("ascii", "replace") if found else fallback_message_id(raw)


def _sender(headers: _RawHeaders, message_id: str) -> tuple[str, str]:
    """The one address of ``From:`` and its display name, read strictly (see
    ``addresses``): a mail whose sender is missing or ambiguous is rejected, with the
    header as it came for whoever looks at the quarantine."""
    values = headers.all.get("from", [])
    try:
        name, spec = single_mailbox(values)
    except SenderProblem as problem:
        shown = header_text(_decoded_words(unfolded(" ".join(values))), 320)
        raise MailRejected(problem.reason, message_id, shown) from None
    return spec, header_text(name, 200)


def _decoded_words(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except (ValueError, LookupError, UnicodeError):
        return value


def _references(headers: _RawHeaders) -> list[str]:
    refs = _MSGID.findall(headers.raw("references"))
    refs += _MSGID.findall(headers.raw("in-reply-to"))
    return list(dict.fromkeys(refs))


def _walk(
    part: EmailMessage, body: _Body, depth: int, max_depth: int, mid: str, sender: str
) -> None:
    if depth > max_depth:
        raise MailRejected("too-deep", mid, sender)
    body.count += 1
    if body.count > MAX_PARTS:
        raise MailRejected("too-many-parts", mid, sender)
    ctype = part.get_content_type()
    if ctype == "message/rfc822" or part.get_filename() or part.is_attachment():
        _attach(part, body)
        return
    if part.is_multipart():
        for sub in part.iter_parts():
            _walk(sub, body, depth + 1, max_depth, mid, sender)  # type: ignore[arg-type]
        return
    if ctype.startswith("multipart/"):  # its boundary is missing: keep what it holds as text
        payload = part.get_payload()
        if body.text is None and isinstance(payload, str):
            body.text = payload
        return
    if ctype == "text/plain" and body.text is None:
        body.text = _decoded(part)
    elif ctype == "text/html" and body.html is None:
        body.html = _decoded(part)
    elif ctype.startswith("text/") and body.text is None:
        body.text = _decoded(part)
    elif not ctype.startswith("text/"):
        _attach(part, body)


def _attach(part: EmailMessage, body: _Body) -> None:
    ctype = part.get_content_type()
    if ctype == "message/rfc822":
        inner = part.get_payload()
        inner_msg = inner[0] if isinstance(inner, list) and inner else inner
        data = inner_msg.as_bytes() if isinstance(inner_msg, Message) else b""
        name = part.get_filename() or "forwarded.eml"
    else:
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        name = part.get_filename() or _default_name(ctype)
    cid = str(part.get("Content-ID", "")).strip().strip("<>") or None
    body.parts.append(MailPart(header_text(name, 255), ctype, data, cid))


def _default_name(ctype: str) -> str:
    main, _, sub = ctype.partition("/")
    return f"{main or 'part'}.{re.sub(r'[^a-z0-9]+', '', sub) or 'bin'}"


def _decoded(part: EmailMessage) -> str:
    try:
        content = part.get_content()
        if isinstance(content, str):
            return content
    except (LookupError, UnicodeError, ValueError):
        pass
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset)
    except (LookupError, UnicodeError):
        return data.decode("windows-1252", errors="replace")
