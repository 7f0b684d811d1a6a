"""The console's profile, local times, unread marks and search box over HTTP (the
browser tests tell the same stories end to end)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import MessageCreate
from casedesk.services.identity import preferences
from casedesk.store.db import Database
from casedesk.store.models import Contact
from tests.factories import World, make_actor, make_case
from tests.services.portal.world import make_portal_world
from tests.web.console_support import agent_client, csrf
from tests.web.portal_client import sign_in

NOON_UTC = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def test_the_profile_sets_zone_and_language_and_refuses_unknown_ones(
    settings: Settings, db: Database, world: World
) -> None:
    alice = agent_client(settings, db, world.agent_a.email)
    page = alice.get("/console/profile")
    assert page.status_code == 200 and "America/New_York" in page.text
    token = csrf(alice)
    saved = alice.post(
        "/console/profile",
        data={"csrf_token": token, "time_zone": "America/New_York", "language": "fr"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert preferences.get_preferences(db, world.agent_a.principal) == preferences.Preferences(
        "America/New_York", "fr"
    )
    refused = alice.post(
        "/console/profile",
        data={"csrf_token": token, "time_zone": "Moon/Base", "language": "fr"},
    )
    assert refused.status_code == 422 and "time zone" in refused.text
    no_csrf = alice.post("/console/profile", data={"time_zone": "UTC", "language": "en"})
    assert no_csrf.status_code == 403
    assert preferences.get_preferences(db, world.agent_a.principal).time_zone == (
        "America/New_York"
    )


def test_pages_show_times_in_the_readers_zone_and_the_api_stays_utc(
    settings: Settings, db: Database, world: World
) -> None:
    case = make_case(db, world.agent_a, title="Clock check")
    messages.add_message(
        db, world.agent_a.principal, case.id, MessageCreate(body_text="Noon"), now=NOON_UTC
    )
    preferences.set_preferences(
        db, world.agent_a.principal, time_zone="America/New_York", language="en"
    )
    alice = agent_client(settings, db, world.agent_a.email)
    page = alice.get(f"/console/cases/{case.id}").text
    assert '<time datetime="2026-07-01T12:00:00+00:00">2026-07-01 08:00 EDT</time>' in page
    listed = alice.get("/console/cases").text
    assert 'title="2026-07-01 08:00 EDT"' in listed and " ago</time>" in listed
    api = TestClient(alice.app).get(f"/api/v1/cases/{case.id}", headers=world.agent_a.headers)
    assert api.json()["last_activity_at"] == "2026-07-01T12:00:00Z"


def test_the_portal_shows_times_in_the_contacts_zone(settings: Settings, db: Database) -> None:
    pw = make_portal_world(db)
    case = pw.case_for(pw.carol, "Portal clock")
    messages.add_message(
        db, pw.base.agent_a.principal, case.id, MessageCreate(body_text="Hi"), now=NOON_UTC
    )
    portal = TestClient(create_app(settings, db))
    token_page = portal.get("/portal/sign-in").text
    assert 'name="time_zone"' in token_page and "/static/time-zone.js" in token_page
    sign_in(portal, "carol@customer.example")
    assert "2026-07-01 12:00 UTC" in portal.get(f"/portal/cases/{case.id}").text
    with db.write() as s:
        contact = s.get(Contact, pw.carol.contact_id)
        assert contact is not None
        contact.time_zone = "Asia/Tokyo"
    assert "2026-07-01 21:00 JST" in portal.get(f"/portal/cases/{case.id}").text


def test_the_list_marks_unread_cases_and_opening_one_clears_it(
    settings: Settings, db: Database, world: World
) -> None:
    case = make_case(db, world.agent_a, title="Needs a look")
    amy = make_actor(db, "amy@acme.test", "agent", ["A"], world.corporation_id)
    client = agent_client(settings, db, amy.email)
    listed = client.get("/console/cases").text
    assert 'class="unread"' in listed and "activity you have not seen" in listed
    client.get(f"/console/cases/{case.id}")
    assert 'class="unread"' not in client.get("/console/cases").text


def test_the_search_box_groups_what_it_finds(
    settings: Settings, db: Database, world: World
) -> None:
    mine = make_case(db, world.agent_a, title="Laptop battery swells")
    hidden = make_case(db, world.agent_b, title="Laptop for the board")
    alice = agent_client(settings, db, world.agent_a.email)
    by_number = alice.get("/console/search", params={"q": mine.reference}).text
    assert 'id="found-number"' in by_number and "Laptop battery swells" in by_number
    by_text = alice.get("/console/search", params={"q": "laptop"}).text
    assert "Laptop battery swells" in by_text and "board" not in by_text
    assert 'aria-keyshortcuts="/" value="laptop"' in by_text  # the box keeps what was asked
    other = alice.get("/console/search", params={"q": hidden.reference}).text
    assert "board" not in other and "Nothing matches" in other
    assert alice.get("/console/search", params={"q": "x" * 501}).status_code == 422
