"""Which case a mail belongs to: by In-Reply-To/References to a Message-ID we know
(mail we sent, mail we took in), else by the case token in the subject. A reply to a
merged case lands on the case it was merged into. Whether the sender may add to the case
is decided by the caller (``senders.may_add_to``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.mail import find_case_number
from casedesk.store.models import Case, Corporation, InboundMail, OutboundMail

#: Merges followed at most (a chain longer than this is a data error, not a reply).
MAX_MERGE_HOPS = 10


def case_for_mail(
    s: Session, corporation_id: int, references: Sequence[str], subject: str
) -> Case | None:
    case_id = _by_references(s, corporation_id, references)
    if case_id is None:
        case_id = _by_subject(s, corporation_id, subject)
    if case_id is None:
        return None
    return _follow_merges(s, corporation_id, case_id)


def _by_references(s: Session, corporation_id: int, references: Sequence[str]) -> int | None:
    ids = [r for r in references if r][-50:]
    if not ids:
        return None
    for model in (OutboundMail, InboundMail):
        found = s.scalar(
            select(model.case_id)
            .where(
                model.corporation_id == corporation_id,
                model.message_id.in_(ids),
                model.case_id.is_not(None),
            )
            .order_by(model.id.desc())
            .limit(1)
        )
        if found is not None:
            return int(found)
    return None


def _by_subject(s: Session, corporation_id: int, subject: str) -> int | None:
    prefix = s.scalar(select(Corporation.case_prefix).where(Corporation.id == corporation_id))
    number = find_case_number(prefix or "", subject)
    if number is None:
        return None
    return s.scalar(
        select(Case.id).where(Case.corporation_id == corporation_id, Case.number == number)
    )


def _follow_merges(s: Session, corporation_id: int, case_id: int) -> Case | None:
    case = None
    for _ in range(MAX_MERGE_HOPS):
        case = s.scalars(
            select(Case)
            .where(Case.id == case_id, Case.corporation_id == corporation_id)
            .with_for_update()
        ).one_or_none()
        if case is None or case.merged_into_id is None:
            return case
        case_id = case.merged_into_id
    return None
