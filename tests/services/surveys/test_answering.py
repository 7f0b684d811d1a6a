"""Answering: a link records once, an altered or spent link records nothing, an answer
may be changed for a week, and a bad rating does what the settings say."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy import select

from casedesk.domain.errors import Conflict, NotFound, ValidationFailed
from casedesk.domain.statuses import InternalStatus
from casedesk.domain.surveys import ANSWER_WINDOW, CHANGE_WINDOW
from casedesk.services.kernel.clock import utcnow
from casedesk.services.surveys import answering
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, Case, OutboxEvent
from tests.services.cases.test_concurrency import race
from tests.services.portal.world import PortalWorld
from tests.services.surveys.conftest import (
    close,
    closed_case_for,
    enable,
    requested,
    survey_of,
    token_of,
)


def _token(db: Database, pw: PortalWorld) -> tuple[int, str]:
    case_id = closed_case_for(db, pw, pw.carol)
    return case_id, token_of(requested(db)[-1])


def test_a_link_records_once_and_refuses_reuse(db: Database, pw: PortalWorld) -> None:
    case_id, token = _token(db, pw)
    assert answering.open_survey(db, token).rating is None
    view, fresh = answering.answer_by_link(db, token, "good", " Quick and kind ")
    assert view.rating == "good" and view.comment == "Quick and kind"
    assert fresh != token
    with pytest.raises(NotFound):
        answering.open_survey(db, token)
    with pytest.raises(NotFound):
        answering.answer_by_link(db, token, "bad")
    survey = survey_of(db, case_id)
    assert survey is not None and survey.rating == "good"
    with db.read() as s:
        answers = s.scalars(select(AuditEntry).where(AuditEntry.action == "survey.answered"))
        assert len(list(answers)) == 1


def test_an_altered_link_records_nothing(db: Database, pw: PortalWorld) -> None:
    case_id, token = _token(db, pw)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    with pytest.raises(NotFound):
        answering.answer_by_link(db, altered, "bad")
    with pytest.raises(NotFound):
        answering.open_survey(db, token + "x")
    survey = survey_of(db, case_id)
    assert survey is not None and survey.rating is None
    assert answering.open_survey(db, token).rating is None  # the real link still works


def test_an_answer_can_be_changed_within_the_week_only(db: Database, pw: PortalWorld) -> None:
    case_id, token = _token(db, pw)
    start = utcnow()
    _, second = answering.answer_by_link(db, token, "bad", now=start)
    view, third = answering.answer_by_link(db, second, "good", "Fixed after all", now=start)
    assert view.rating == "good" and view.change_until == start + CHANGE_WINDOW
    late = start + CHANGE_WINDOW + timedelta(minutes=1)
    with pytest.raises(Conflict):
        answering.answer_by_link(db, third, "bad", now=late)
    survey = survey_of(db, case_id)
    assert survey is not None and survey.rating == "good"
    assert survey.first_answered_at == start


def test_an_unanswered_survey_closes(db: Database, pw: PortalWorld) -> None:
    _, token = _token(db, pw)
    with pytest.raises(Conflict):
        answering.answer_by_link(db, token, "good", now=utcnow() + ANSWER_WINDOW + timedelta(1))


def test_bad_input_is_refused_and_changes_nothing(db: Database, pw: PortalWorld) -> None:
    _, token = _token(db, pw)
    with pytest.raises(ValidationFailed):
        answering.answer_by_link(db, token, "meh")
    with pytest.raises(ValidationFailed):
        answering.answer_by_link(db, token, "good", "x" * 2001)
    assert answering.open_survey(db, token).rating is None


def test_in_the_portal_only_the_contact_asked_answers(db: Database, pw: PortalWorld) -> None:
    case_id, _ = _token(db, pw)
    assert answering.portal_survey(db, pw.dave, case_id) is None  # sees the case, not asked
    with pytest.raises(NotFound):
        answering.answer_in_portal(db, pw.dave, case_id, "bad")
    view = answering.answer_in_portal(db, pw.carol, case_id, "good")
    assert view.rating == "good"
    changed = answering.answer_in_portal(db, pw.carol, case_id, "bad", "Broke again")
    assert changed.rating == "bad" and changed.comment == "Broke again"


def _status(db: Database, case_id: int) -> int:
    with db.read() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case.status


def test_a_bad_rating_reopens_the_case_when_set_so(db: Database, pw: PortalWorld) -> None:
    enable(db, pw, on_bad="reopen")
    case_id, token = _token(db, pw)
    answering.answer_by_link(db, token, "bad", "Not fixed")
    assert _status(db, case_id) == InternalStatus.OPEN
    close(db, pw, case_id)
    assert len(requested(db)) == 1  # closing it again asks nobody again


def test_a_good_rating_leaves_the_case_closed(db: Database, pw: PortalWorld) -> None:
    enable(db, pw, on_bad="reopen")
    case_id, token = _token(db, pw)
    answering.answer_by_link(db, token, "good")
    assert _status(db, case_id) == InternalStatus.CLOSED


def test_a_bad_rating_notifies_the_address_when_set_so(db: Database, pw: PortalWorld) -> None:
    enable(db, pw, on_bad="notify", notify_address="lead@acme.test")
    case_id, token = _token(db, pw)
    answering.answer_by_link(db, token, "bad")
    with db.read() as s:
        events = list(
            s.scalars(select(OutboxEvent).where(OutboxEvent.topic == answering.BAD_RATING))
        )
    assert [e.payload["address"] for e in events] == ["lead@acme.test"]
    assert _status(db, case_id) == InternalStatus.CLOSED


def test_notify_without_an_address_is_refused(db: Database, pw: PortalWorld) -> None:
    with pytest.raises(ValidationFailed):
        enable(db, pw, on_bad="notify")


def test_racing_answers_through_one_link_record_one(db: Database, pw: PortalWorld) -> None:
    case_id, token = _token(db, pw)
    ratings = ["good", "bad"] * 4
    outcomes = race([partial(answering.answer_by_link, db, token, r) for r in ratings])
    done = [o for o in outcomes if o.error is None]
    assert len(done) == 1
    assert all(isinstance(o.error, NotFound) for o in outcomes if o.error is not None)
    survey = survey_of(db, case_id)
    assert survey is not None and survey.rating == ratings[outcomes.index(done[0])]
