"""A person's time zone and language: set on the profile, refused when unknown, and
taken from the browser at sign-in only while none is chosen."""

from __future__ import annotations

import pytest

from casedesk.domain.errors import ValidationFailed
from casedesk.services.identity import preferences, web_sessions
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, Contact
from tests.factories import PASSWORD, World, make_world
from tests.services.portal.world import PORTAL_PASSWORD, add_contact


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def test_a_user_sets_zone_and_language_and_bad_values_change_nothing(
    db: Database, world: World
) -> None:
    alice = world.agent_a.principal
    assert preferences.get_preferences(db, alice) == preferences.Preferences(None, None)
    preferences.set_preferences(db, alice, time_zone="America/New_York", language="de")
    assert preferences.get_preferences(db, alice) == preferences.Preferences(
        "America/New_York", "de"
    )
    for zone, language, field in [
        ("Mars/Olympus_Mons", "en", "time_zone"),
        ("", "en", "time_zone"),
        ("Europe/Paris", "xx", "language"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            preferences.set_preferences(db, alice, time_zone=zone, language=language)
        assert refused.value.field == field
    assert preferences.get_preferences(db, alice).time_zone == "America/New_York"
    with db.read() as s:
        changes = [e.changes for e in s.query(AuditEntry).filter_by(action="user.updated")]
    assert changes == [
        {
            "time_zone": {"from": None, "to": "America/New_York"},
            "language": {"from": None, "to": "de"},
        }
    ]


def test_sign_in_takes_the_browsers_zone_only_while_none_is_chosen(
    db: Database, world: World
) -> None:
    email = world.agent_a.email
    web_sessions.sign_in_agent(db, email, PASSWORD, "127.0.0.1", time_zone="Nowhere/Land")
    assert preferences.get_preferences(db, world.agent_a.principal).time_zone is None
    signed = web_sessions.sign_in_agent(db, email, PASSWORD, "127.0.0.1", time_zone="Asia/Tokyo")
    assert web_sessions.agent_session(db, signed.token).time_zone == "Asia/Tokyo"
    web_sessions.sign_in_agent(db, email, PASSWORD, "127.0.0.1", time_zone="Europe/Oslo")
    assert preferences.get_preferences(db, world.agent_a.principal).time_zone == "Asia/Tokyo"


def test_a_contact_gets_the_browsers_zone_for_the_portal(db: Database, world: World) -> None:
    carol = add_contact(db, world.corporation_id, "Carol", "carol@customer.example", None)
    signed = web_sessions.sign_in_contact(
        db, "carol@customer.example", PORTAL_PASSWORD, "127.0.0.1", time_zone="Europe/Berlin"
    )
    assert web_sessions.contact_session(db, signed.token).time_zone == "Europe/Berlin"
    with db.read() as s:
        contact = s.get(Contact, carol.contact_id)
        assert contact is not None and contact.time_zone == "Europe/Berlin"
