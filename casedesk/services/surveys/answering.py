"""Answering a survey: through the mailed link (no sign-in) or on the case's page in
the portal (signed in as the contact who was asked).

One answer per case. It may be changed for ``domain.surveys.CHANGE_WINDOW`` after it
was first given; a survey never answered closes after ``ANSWER_WINDOW``. A link works
once: the answer replaces the token, and the page that thanks for it carries the new
one for a change. So a link from a mail that is opened again, forwarded or altered
matches no survey (``NotFound``, alike for all three: nothing tells a guesser which
tokens once existed).

Opening a link reads only; the answer is a POST from the page (a mail scanner that
fetches every link of a mail records nothing). Each answer is audited and emits
``survey.answered`` with its rating (the comment stays in the survey's row, so the
outbox holds no copy of what a contact wrote), which rules see as the ``survey_answered`` trigger
event; a bad rating also does what the settings' ``on_bad`` says (reopen the case, or
a ``survey.bad_rating`` mail to the address they name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import Conflict, DomainError, NotFound, ValidationFailed
from casedesk.domain.numbering import format_case_number
from casedesk.domain.permissions import ContactCaller
from casedesk.domain.statuses import InternalStatus
from casedesk.domain.surveys import CHANGE_WINDOW, MAX_COMMENT, RATINGS, may_answer
from casedesk.services.cases.status_change import change_status_in
from casedesk.services.identity.channel_accounts import channel_account
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.services.kernel.references import status_catalog
from casedesk.services.surveys import links
from casedesk.store.db import Database
from casedesk.store.models import Case, Corporation, Survey, SurveySettings

ANSWERED = "survey.answered"
BAD_RATING = "survey.bad_rating"


@dataclass(frozen=True, slots=True)
class SurveyView:
    """What a survey page shows."""

    survey_id: int
    case_id: int
    case_reference: str
    case_title: str
    rating: str | None
    comment: str
    #: Whether an answer (or a change) is taken now.
    open: bool
    #: Until when a given answer may be changed; None before the first answer.
    change_until: datetime | None
    #: The corporation's own page text, empty for the shipped one.
    page_text: str


def open_survey(db: Database, token: str, *, now: datetime | None = None) -> SurveyView:
    """The survey a link leads to; NotFound for a spent, altered or unknown link."""
    with db.read() as s:
        return _view(s, _by_token(s, token), now or utcnow())


def answer_by_link(
    db: Database, token: str, rating: str, comment: str = "", *, now: datetime | None = None
) -> tuple[SurveyView, str]:
    """Record the answer a link's page sent; the survey and the token for a change."""
    now = now or utcnow()
    with db.write() as s:
        survey = _by_token(s, token, lock=True)
        _record(s, survey, rating, comment, now, actor="survey-link")
        fresh, survey.token_hash = links.new_token()
        s.flush()
        return _view(s, survey, now), fresh


def portal_survey(db: Database, caller: ContactCaller, case_id: int) -> SurveyView | None:
    """The survey of a case for the contact who was asked, or None."""
    with db.read() as s:
        survey = _for_contact(s, caller, case_id)
        return _view(s, survey, utcnow()) if survey is not None else None


def answer_in_portal(
    db: Database, caller: ContactCaller, case_id: int, rating: str, comment: str = ""
) -> SurveyView:
    """Record the signed-in contact's answer for their case's survey."""
    now = utcnow()
    with db.write() as s:
        survey = _for_contact(s, caller, case_id, lock=True)
        if survey is None:
            raise NotFound(f"no survey for case {case_id}", case_id=case_id)
        _record(s, survey, rating, comment, now, actor="portal")
        return _view(s, survey, now)


def _by_token(s: Session, token: str, *, lock: bool = False) -> Survey:
    stmt = select(Survey).where(Survey.token_hash == links.token_hash(token))
    survey = s.scalars(stmt.with_for_update() if lock else stmt).one_or_none()
    if survey is None:
        raise NotFound("this survey link is not valid any more")
    return survey


def _for_contact(
    s: Session, caller: ContactCaller, case_id: int, *, lock: bool = False
) -> Survey | None:
    stmt = select(Survey).where(
        Survey.case_id == case_id,
        Survey.corporation_id == caller.corporation_id,
        Survey.contact_id == caller.contact_id,
    )
    return s.scalars(stmt.with_for_update() if lock else stmt).one_or_none()


def _record(
    s: Session, survey: Survey, rating: str, comment: str, now: datetime, actor: str
) -> None:
    if rating not in RATINGS:
        raise ValidationFailed("rating must be good or bad", field="rating")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed(f"a comment has at most {MAX_COMMENT} characters", field="comment")
    if not may_answer(survey.sent_at, survey.first_answered_at, now):
        raise Conflict("this survey is closed: answers can no longer be given or changed")
    before = {"rating": survey.rating, "comment": survey.comment}
    changed = survey.first_answered_at is not None
    survey.rating, survey.comment, survey.answered_at = rating, comment, now
    survey.first_answered_at = survey.first_answered_at or now
    audit.record(
        s,
        None,
        survey.corporation_id,
        "survey.changed" if changed else "survey.answered",
        "survey",
        survey.id,
        case_id=survey.case_id,
        changes=audit.diff(before, {"rating": rating, "comment": comment}),
        at=now,
        actor_label=actor,
    )
    payload = {
        "case_id": survey.case_id,
        "survey_id": survey.id,
        "rating": rating,
        "changed": changed,
    }
    audit.emit(s, survey.corporation_id, ANSWERED, payload)
    if rating == "bad" and before["rating"] != "bad":
        _on_bad(s, survey, now)


def _on_bad(s: Session, survey: Survey, now: datetime) -> None:
    """What the settings say a bad rating does on its own."""
    settings = s.get(SurveySettings, survey.corporation_id)
    if settings is None or settings.on_bad == "nothing":
        return
    if settings.on_bad == "notify" and settings.notify_address:
        audit.emit(
            s,
            survey.corporation_id,
            BAD_RATING,
            {"case_id": survey.case_id, "survey_id": survey.id, "address": settings.notify_address},
        )
    elif settings.on_bad == "reopen":
        _reopen(s, survey, now)


def _reopen(s: Session, survey: Survey, now: datetime) -> None:
    case = s.scalars(select(Case).where(Case.id == survey.case_id).with_for_update()).one()
    if case.status != InternalStatus.CLOSED:
        return
    default = status_catalog(s, case.corporation_id).default_for(InternalStatus.OPEN)
    if default is None:
        return
    principal = channel_account(s, case.corporation_id, "surveys", "Satisfaction surveys")
    try:
        with s.begin_nested():
            change_status_in(s, principal, case, default.id, now)
    except DomainError:
        return  # the answer stands; the case keeps its status


def _view(s: Session, survey: Survey, now: datetime) -> SurveyView:
    case = s.get(Case, survey.case_id)
    corp = s.get(Corporation, survey.corporation_id)
    settings = s.get(SurveySettings, survey.corporation_id)
    assert case is not None
    first = survey.first_answered_at
    return SurveyView(
        survey_id=survey.id,
        case_id=case.id,
        case_reference=format_case_number(corp.case_prefix if corp else "", case.number),
        case_title=case.title,
        rating=survey.rating,
        comment=survey.comment,
        open=may_answer(survey.sent_at, first, now),
        change_until=first + CHANGE_WINDOW if first is not None else None,
        page_text=settings.page_text if settings is not None else "",
    )
