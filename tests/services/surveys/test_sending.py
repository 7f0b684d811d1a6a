"""When a survey goes: on closing (by any use-case), once per case, to a person's
address only, not after a machine's mail, and not more often than the per-contact cap."""

from __future__ import annotations

from casedesk.services.cases import core as cases
from casedesk.services.cases.schemas import CasePatch
from casedesk.store.db import Database
from casedesk.store.models import ContactEmail, InboundMail
from tests.services.portal.world import PortalWorld, add_contact
from tests.services.surveys.conftest import (
    BASE,
    close,
    closed_case_for,
    enable,
    requested,
    survey_of,
)


def test_closing_a_case_sends_one_survey_to_its_contact(db: Database, pw: PortalWorld) -> None:
    case = pw.case_for(pw.carol)
    assert requested(db) == []
    close(db, pw, case.id)
    (event,) = requested(db)
    assert event["email"] == "carol@customer.example"
    assert event["case_id"] == case.id
    assert str(event["url"]).startswith(BASE + "/portal/survey/")
    survey = survey_of(db, case.id)
    assert survey is not None and survey.group_id == pw.base.group_a
    assert survey.token_hash is not None and survey.token_hash not in str(event["url"])
    # Reopened and closed again: still one survey.
    cases.update_case(db, pw.base.agent_a.principal, case.id, CasePatch(status=1))
    close(db, pw, case.id)
    assert len(requested(db)) == 1


def test_nothing_is_sent_while_surveys_are_off(db: Database, pw: PortalWorld) -> None:
    enable(db, pw, enabled=False)
    case_id = closed_case_for(db, pw, pw.carol)
    assert requested(db) == [] and survey_of(db, case_id) is None


def test_other_changes_send_nothing(db: Database, pw: PortalWorld) -> None:
    case = pw.case_for(pw.carol)
    cases.update_case(db, pw.base.agent_a.principal, case.id, CasePatch(title="Still jammed"))
    cases.update_case(db, pw.base.agent_a.principal, case.id, CasePatch(status=3))
    assert requested(db) == []


def test_a_contact_is_asked_at_most_once_within_the_cap(db: Database, pw: PortalWorld) -> None:
    first = closed_case_for(db, pw, pw.carol, "First")
    second = closed_case_for(db, pw, pw.carol, "Second")
    assert survey_of(db, first) is not None and survey_of(db, second) is None
    other = closed_case_for(db, pw, pw.erin, "Erin's")
    assert survey_of(db, other) is not None  # the cap is per contact
    enable(db, pw, cap_days=0)
    third = closed_case_for(db, pw, pw.carol, "Third")
    assert survey_of(db, third) is not None
    assert len(requested(db)) == 3


def test_no_survey_to_a_no_reply_address(db: Database, pw: PortalWorld) -> None:
    robot = add_contact(db, pw.base.corporation_id, "Robot", "no-reply@vendor.example", None)
    case_id = closed_case_for(db, pw, robot)
    assert survey_of(db, case_id) is None and requested(db) == []


def test_no_survey_when_the_last_mail_of_the_case_was_automatic(
    db: Database, pw: PortalWorld
) -> None:
    case = pw.case_for(pw.carol)
    with db.write() as s:
        s.add(
            InboundMail(
                corporation_id=pw.base.corporation_id,
                message_id="<ooo@customer.example>",
                outcome="appended",
                reason="auto-submitted",
                sender="carol@customer.example",
                case_id=case.id,
            )
        )
    close(db, pw, case.id)
    assert survey_of(db, case.id) is None


def test_a_contact_without_address_gets_none(db: Database, pw: PortalWorld) -> None:
    with db.write() as s:
        s.query(ContactEmail).filter(ContactEmail.contact_id == pw.erin.contact_id).delete()
    case_id = closed_case_for(db, pw, pw.erin)
    assert survey_of(db, case_id) is None
