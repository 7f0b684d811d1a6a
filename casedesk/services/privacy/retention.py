"""Retention policies: closed cases older than a corporation's limit are anonymised
or deleted by the ``retention`` job.

A case is taken when it is closed (internal status Closed) and was closed more than
``days`` days ago. Anonymising a case removes its contacts' part in it (their message
bodies and files, and their names, addresses and phone numbers wherever the case's
rows hold them) and keeps the case, its statuses and times; the contacts themselves
stay, for their other cases. Each case is taken once: anonymised cases are recorded,
deleted ones are gone. Each run is audited per corporation with counts only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from casedesk.domain.permissions import Principal
from casedesk.domain.statuses import InternalStatus
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.services.privacy import case_removal
from casedesk.services.privacy.scrubbing import scrub
from casedesk.services.privacy.subject import load_subject, placeholder, require_admin
from casedesk.store.blobs import BlobStore
from casedesk.store.db import Database
from casedesk.store.models import (
    AnonymisedCase,
    Attachment,
    Base,
    Case,
    CaseMember,
    CaseMessage,
    CaseSecondaryContact,
    InboundMail,
    RetentionPolicy,
    Survey,
)
from casedesk.store.search_index import index_text

#: Cases handled per transaction.
BATCH = 50
Action = Literal["anonymise", "delete"]


class PolicyIn(BaseModel):
    action: Action
    days: int = Field(ge=1, le=36500)


class PolicyOut(PolicyIn):
    pass


def get_policy(db: Database, principal: Principal) -> PolicyOut | None:
    require_admin(principal)
    with db.read() as s:
        row = s.get(RetentionPolicy, principal.corporation_id)
        return PolicyOut(action=row.action, days=row.days) if row else None


def set_policy(db: Database, principal: Principal, policy: PolicyIn | None) -> PolicyOut | None:
    """Set (or, with None, remove) the corporation's policy. Audited."""
    require_admin(principal)
    corp = principal.corporation_id
    with db.write() as s:
        row = s.get(RetentionPolicy, corp)
        before = {"action": row.action, "days": row.days} if row else None
        if policy is None:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(RetentionPolicy(corporation_id=corp, action=policy.action, days=policy.days))
        else:
            row.action, row.days, row.updated_at = policy.action, policy.days, utcnow()
        after = policy.model_dump() if policy else None
        audit.record(
            s,
            principal,
            corp,
            "retention.policy",
            "corporation",
            corp,
            changes={"policy": {"from": before, "to": after}},
        )
    return PolicyOut(**policy.model_dump()) if policy else None


def run_retention(db: Database, blobs: BlobStore, now: datetime) -> int:
    """Apply every corporation's policy at ``now``; how many cases were handled."""
    with db.read() as s:
        policies = [
            (p.corporation_id, p.action, p.days) for p in s.scalars(select(RetentionPolicy))
        ]
    return sum(_apply(db, blobs, corp, action, days, now) for corp, action, days in policies)


def _apply(db: Database, blobs: BlobStore, corp: int, action: str, days: int, now: datetime) -> int:
    cutoff = now - timedelta(days=days)
    handled = 0
    while True:
        keys: list[str] = []
        with db.write() as s:
            query = select(Case.id).where(
                Case.corporation_id == corp,
                Case.status == int(InternalStatus.CLOSED),
                Case.closed_at.is_not(None),
                Case.closed_at < cutoff,
            )
            if action == "anonymise":
                done = select(AnonymisedCase.case_id)
                query = query.where(Case.id.not_in(done))
            ids = list(s.scalars(query.order_by(Case.id).limit(BATCH)))
            if not ids:
                return handled
            if action == "delete":
                keys = case_removal.delete_cases(s, ids)
            else:
                for case_id in ids:
                    keys += anonymise_case(s, corp, case_id)
                    s.add(AnonymisedCase(case_id=case_id, at=now))
            audit.record(
                s,
                None,
                corp,
                f"retention.{action}",
                "corporation",
                corp,
                actor_label="retention",
                changes={"cases": {"from": None, "to": len(ids)}},
            )
        for key in keys:
            blobs.delete(key)
        handled += len(ids)


def anonymise_case(s: Session, corp: int, case_id: int) -> list[str]:
    """Remove the contacts' part in one case; the blob keys to delete after commit."""
    contact_ids = (
        set(s.scalars(select(CaseMember.contact_id).where(CaseMember.case_id == case_id)))
        | set(
            s.scalars(
                select(CaseSecondaryContact.contact_id).where(
                    CaseSecondaryContact.case_id == case_id
                )
            )
        )
        | set(
            s.scalars(select(CaseMessage.author_contact_id).where(CaseMessage.case_id == case_id))
        )
    )
    keys: list[str] = []
    for contact_id in sorted(c for c in contact_ids if c is not None):
        subject = load_subject(s, corp, contact_id)
        mark = placeholder(contact_id)
        own = list(
            s.scalars(
                select(CaseMessage.id).where(
                    CaseMessage.case_id == case_id, CaseMessage.author_contact_id == contact_id
                )
            )
        )
        if own:
            s.execute(
                update(CaseMessage)
                .where(CaseMessage.id.in_(own))
                .values(body_text=mark, body_html=None, email_headers=None)
                .execution_options(synchronize_session=False)
            )
            keys += list(
                s.scalars(select(Attachment.storage_key).where(Attachment.message_id.in_(own)))
            )
            s.execute(delete(Attachment).where(Attachment.message_id.in_(own)))
            for message_id in own:
                index_text(s, case_id, "message", message_id, mark)
        mails = InboundMail.case_id == case_id
        keys += [k for k in s.scalars(select(InboundMail.raw_key).where(mails)) if k]
        s.execute(update(InboundMail).where(mails).values(original_text=mark, raw_key=None))
        _blank_survey_comment(s, corp, case_id, contact_id, mark)
        for table in _case_tables():
            scrub(s, corp, subject.needles, mark, only=(table, table.c.case_id == case_id))
        cases = Base.metadata.tables["cases"]
        scrub(s, corp, subject.needles, mark, only=(cases, cases.c.id == case_id))
    s.expire_all()
    return keys


def _blank_survey_comment(s: Session, corp: int, case_id: int, contact_id: int, mark: str) -> None:
    """The contact's survey comment on the case, and its copies in the case's audit log."""
    survey = Survey.case_id == case_id
    said = s.scalars(select(Survey.comment).where(survey, Survey.contact_id == contact_id)).all()
    if not any(said):
        return
    s.execute(update(Survey).where(survey, Survey.contact_id == contact_id).values(comment=mark))
    log = Base.metadata.tables["audit_log"]
    scrub(s, corp, [c for c in said if c], mark, only=(log, log.c.case_id == case_id))


def _case_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if "case_id" in t.columns]
