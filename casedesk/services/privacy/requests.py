"""Anonymising and erasing a contact, each one transaction and one audit record.

Anonymising keeps every case and its statistics (statuses, times, counts) and removes
the person: their contact record's names and fields, addresses and phone numbers, the
bodies of the messages they wrote and the files on them, their portal sessions and
sign-in links, and every copy of their identifiers elsewhere (``scrubbing``). Erasing
anonymises, then deletes the cases only they were part of and the contact itself.
The audit record of a request names its kind, the contact and counts, nothing more.
Files are removed from the blob store once the transaction has committed.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Session

from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.services.privacy import case_removal
from casedesk.services.privacy.scrubbing import scrub
from casedesk.services.privacy.subject import (
    Subject,
    corporation_of_contact,
    load_subject,
    require_admin,
    sole_cases,
)
from casedesk.store.blobs import BlobStore
from casedesk.store.db import Database
from casedesk.store.models import (
    Attachment,
    Base,
    CaseMember,
    CaseMessage,
    CaseSecondaryContact,
    Contact,
    ContactEmail,
    ContactPhone,
    InboundMail,
    SignInLink,
    Survey,
    WebSession,
)
from casedesk.store.search_index import index_text

#: The audit records of the requests themselves: kept, they hold counts only.
REQUEST_ACTIONS = ("contact.export", "contact.anonymise", "contact.erase")

#: The shortest message of theirs whose copies elsewhere are replaced too.
MIN_COPY = 40


class RequestOut(BaseModel):
    """What a request did, in counts."""

    kind: str
    contact_id: int
    cases: int
    messages: int
    attachments: int
    rows_scrubbed: int
    cases_deleted: int = 0


def anonymise_contact(
    db: Database, principal: Principal, contact_id: int, blobs: BlobStore
) -> RequestOut:
    require_admin(principal)
    return run(db, "anonymise", principal.corporation_id, contact_id, blobs, principal)


def erase_contact(
    db: Database, principal: Principal, contact_id: int, blobs: BlobStore
) -> RequestOut:
    require_admin(principal)
    return run(db, "erase", principal.corporation_id, contact_id, blobs, principal)


def run(
    db: Database,
    kind: str,
    corporation_id: int | None,
    contact_id: int,
    blobs: BlobStore,
    principal: Principal | None = None,
) -> RequestOut:
    """Carry out request ``kind`` (anonymise | erase) on the contact, as ``principal``
    or, without one, as the operator at the command line (any corporation)."""
    with db.write() as s:
        if corporation_id is None:
            corporation_id = corporation_of_contact(s, contact_id)
        subject = load_subject(s, corporation_id, contact_id)
        if kind == "erase":
            sole = sole_cases(s, contact_id, subject.case_ids)
            out, keys = anonymise_in(s, subject)
            keys += case_removal.delete_cases(s, sole)
            _detach(s, contact_id)
            s.execute(delete(Contact).where(Contact.id == contact_id))
            log = Base.metadata.tables["audit_log"]
            s.execute(
                delete(log).where(
                    log.c.corporation_id == corporation_id,
                    log.c.entity_type == "contact",
                    log.c.entity_id == contact_id,
                    log.c.action.not_in(REQUEST_ACTIONS),
                )
            )
            out = out.model_copy(update={"kind": "erase", "cases_deleted": len(sole)})
        else:
            out, keys = anonymise_in(s, subject)
        _audit(s, principal, corporation_id, out)
    _delete_blobs(blobs, keys)
    return out


def anonymise_in(s: Session, subject: Subject) -> tuple[RequestOut, list[str]]:
    """Anonymise ``subject`` in the caller's transaction; returns what was done and the
    blob keys to delete once it commits."""
    cid, mark = subject.contact_id, subject.placeholder
    s.execute(
        update(Contact)
        .where(Contact.id == cid)
        .values(
            first_name="anonymised",
            last_name=f"contact {cid}",
            title="",
            location="",
            department="",
            password_hash=None,
            sees_organization_cases=False,
            time_zone=None,
        )
        .execution_options(synchronize_session=False)
    )
    s.execute(delete(ContactEmail).where(ContactEmail.contact_id == cid))
    s.execute(delete(ContactPhone).where(ContactPhone.contact_id == cid))
    s.execute(delete(WebSession).where(WebSession.contact_id == cid))
    s.execute(delete(SignInLink).where(SignInLink.contact_id == cid))
    own = list(
        s.execute(
            select(CaseMessage.id, CaseMessage.case_id, CaseMessage.body_text).where(
                CaseMessage.author_contact_id == cid
            )
        ).all()
    )
    own_ids = [m.id for m in own]
    # Copies of what they wrote (a case's description taken from their mail, the
    # snapshot of it in the audit log): long enough not to match other text.
    copies = tuple({m.body_text.strip() for m in own if len(m.body_text.strip()) >= MIN_COPY})
    keys: list[str] = []
    files = 0
    if own_ids:
        s.execute(
            update(CaseMessage)
            .where(CaseMessage.id.in_(own_ids))
            .values(body_text=mark, body_html=None, email_headers=None, message_id_header=None)
            .execution_options(synchronize_session=False)
        )
        removed = s.execute(
            select(Attachment.id, Attachment.storage_key, Attachment.filename).where(
                Attachment.message_id.in_(own_ids)
            )
        ).all()
        keys = [r.storage_key for r in removed]
        files = len(keys)
        _scrub_file_records(s, subject, [r.id for r in removed], [r.filename for r in removed])
        s.execute(delete(Attachment).where(Attachment.message_id.in_(own_ids)))
        for m in own:
            index_text(s, m.case_id, "message", m.id, mark)
    keys += _scrub_mail(s, subject, own_ids)
    scrubbed = _blank_survey_comments(s, subject)
    scrubbed += scrub(s, subject.corporation_id, copies, mark)
    scrubbed += scrub(s, subject.corporation_id, subject.needles, mark)
    about = Base.metadata.tables["audit_log"]
    scrubbed += scrub(
        s,
        subject.corporation_id,
        subject.needles + subject.name_parts,
        mark,
        only=(about, (about.c.entity_type == "contact") & (about.c.entity_id == cid)),
    )
    s.expire_all()
    out = RequestOut(
        kind="anonymise",
        contact_id=cid,
        cases=len(subject.case_ids),
        messages=len(own_ids),
        attachments=files,
        rows_scrubbed=scrubbed,
    )
    return out, keys


def _blank_survey_comments(s: Session, subject: Subject) -> int:
    """Their survey comments become the placeholder, and so do the copies in the audit
    entries and outbox events of their answers; how many rows were rewritten."""
    cid, mark = subject.contact_id, subject.placeholder
    rows = s.execute(
        select(Survey.id, Survey.comment).where(Survey.contact_id == cid, Survey.comment != "")
    ).all()
    if not rows:
        return 0
    ids, said = [r.id for r in rows], tuple({r.comment.strip() for r in rows})
    s.execute(
        update(Survey)
        .where(Survey.id.in_(ids))
        .values(comment=mark)
        .execution_options(synchronize_session=False)
    )
    log, events = Base.metadata.tables["audit_log"], Base.metadata.tables["outbox"]
    about = (log.c.entity_type == "survey") & log.c.entity_id.in_(ids)
    corp = subject.corporation_id
    done = scrub(s, corp, said, mark, only=(log, about))
    done += scrub(s, corp, said, mark, only=(events, events.c.topic == "survey.answered"))
    return len(ids) + done


def _scrub_file_records(s: Session, subject: Subject, ids: list[int], names: list[str]) -> None:
    """The names of their removed files, in the audit entries and events about them."""
    if not ids:
        return
    log, events = Base.metadata.tables["audit_log"], Base.metadata.tables["outbox"]
    about = (log.c.entity_type == "attachment") & log.c.entity_id.in_(ids)
    scrub(s, subject.corporation_id, names, "removed file", only=(log, about))
    topic = events.c.topic.like("attachment.%")
    scrub(s, subject.corporation_id, names, "removed file", only=(events, topic))


def _scrub_mail(s: Session, subject: Subject, own_ids: list[int]) -> list[str]:
    """Mail they sent (taken in or quarantined): the text and raw copy go."""
    lowered = [e.lower() for e in subject.emails]
    mine: ColumnElement[bool] = InboundMail.case_message_id.in_(own_ids)
    if lowered:
        mine = mine | func.lower(InboundMail.sender).in_(lowered)
    where = (InboundMail.corporation_id == subject.corporation_id) & mine
    keys = [k for k in s.scalars(select(InboundMail.raw_key).where(where)) if k]
    s.execute(
        update(InboundMail)
        .where(where)
        .values(original_text=subject.placeholder, raw_key=None)
        .execution_options(synchronize_session=False)
    )
    return keys


def _detach(s: Session, contact_id: int) -> None:
    """Remove the contact's part in the cases that stay (shared with others)."""
    s.execute(delete(CaseMember).where(CaseMember.contact_id == contact_id))
    s.execute(delete(CaseSecondaryContact).where(CaseSecondaryContact.contact_id == contact_id))
    s.execute(
        update(CaseMessage)
        .where(CaseMessage.author_contact_id == contact_id)
        .values(author_contact_id=None)
        .execution_options(synchronize_session=False)
    )


def _audit(s: Session, principal: Principal | None, corporation_id: int, out: RequestOut) -> None:
    counts: dict[str, Any] = out.model_dump(exclude={"kind", "contact_id"})
    audit.record(
        s,
        principal,
        corporation_id,
        f"contact.{out.kind}",
        "contact",
        out.contact_id,
        actor_label="" if principal else "operator",
        changes={"request": {"from": None, "to": out.kind}, "counts": {"from": None, "to": counts}},
    )


def _delete_blobs(blobs: BlobStore, keys: list[str]) -> None:
    for key in keys:
        blobs.delete(key)
