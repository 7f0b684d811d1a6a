"""In a browser: the survey link of a closed case's mail, delivered over real SMTP,
records the rating once; the same link opened again records nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select

from casedesk.channels.email.delivery import deliver_outbox
from casedesk.services.surveys import sending
from casedesk.store.models import AuditEntry, Survey
from tests.channels.email.conftest import SmtpServer, run_smtp
from tests.services.portal.world import make_portal_world
from tests.services.surveys.conftest import close, enable
from tests.web.conftest import LiveServer, fresh_context


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with run_smtp("smtp") as server:
        yield server


def test_a_survey_link_from_the_closing_mail_records_a_rating_once(
    page: Page, browser: Browser, live_server: LiveServer, smtp_server: SmtpServer
) -> None:
    db = live_server.db
    sending.install(live_server.url)  # the links lead to this test's server
    pw = make_portal_world(db)
    enable(db, pw)
    case = pw.case_for(pw.carol, "Scanner offline")
    close(db, pw, case.id)
    deliver_outbox(db, smtp_server.url, datetime.now(UTC), default_from="help@acme.test")

    surveys = [
        m
        for m in smtp_server.inbox.to("carol@customer.example")
        if "How did we do" in m.message["Subject"]
    ]
    (mail,) = surveys
    assert mail.message["Auto-Submitted"] == "auto-generated"
    body = mail.message.get_content()
    good = re.search(r"Good: (\S+)", body)
    assert good is not None and good.group(1).startswith(live_server.url + "/portal/survey/")

    page.goto(good.group(1))
    expect(page.get_by_label("Good, I am satisfied")).to_be_checked()
    with db.read() as s:  # opening the link recorded nothing
        assert s.scalar(select(Survey.rating).where(Survey.case_id == case.id)) is None
    page.get_by_label("Comment (optional)").fill("Fixed within the hour")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("your answer was recorded")

    other = fresh_context(browser).new_page()
    other.goto(good.group(1))
    expect(other.get_by_role("alert")).to_contain_text("not valid any more")
    expect(other.get_by_role("button", name="Send my answer")).to_have_count(0)
    other.context.close()

    with db.read() as s:
        survey = s.scalars(select(Survey).where(Survey.case_id == case.id)).one()
        assert (survey.rating, survey.comment) == ("good", "Fixed within the hour")
        answers = s.scalar(
            select(func.count()).where(AuditEntry.action.in_(["survey.answered", "survey.changed"]))
        )
        assert answers == 1
