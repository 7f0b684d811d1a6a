"""The ``assist`` job: language of each new message, then the case's language,
sentiment, category suggestion, similar-case terms and duplicate warning.

It runs after the writes have committed, from the job loop, so a case's own write never
waits for it. Work is found as messages without a ``message_insights`` row (written for
every message looked at, also when a part is off), so each message is handled once and a
job that dies half-way picks up where it stopped.

The search for that work starts at a floor kept per process: a little below the first
message (and case) still waiting when last looked, so a desk of millions of messages is
not walked from its first one at every run. The margin, ``LATE``, takes in the rows of
transactions that took their ids before others but committed after them (a large import
batch beside the API); a new process starts from the first row once. A run goes on with
the next batch while there is work and ``BUDGET`` is not spent, so a burst of mail or an
import is caught up at the speed of the machine, not a batch per tick.
"""

from __future__ import annotations

import logging
import time
import weakref
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from casedesk.domain import assist_text
from casedesk.domain.members import MemberRole
from casedesk.domain.statuses import InternalStatus
from casedesk.services.assist import detection, models, similar
from casedesk.services.assist.settings import AssistSettingsOut, settings_of
from casedesk.services.kernel import translations
from casedesk.store.db import Database
from casedesk.store.models import (
    Case,
    CaseInsight,
    CaseMember,
    CaseMessage,
    CaseTerm,
    Contact,
    MessageInsight,
)

log = logging.getLogger("casedesk.assist")
JOB = "assist"
#: Messages looked at per run; the rest wait for the next run.
BATCH = 500
#: Characters of a case's text that go into its terms and its suggestion.
TEXT_CHARS = 4000
DUPLICATE_DAYS = 7
#: Ids below the first waiting row that are looked through again (see the docstring).
LATE = 50_000
#: Seconds a run may go on taking batches.
BUDGET = 3.0


@dataclass(slots=True)
class _Floors:
    message: int = 0
    case: int = 0


_FLOORS: weakref.WeakKeyDictionary[Database, _Floors] = weakref.WeakKeyDictionary()


def run_insights(db: Database, now: datetime, budget: float = BUDGET) -> int:
    """Handle the messages and cases not looked at yet, batch after batch while there is
    work and ``budget`` seconds are not spent; how many."""
    floors = _FLOORS.setdefault(db, _Floors())
    deadline = time.monotonic() + budget
    total = 0
    while True:
        handled, full = _run_batch(db, floors, now)
        total += handled
        if not full or time.monotonic() >= deadline:
            return total


def _run_batch(db: Database, floors: _Floors, now: datetime) -> tuple[int, bool]:
    """One batch; how many it handled and whether more may be waiting."""
    with db.read() as s:
        rows = s.execute(
            select(CaseMessage.id, CaseMessage.case_id)
            .outerjoin(MessageInsight, MessageInsight.message_id == CaseMessage.id)
            .where(MessageInsight.message_id.is_(None), CaseMessage.id >= floors.message)
            .order_by(CaseMessage.id)
            .limit(BATCH)
        ).all()
        # Cases opened without a message (by API, from a template) are looked at too.
        bare = s.scalars(
            select(Case.id)
            .outerjoin(CaseInsight, CaseInsight.case_id == Case.id)
            .where(CaseInsight.case_id.is_(None), Case.id >= floors.case)
            .order_by(Case.id)
            .limit(BATCH)
        ).all()
        first_message = rows[0][0] if rows else s.scalar(select(func.max(CaseMessage.id))) or 0
        first_case = bare[0] if bare else s.scalar(select(func.max(Case.id))) or 0
    floors.message = max(floors.message, first_message - LATE)
    floors.case = max(floors.case, first_case - LATE)
    by_case: dict[int, list[int]] = defaultdict(list)
    for message_id, case_id in rows:
        by_case[case_id].append(message_id)
    for case_id in bare:
        by_case.setdefault(case_id, [])
    for case_id, message_ids in sorted(by_case.items()):
        try:
            with db.write() as s:
                refresh_case(s, case_id, message_ids, now)
        except Exception:  # one case that fails must not hold up the others forever
            log.exception("assist: case %s could not be looked at", case_id)
            _skip(db, case_id, message_ids, now)
    handled = len(rows) + len(set(bare) - {c for _, c in rows})
    return handled, len(rows) == BATCH or len(bare) == BATCH


