"""Sending from the composer: a reply or an internal note, with what an agent does with
it in the same breath, as one write.

One call, one transaction: the message (a reply keeps the To and CC the agent chose in
its ``email_headers``, and delivery sends it to exactly those; with none it is kept
on the case and mailed to nobody), its files, the time
spent (a time entry), the new status ("send and set status": awaiting customer, closed,
…), the agents mentioned in a note as followers with a ``case.mentioned`` event for
their mail, and the tab's draft discarded. If any part is refused, nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.attachments.uploads import UploadRef, attach_uploads_in
from casedesk.services.billing.time_entries import TimeEntryCreate, add_time_entry_in
from casedesk.services.cases.messages import add_message_in
from casedesk.services.cases.schemas import MessageCreate, MessageOut
from casedesk.services.cases.status_change import add_followers_in, change_status_in
from casedesk.services.kernel import audit
from casedesk.services.kernel.access import load_case
from casedesk.services.kernel.clock import utcnow
from casedesk.services.mail.reply_recipients import parse_addresses
from casedesk.services.reference.common import Id, In
from casedesk.services.workspace import collisions, drafts, mentions
from casedesk.store.db import Database

#: Most time one message may log: a day, as a time entry allows.
MAX_SECONDS = 24 * 3600


class ComposerSend(In):
    kind: Literal["reply", "note"]
    body: Annotated[str, Field(max_length=1_000_000)]
    to: Annotated[str, Field(max_length=2000)] = ""
    cc: Annotated[str, Field(max_length=2000)] = ""
    status_id: Id | None = Field(default=None, description="Set the case to this status too.")
    minutes: Annotated[int, Field(ge=0, le=MAX_SECONDS // 60)] = 0
    seen_message_id: Annotated[int, Field(ge=0, le=2**62)] | None = Field(
        default=None,
        description="The newest message the writer had seen; a reply is refused "
        "(NewerMessages) when an external message came after it. None: send anyway.",
    )


def send(
    db: Database,
    principal: Principal,
    case_id: int,
    data: ComposerSend,
    *,
    uploads: Sequence[UploadRef] = (),
    now: datetime | None = None,
) -> MessageOut:
    now = now or utcnow()
    body = data.body.strip()
    if not body:
        raise ValidationFailed("write a message before sending it", field="body")
    headers = None
    if data.kind == "reply":
        to = parse_addresses(data.to, field="to")
        cc = [a for a in parse_addresses(data.cc, field="cc") if a not in to]
        headers = {"to": ", ".join(to), "cc": ", ".join(cc)}
    with db.write() as s:
        case = load_case(s, principal, case_id, Permission.ADD_NOTE, for_update=True)
        if data.kind == "reply":
            collisions.check_seen_in(s, case.id, data.seen_message_id)
        message = MessageCreate(
            visibility="external" if data.kind == "reply" else "internal", body_text=body
        )
        out = add_message_in(s, principal, case, message, now, email_headers=headers)
        attach_uploads_in(s, principal, case, uploads, now, message_id=out.id)
        if data.minutes:
            entry = TimeEntryCreate(duration_seconds=data.minutes * 60, note=f"Message {out.id}")
            add_time_entry_in(s, principal, case, entry, now)
        if data.kind == "note":
            named = [u for u in mentions.mentioned_in(s, case, body) if u != principal.user_id]
            if named:
                add_followers_in(s, principal, case, named, now)
                audit.emit(
                    s,
                    case.corporation_id,
                    "case.mentioned",
                    {
                        "case_id": case.id,
                        "message_id": out.id,
                        "user_ids": named,
                        "by": principal.user_id,
                    },
                )
        if data.status_id is not None:
            change_status_in(s, principal, case, data.status_id, now)
        drafts.discard_in(s, principal, case_id, data.kind)
        return out
