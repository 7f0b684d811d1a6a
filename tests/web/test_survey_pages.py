"""The survey pages over HTTP: opening a link records nothing (mail scanners), the
button records once, a spent or altered link is refused, the page needs its form
token; the survey on the portal's case page is the asked contact's alone; the admin
page changes the settings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.services.surveys import sending
from casedesk.store.db import Database
from tests.factories import PASSWORD
from tests.services.portal.world import PortalWorld
from tests.services.surveys.conftest import (
    BASE,
    closed_case_for,
    enable,
    requested,
    survey_of,
)
from tests.web.console_support import agent_client
from tests.web.markup import markup_problems
from tests.web.portal_client import form_token, sign_in


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"public_url": BASE}), db)
    yield TestClient(app, base_url="http://testserver")
    sending.uninstall()


@pytest.fixture
def pw(db: Database, client: TestClient) -> PortalWorld:
    from tests.services.portal.world import make_portal_world

    world = make_portal_world(db)
    enable(db, world)
    return world


def _path(db: Database) -> str:
    return str(requested(db)[-1]["url"]).removeprefix(BASE)


def test_opening_the_link_records_nothing_and_the_button_records_once(
    client: TestClient, pw: PortalWorld, db: Database
) -> None:
    case_id = closed_case_for(db, pw, pw.carol)
    path = _path(db)
    client.get(path + "?rating=bad")  # a mail scanner
    page = client.get(path + "?rating=good")
    assert page.status_code == 200
    assert 'value="good" required checked' in page.text
    survey = survey_of(db, case_id)
    assert survey is not None and survey.rating is None
    answer = client.post(
        path, data={"csrf_token": form_token(page.text), "rating": "good", "comment": "Great"}
    )
    assert answer.status_code == 200 and "your answer was recorded" in answer.text
    survey = survey_of(db, case_id)
    assert survey is not None and survey.rating == "good" and survey.comment == "Great"

    again = TestClient(client.app)
    page = again.get(path)
    assert page.status_code == 404 and "not valid any more" in page.text
    token = form_token(client.get("/portal/sign-in").text)
    refused = again.post(path, data={"csrf_token": token, "rating": "bad"})
    assert refused.status_code in (403, 404)
    survey = survey_of(db, case_id)
    assert survey is not None and survey.rating == "good"


def test_the_page_after_an_answer_changes_it_once_more(
    client: TestClient, pw: PortalWorld, db: Database
) -> None:
    case_id = closed_case_for(db, pw, pw.carol)
    path = _path(db)
    page = client.get(path)
    answer = client.post(path, data={"csrf_token": form_token(page.text), "rating": "bad"})
    fresh = answer.text.split('action="/portal/survey/')[1].split('"')[0]
    assert fresh and fresh not in path
    changed = client.post(
        "/portal/survey/" + fresh, data={"csrf_token": form_token(answer.text), "rating": "good"}
    )
    assert changed.status_code == 200
    survey = survey_of(db, case_id)
    assert survey is not None and survey.rating == "good"


def test_an_altered_link_and_a_missing_form_token_are_refused(
    client: TestClient, pw: PortalWorld, db: Database
) -> None:
    case_id = closed_case_for(db, pw, pw.carol)
    path = _path(db)
    altered = path[:-2] + ("xx" if not path.endswith("xx") else "yy")
    assert client.get(altered).status_code == 404
    page = client.get(path)
    answer = client.post(altered, data={"csrf_token": form_token(page.text), "rating": "bad"})
    assert answer.status_code == 404
    assert client.post(path, data={"csrf_token": "forged", "rating": "bad"}).status_code == 403
    assert client.get("/portal/survey/short").status_code == 422
    bad = client.post(path, data={"csrf_token": form_token(page.text), "rating": "meh"})
    assert bad.status_code == 422 and "rating must be good or bad" in bad.text
    assert 'name="comment"' in bad.text  # the form again: the link is not spent
    survey = survey_of(db, case_id)
    assert survey is not None and survey.rating is None


def test_the_portal_case_page_offers_the_survey_to_the_asked_contact(
    client: TestClient, pw: PortalWorld, db: Database
) -> None:
    case_id = closed_case_for(db, pw, pw.carol)
    assert sign_in(client, "carol@customer.example").status_code == 303
    assert f'hx-get="/portal/cases/{case_id}/survey"' in client.get(f"/portal/cases/{case_id}").text
    part = client.get(f"/portal/cases/{case_id}/survey")
    assert "How did we do?" in part.text
    answer = client.post(
        f"/portal/cases/{case_id}/survey",
        data={"csrf_token": form_token(part.text), "rating": "bad", "comment": "Slow"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200 and "your answer was recorded" in answer.text
    survey = survey_of(db, case_id)
    assert survey is not None and survey.rating == "bad" and survey.comment == "Slow"

    dave = TestClient(client.app)
    assert sign_in(dave, "dave@customer.example").status_code == 303
    assert dave.get(f"/portal/cases/{case_id}/survey").text == ""  # sees the case, not asked
    token = form_token(dave.get("/portal").text)
    refused = dave.post(
        f"/portal/cases/{case_id}/survey", data={"csrf_token": token, "rating": "good"}
    )
    assert refused.status_code == 404
    survey = survey_of(db, case_id)
    assert survey is not None and survey.rating == "bad"


def _console(client: TestClient, email: str) -> str:
    page = client.get("/console/sign-in")
    token = form_token(page.text)
    client.post(
        "/console/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    return form_token(client.get("/console/admin/surveys").text)


def test_the_admin_page_turns_surveys_on_and_sets_their_texts(
    client: TestClient, pw: PortalWorld, db: Database
) -> None:
    token = _console(client, "admin@acme.test")
    saved = client.post(
        "/console/admin/surveys",
        data={
            "csrf_token": token,
            "enabled": "on",
            "mail_subject": "Rate us {case_reference}",
            "mail_body": "",
            "page_text": "Thanks from Acme",
            "cap_days": "3",
            "on_bad": "reopen",
            "notify_address": "",
        },
    )
    assert saved.status_code == 200
    page = client.get("/console/admin/surveys").text
    assert "Rate us {case_reference}" in page and "Thanks from Acme" in page
    refused = client.post(
        "/console/admin/surveys",
        data={"csrf_token": token, "cap_days": "-1", "on_bad": "nothing"},
    )
    assert refused.status_code == 422
    agent = TestClient(client.app)
    agent_token = form_token(agent.get("/console/sign-in").text)
    agent.post(
        "/console/sign-in",
        data={"email": "alice@acme.test", "password": PASSWORD, "csrf_token": agent_token},
    )
    assert agent.get("/console/admin/surveys").status_code == 403


def test_the_survey_pages_keep_the_markup_rules(
    client: TestClient, pw: PortalWorld, db: Database
) -> None:
    closed_case_for(db, pw, pw.carol)
    path = _path(db)
    page = client.get(path + "?rating=good")
    assert markup_problems(page.text) == []
    answer = client.post(path, data={"csrf_token": form_token(page.text), "rating": "good"})
    assert markup_problems(answer.text) == []
    assert markup_problems(client.get(path).text) == []  # the spent link's page
    _console(client, "admin@acme.test")
    assert markup_problems(client.get("/console/admin/surveys").text) == []


def test_the_console_case_page_shows_the_answer_to_agents_who_see_the_case(
    settings: Settings, client: TestClient, pw: PortalWorld, db: Database
) -> None:
    case_id = closed_case_for(db, pw, pw.carol)
    open_case = pw.case_for(pw.carol, "Still open")
    path = _path(db)
    page = client.get(path)
    client.post(
        path, data={"csrf_token": form_token(page.text), "rating": "bad", "comment": "Too slow"}
    )
    alice = agent_client(settings, db, "alice@acme.test")
    case_page = alice.get(f"/console/cases/{case_id}")
    assert f'hx-get="/console/cases/{case_id}/survey"' in case_page.text
    panel = alice.get(f"/console/cases/{case_id}/survey")
    assert panel.status_code == 200 and "Too slow" in panel.text and ">bad<" in panel.text
    assert alice.get(f"/console/cases/{open_case.id}/survey").text == ""
    bob = agent_client(settings, db, "bob@acme.test")
    assert bob.get(f"/console/cases/{case_id}/survey").status_code == 404