def _skip(db: Database, case_id: int, message_ids: list[int], now: datetime) -> None:
    """Mark what failed as looked at (nothing worked out), so the job goes on."""
    with db.write() as s:
        corporation_id = s.scalar(select(Case.corporation_id).where(Case.id == case_id))
        if corporation_id is None:
            return
        done = set(
            s.scalars(select(MessageInsight.message_id).where(MessageInsight.case_id == case_id))
        )
        rows = [
            {"message_id": m, "case_id": case_id, "language": None}
            for m in message_ids
            if m not in done
        ]
        if rows:
            s.execute(insert(MessageInsight), rows)
        if s.get(CaseInsight, case_id) is None:
            s.add(CaseInsight(case_id=case_id, corporation_id=corporation_id, updated_at=now))


def refresh_case(s: Session, case_id: int, new_ids: list[int], now: datetime) -> None:
    """Look at ``new_ids`` of a case and bring its insight up to date."""
    case = s.get(Case, case_id)
    if case is None:
        return
    conf = settings_of(s, case.corporation_id)
    done = set(
        s.scalars(select(MessageInsight.message_id).where(MessageInsight.case_id == case_id))
    )
    messages = s.scalars(
        select(CaseMessage).where(CaseMessage.case_id == case_id).order_by(CaseMessage.id)
    ).all()
    languages = dict(
        s.execute(
            select(MessageInsight.message_id, MessageInsight.language).where(
                MessageInsight.case_id == case_id
            )
        ).all()
    )
    fresh = []
    for m in messages:
        if m.id in done or m.id not in new_ids:
            continue
        language = None
        if conf.language and not m.is_system:
            language = detection.language_of(m.body_text)
        languages[m.id] = language
        fresh.append({"message_id": m.id, "case_id": case_id, "language": language})
    if fresh:
        s.execute(insert(MessageInsight), fresh)
    external = [m for m in messages if m.visibility == "external" and not m.is_system]
    customer = [m for m in external if m.direction == "inbound"] or external
    first = customer[0] if customer else None
    last = customer[-1] if customer else None
    text = case_text(case, first.body_text if first else "")
    insight = s.get(CaseInsight, case_id)
    if insight is None:
        insight = CaseInsight(case_id=case_id, corporation_id=case.corporation_id)
        s.add(insight)
    _language_and_sentiment(insight, conf, languages, first, last)
    _teach_contact_language(s, case, insight.language)
    if conf.category and case.category_id is None and insight.suggestion_taken is None:
        found = models.suggest(s, case.corporation_id, text)
        insight.suggested_category_id = found[0] if found else None
        insight.suggestion_confidence = round(found[1] * 100) if found else None
    s.execute(delete(CaseTerm).where(CaseTerm.case_id == case_id))
    if conf.similar:
        counts, length = assist_text.term_counts(text)
        if counts:
            s.execute(
                insert(CaseTerm),
                [
                    {
                        "case_id": case_id,
                        "term": term,
                        "corporation_id": case.corporation_id,
                        "count": n,
                        "length": length,
                    }
                    for term, n in counts.items()
                ],
            )
        s.flush()
        insight.duplicate_of_id = _duplicate_of(s, case, counts, now)
    else:
        insight.duplicate_of_id = None
    insight.updated_at = now


def case_text(case: Case, first_message: str) -> str:
    """What a case is about: its title, description and first customer message."""
    return "\n".join(p for p in (case.title, case.description, first_message) if p)[:TEXT_CHARS]


def _teach_contact_language(s: Session, case: Case, language: str | None) -> None:
    """A contact who has no language of their own gets the one they wrote in, when
    casedesk speaks it: their mail and portal pages are then in it."""
    if language is None or language not in translations.available():
        return
    contact_id = s.scalar(_CONTACT.where(CaseMember.case_id == case.id))
    contact = s.get(Contact, contact_id) if contact_id is not None else None
    if contact is not None and contact.language is None:
        contact.language = language


