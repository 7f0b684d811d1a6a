"""A trigger on ``survey_answered`` sees the rating; the scores count answers per
agent, group and period within the caller's groups; the survey mail carries the links."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from casedesk.channels.email import render
from casedesk.domain.errors import NotFound
from casedesk.domain.statuses import InternalStatus
from casedesk.services.kernel.clock import utcnow
from casedesk.services.mail import notification_plans
from casedesk.services.mail.planned import Event
from casedesk.services.reports import dashboards
from casedesk.services.reports.schemas import Query
from casedesk.services.rules import definitions, engine
from casedesk.services.rules.definitions import RuleIn
from casedesk.services.surveys import answering, results
from casedesk.store.db import Database
from casedesk.store.models import Case, Contact, OutboxEvent
from tests.services.portal.world import PortalWorld
from tests.services.rules.conftest import tags_of
from tests.services.surveys.conftest import closed_case_for, enable, requested, token_of


@pytest.fixture
def rules_engine() -> Iterator[None]:
    engine.install()
    engine._cache.clear()
    yield
    engine._cache.clear()
    engine.uninstall()


def test_a_trigger_on_a_bad_answer_acts_on_the_case(
    db: Database, pw: PortalWorld, rules_engine: None
) -> None:
    definitions.create_rule(
        db,
        pw.base.admin.principal,
        "trigger",
        RuleIn(
            name="Unhappy customers",
            events=["survey_answered"],
            conditions={"field": "survey.rating", "op": "eq", "value": "bad"},
            actions=[{"type": "add_tags", "tags": ["unhappy"]}],
        ),
    )
    definitions.create_rule(
        db,
        pw.base.admin.principal,
        "trigger",
        RuleIn(
            name="Complaints about manners",
            events=["survey_answered"],
            conditions={"field": "survey.comment", "op": "contains", "value": "rude"},
            actions=[{"type": "add_tags", "tags": ["manners"]}],
        ),
    )
    happy = closed_case_for(db, pw, pw.carol, "Happy")
    answering.answer_by_link(db, token_of(requested(db)[-1]), "good")
    enable(db, pw, cap_days=0)
    sad = closed_case_for(db, pw, pw.carol, "Sad")
    answering.answer_by_link(db, token_of(requested(db)[-1]), "bad", "He was rude")
    assert tags_of(db, happy) == []
    assert sorted(tags_of(db, sad)) == ["manners", "unhappy"]


def _answered(db: Database, pw: PortalWorld, rating: str, title: str, comment: str = "") -> int:
    enable(db, pw, cap_days=0)
    case_id = closed_case_for(db, pw, pw.carol, title)
    answering.answer_by_link(db, token_of(requested(db)[-1]), rating, comment)
    return case_id


def test_the_latest_comments_are_listed_with_their_case(db: Database, pw: PortalWorld) -> None:
    _answered(db, pw, "good", "one", "Quick")
    _answered(db, pw, "bad", "two")
    _answered(db, pw, "bad", "three", "Took a week")
    report = dashboards.report(db, pw.base.admin.principal, "satisfaction", _query())
    rows = report.tables[2].rows
    assert [(r[2], r[3]) for r in rows] == [("bad", "Took a week"), ("good", "Quick")]
    assert str(rows[0][1]).startswith("TCK-")


def _query(**kw: object) -> Query:
    today = utcnow().date()
    return Query(date_from=today - timedelta(days=6), date_to=today, **kw)  # type: ignore[arg-type]


def test_scores_per_group_and_agent_within_the_callers_groups(
    db: Database, pw: PortalWorld
) -> None:
    for rating, title in (("good", "one"), ("good", "two"), ("bad", "three")):
        _answered(db, pw, rating, title)
    closed_case_for(db, pw, pw.carol, "unanswered")
    report = dashboards.report(db, pw.base.admin.principal, "satisfaction", _query())
    over_time, by_group, comments = report.tables
    assert comments.rows == []
    assert sum(int(r[1] or 0) for r in over_time.rows) == 2
    assert over_time.rows[-1][1:] == [2, 1, 66.7]
    assert by_group.rows[0] == ["All", 3, 2, 1, 66.7]
    assert by_group.rows[1] == ["A", 3, 2, 1, 66.7]
    # Bob, of group B only, sees none of group A's answers and may not ask for it.
    theirs = dashboards.report(db, pw.base.agent_b.principal, "satisfaction", _query())
    assert theirs.tables[1].rows == [["All", 0, 0, 0, None]]
    with pytest.raises(NotFound):
        dashboards.report(
            db, pw.base.agent_b.principal, "satisfaction", _query(group=pw.base.group_a)
        )
    assert results.list_surveys(db, pw.base.agent_b.principal) == []
    assert len(results.list_surveys(db, pw.base.agent_a.principal)) == 4
    assert len(results.list_surveys(db, pw.base.agent_a.principal, rating="bad")) == 1


def test_the_survey_mail_carries_the_good_and_bad_links(db: Database, pw: PortalWorld) -> None:
    enable(db, pw, mail_subject="Rate {case_reference}", mail_body="Dear {recipient_name}")
    closed_case_for(db, pw, pw.carol, "Printer")
    payload = requested(db)[-1]
    event = Event(1, pw.base.corporation_id, "survey.requested", payload, 1)
    (mail,) = notification_plans.plan(db, event, default_from="desk@acme.test").mails
    assert mail.recipient == "carol@customer.example" and mail.automatic
    assert mail.template == "survey_request"
    assert mail.context["survey_subject"].startswith("Rate TCK-")
    assert mail.context["survey_body"] == "Dear Carol Customer"
    assert mail.context["good_link"] == payload["url"] + "?rating=good"
    assert mail.context["bad_link"] == payload["url"] + "?rating=bad"


def test_a_german_contact_is_asked_in_german_when_the_text_is_the_default(
    db: Database, pw: PortalWorld
) -> None:
    enable(db, pw)
    with db.write() as s:
        carol = s.get(Contact, pw.carol.contact_id)
        assert carol is not None
        carol.language = "de"
    closed_case_for(db, pw, pw.carol, "Drucker")
    event = Event(1, pw.base.corporation_id, "survey.requested", requested(db)[-1], 1)
    (mail,) = notification_plans.plan(db, event, default_from="desk@acme.test").mails
    assert mail.language == "de"
    assert mail.context["survey_subject"].startswith("Wie zufrieden waren Sie mit uns? TCK-")
    assert "wurde geschlossen" in mail.context["survey_body"]
    _subject, body = render.render(mail.template, mail.context, None, mail.language)
    assert "Gut: " in body and "Schlecht: " in body


def test_the_trigger_of_the_docs_reopens_and_mails_on_a_bad_answer(
    db: Database, pw: PortalWorld, rules_engine: None
) -> None:
    definitions.create_rule(
        db,
        pw.base.admin.principal,
        "trigger",
        RuleIn(
            name="Unhappy customer",
            events=["survey_answered"],
            conditions={"field": "survey.rating", "op": "eq", "value": "bad"},
            actions=[
                {"type": "set", "field": "status", "value": 1},
                {
                    "type": "mail",
                    "template": "rule_mail",
                    "to": "address",
                    "address": "lead@acme.example",
                },
            ],
        ),
    )
    case_id = closed_case_for(db, pw, pw.carol)
    answering.answer_by_link(db, token_of(requested(db)[-1]), "bad", "Still broken")
    with db.read() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.status == InternalStatus.OPEN
        mails = s.scalars(select(OutboxEvent.payload).where(OutboxEvent.topic == "rule.mail"))
        assert [m["address"] for m in mails] == ["lead@acme.example"]


def test_the_notice_of_a_bad_rating_names_the_case_and_the_comment(
    db: Database, pw: PortalWorld
) -> None:
    enable(db, pw, on_bad="notify", notify_address="lead@acme.test")
    closed_case_for(db, pw, pw.carol, "Scanner offline")
    answering.answer_by_link(db, token_of(requested(db)[-1]), "bad", "Nobody called back")
    with db.read() as s:
        row = s.scalars(select(OutboxEvent).where(OutboxEvent.topic == answering.BAD_RATING)).one()
        event = Event(row.id, row.corporation_id, row.topic, dict(row.payload), 1)
    (mail,) = notification_plans.plan(db, event, default_from="desk@acme.test").mails
    assert mail.recipient == "lead@acme.test" and mail.automatic
    subject, body = render.render(mail.template, mail.context, None)
    assert subject.startswith("Bad rating for case TCK-") and "Scanner offline" in subject
    assert "Nobody called back" in body
