"""A mail taken in as a message on a case: its text and sanitized HTML, its headers,
its attachments, and its inline images pointed at their downloads."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from casedesk.domain.permissions import Permission, Principal
from casedesk.services.attachments import attaching, files
from casedesk.services.attachments.files import Upload
from casedesk.services.cases.messages import add_message_in
from casedesk.services.cases.schemas import MessageCreate
from casedesk.services.kernel.access import load_case
from casedesk.services.mail.incoming import IncomingMail, MailPart
from casedesk.store.models import CaseMessage

MAX_MESSAGE_TEXT = 1_000_000
MAX_HTML = 2_000_000


def add_mail_message(
    s: Session,
    principal: Principal,
    case_id: int,
    contact_id: int,
    mail: IncomingMail,
    stored: files.Stored,
    now: datetime,
) -> int:
    html = mail.html if mail.html is not None and len(mail.html) <= MAX_HTML else None
    case = load_case(s, principal, case_id, Permission.ADD_NOTE, for_update=True)
    message = add_message_in(
        s,
        principal,
        case,
        MessageCreate(
            visibility="external",
            direction="inbound",
            body_text=mail.text[:MAX_MESSAGE_TEXT] or "(no text)",
            body_html=html,
            contact_id=contact_id,
        ),
        now,
        email_headers=mail.headers,
        message_id_header=mail.message_id,
        reopen=mail.automatic is None,
    )
    if stored:
        added = attaching.attach_stored_in(s, principal, case_id, stored, message.id, now)
        if html is not None:
            row = s.get(CaseMessage, message.id)
            if row is not None and row.body_html is not None:
                row.body_html = _link_inline_images(row.body_html, mail.parts, added, case_id)
    return message.id


def _link_inline_images(
    html: str,
    parts: Sequence[MailPart],
    added: Sequence[attaching.AttachmentOut],
    case_id: int,
) -> str:
    """Point ``cid:`` images at the stored attachments' download URLs."""
    urls = {
        part.content_id: f"/api/v1/cases/{case_id}/attachments/{att.id}/content"
        for part, att in zip(parts, added, strict=True)
        if part.content_id
    }

    def swap(match: re.Match[str]) -> str:
        url = urls.get(match.group(1))
        return f'src="{url}"' if url else 'src=""'

    return re.sub(r'src="cid:([^"]*)"', swap, html)


def mail_uploads(mail: IncomingMail) -> list[Upload]:
    return [Upload(p.filename, io.BytesIO(p.data), p.content_type) for p in mail.parts]