def _language_and_sentiment(
    insight: CaseInsight,
    conf: AssistSettingsOut,
    languages: dict[int, str | None],
    first: CaseMessage | None,
    last: CaseMessage | None,
) -> None:
    insight.language = languages.get(first.id) if first is not None and conf.language else None
    if not conf.sentiment or last is None:
        insight.sentiment = insight.sentiment_index = insight.sentiment_confidence = None
        return
    language = languages.get(last.id)
    if language is None and conf.language is False:
        language = detection.language_of(last.body_text)
    found = detection.sentiment_of(last.body_text, language)
    insight.sentiment = found.label
    insight.sentiment_index = found.index
    insight.sentiment_confidence = found.confidence


def _duplicate_of(s: Session, case: Case, counts: dict[str, int], now: datetime) -> int | None:
    """An earlier case of the same contact, opened in the 7 days before, that reads the same."""
    if not counts or now - case.created_at > timedelta(days=DUPLICATE_DAYS):
        return None
    contact_id = s.scalar(_CONTACT.where(CaseMember.case_id == case.id))
    if contact_id is None:
        return None
    since = case.created_at - timedelta(days=DUPLICATE_DAYS)
    candidates = list(
        s.scalars(
            select(Case.id)
            .join(CaseMember, CaseMember.case_id == Case.id)
            .where(
                CaseMember.role == MemberRole.CONTACT,
                CaseMember.contact_id == contact_id,
                Case.corporation_id == case.corporation_id,
                Case.id != case.id,
                Case.created_at >= since,
                Case.created_at <= case.created_at,
                Case.merged_into_id.is_(None),
            )
        )
    )
    if not candidates:
        return None
    return similar.duplicate_among(s, case, counts, candidates)


_CONTACT = select(CaseMember.contact_id).where(
    CaseMember.role == MemberRole.CONTACT, CaseMember.end_at.is_(None)
)


#: Cases without a suggestion given one after a training, per corporation and run.
PENDING_LIMIT = 1000
_LIVE = (InternalStatus.CLOSED, InternalStatus.DELETED, InternalStatus.MERGED, InternalStatus.SPAM)


def run_training(db: Database, now: datetime) -> int:
    """The ``assist-training`` job: train the models that are due, then suggest a
    category for the live uncategorised cases that had none; how many models trained."""
    trained = 0
    for corporation_id in models.corporations(db):
        if models.train_corporation(db, corporation_id, now):
            trained += 1
            suggest_pending(db, corporation_id, now)
    return trained


def suggest_pending(db: Database, corporation_id: int, now: datetime) -> int:
    """Suggest a category for live cases without one that have no suggestion yet."""
    with db.write() as s:
        if not settings_of(s, corporation_id).category:
            return 0
        pending = s.execute(
            select(Case, CaseInsight)
            .join(CaseInsight, CaseInsight.case_id == Case.id)
            .where(
                Case.corporation_id == corporation_id,
                Case.category_id.is_(None),
                Case.status.notin_(_LIVE),
                CaseInsight.suggested_category_id.is_(None),
                CaseInsight.suggestion_taken.is_(None),
            )
            .order_by(Case.id.desc())
            .limit(PENDING_LIMIT)
        ).all()
        firsts = _first_customer_messages(s, [case.id for case, _ in pending])
        for case, insight in pending:
            found = models.suggest(s, corporation_id, case_text(case, firsts.get(case.id, "")))
            if found:
                insight.suggested_category_id = found[0]
                insight.suggestion_confidence = round(found[1] * 100)
                insight.updated_at = now
        return len(pending)


def _first_customer_messages(s: Session, case_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(case_ids), 500):
        rows = s.execute(
            select(CaseMessage.case_id, CaseMessage.body_text)
            .where(
                CaseMessage.case_id.in_(case_ids[start : start + 500]),
                CaseMessage.visibility == "external",
                CaseMessage.is_system.is_(False),
            )
            .order_by(CaseMessage.id)
        ).all()
        for case_id, body in rows:
            found.setdefault(case_id, body)
    return found
