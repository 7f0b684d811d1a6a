"""One record turned into what the use-cases take: the case to open (with the times it
keeps), and the rows of its members, tags, messages, attachments and status history.

What a message changes on its case is worked out here as the message use-case would
have done it, one message after the other: an inbound message sets the external
update time, an agent's message the internal one, the first outbound message is the
first response. The status is the record's, or the last of its history; the first
history entry is the status the case was opened in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.members import MemberRole
from casedesk.services.attachments.attaching import StoredFile
from casedesk.services.cases.bulk import NewMessage
from casedesk.services.cases.schemas import CaseCreate
from casedesk.services.imports.files import FileReader
from casedesk.services.imports.records import CaseIn
from casedesk.services.imports.resolving import Resolver


@dataclass(slots=True)
class Built:
    data: CaseCreate
    kept: dict[str, Any]
    members: list[dict[str, object]] = field(default_factory=list)
    history: list[dict[str, object]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    messages: list[NewMessage] = field(default_factory=list)
    case_files: list[StoredFile] = field(default_factory=list)
    #: Every file stored for the record, to delete if it is refused.
    stored: list[StoredFile] = field(default_factory=list)


def build(s: Session, resolver: Resolver, files: FileReader, r: CaseIn, now: datetime) -> Built:
    """What ``r`` becomes; ValidationFailed (naming the field) refuses it."""
    created = r.created_at or now
    fields: dict[str, Any] = {"title": r.title, "description": r.description, "origin": "import"}
    for what in ("priority", "group", "queue"):
        name = getattr(r, what)
        if name is not None:
            fields[f"{what}_id"] = resolver.named(s, what, name)
    kept: dict[str, Any] = {"created_at": created}
    built = Built(CaseCreate.model_validate(fields), kept, tags=list(r.tags))
    _status(s, resolver, r, built, created)
    _members(s, resolver, r, built, created)
    _messages(s, resolver, files, r, built, created)
    for i, f in enumerate(r.attachments):
        stored = files.read(f, f"attachments.{i}")
        built.case_files.append(stored)
        built.stored.append(stored)
    times = [created, *(m.created_at for m in built.messages), *(h.at for h in r.history)]
    kept["updated_at"] = r.updated_at or max(times)
    return built


def _status(s: Session, resolver: Resolver, r: CaseIn, built: Built, created: datetime) -> None:
    final = r.status or (r.history[-1].status if r.history else None)
    if final is None:
        return
    status_id, _ = resolver.status(s, final)
    built.data = built.data.model_copy(update={"status_id": status_id})
    if not r.history:
        built.kept["status_changed_at"] = created
        return
    first_id, first_internal = resolver.status(s, r.history[0].status)
    built.kept |= {
        "status_changed_at": r.history[-1].at,
        "opened_as_status_id": first_id,
        "opened_as_internal": first_internal,
    }
    previous = first_id
    for i, change in enumerate(r.history[1:], start=1):
        sid, internal = resolver.status(s, change.status)
        by = resolver.agent(change.by, f"history.{i}.by") if change.by else None
        built.history.append(
            {
                "status_id": sid,
                "internal_status": internal,
                "from_status_id": previous,
                "changed_at": change.at,
                "changed_by_id": by,
                "reason": "import",
            }
        )
        previous = sid


def _members(s: Session, resolver: Resolver, r: CaseIn, built: Built, created: datetime) -> None:
    def member(role: MemberRole, user: int | None = None, contact: int | None = None) -> None:
        built.members.append(
            {"role": int(role), "user_id": user, "contact_id": contact, "start_at": created}
        )

    if r.contact is not None:
        member(MemberRole.CONTACT, contact=resolver.contact(r.contact.email))
    if r.assignee is not None:
        assignee = resolver.agent(r.assignee, "assignee")
        member(MemberRole.ASSIGNED_USER, user=assignee)
        built.kept["assignee_id"] = assignee
    for i, email in enumerate(dict.fromkeys(f.lower() for f in r.followers)):
        member(MemberRole.FOLLOWER, user=resolver.agent(email, f"followers.{i}"))


def _messages(
    s: Session, resolver: Resolver, files: FileReader, r: CaseIn, built: Built, created: datetime
) -> None:
    kept = built.kept
    for i, m in enumerate(r.messages):
        at = m.created_at or created
        user = contact = None
        if m.direction == "inbound":
            if m.author is not None:
                contact = resolver.contact(m.author)
            kept["external_updated_at"] = max(at, kept.get("external_updated_at", at))
        else:
            if m.author is not None:
                user = resolver.agent(m.author, f"messages.{i}.author")
            kept["internal_updated_at"] = max(at, kept.get("internal_updated_at", at))
            if m.direction == "outbound":
                kept["first_response_at"] = min(at, kept.get("first_response_at", at))
        stored = tuple(
            files.read(f, f"messages.{i}.attachments.{j}") for j, f in enumerate(m.attachments)
        )
        built.stored += stored
        built.messages.append(
            NewMessage(
                case_id=0,
                visibility="internal" if m.direction == "note" else "external",
                direction=m.direction,
                body_text=m.body_text,
                body_html=m.body_html,
                created_at=at,
                author_user_id=user,
                author_contact_id=contact,
                files=stored,
            )
        )
    if any(m.created_at and m.created_at < created for m in r.messages):
        raise ValidationFailed("a message is older than its case (created_at)", field="messages")
