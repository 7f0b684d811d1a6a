"""The mail settings and mail templates pages: saved through the service and read by
the mail channel, bad input named with nothing written, agents refused."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from casedesk.services.mail import mail_settings
from casedesk.services.mail.notifications import template_override
from casedesk.store.db import Database
from tests.factories import World
from tests.web.admin_client import Browser, notice_of, redirected_to

SETTINGS = "/console/admin/mail-settings"
TEMPLATES = "/console/admin/mail-templates"
GOOD = {
    "from_address": "Help@Acme.example",
    "from_name": "Acme help desk",
    "new_case_address": "team@acme.example",
    "notify_contacts": "1",
    "hourly_cap": "5",
}


def test_mail_settings_are_saved_and_shown(admin: Browser, db: Database, world: World) -> None:
    assert "Not set yet" in admin.get(SETTINGS).text
    assert redirected_to(admin.post(SETTINGS, GOOD)) == f"{SETTINGS}?done=saved"
    saved = mail_settings.get_mail_settings(db, world.admin.principal)
    assert saved is not None
    assert saved.model_dump() == {
        "from_address": "help@acme.example",
        "from_name": "Acme help desk",
        "new_case_address": "team@acme.example",
        "notify_contacts": True,
        "hourly_cap": 5,
    }
    page = admin.get(SETTINGS).text
    assert 'value="help@acme.example"' in page and 'value="5"' in page

    unticked = {k: v for k, v in GOOD.items() if k != "notify_contacts"}
    redirected_to(admin.post(SETTINGS, unticked | {"new_case_address": ""}))
    saved = mail_settings.get_mail_settings(db, world.admin.principal)
    assert saved is not None
    assert (saved.new_case_address, saved.notify_contacts) == (None, False)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"from_address": "not an address"}, "from_address"),
        ({"new_case_address": "team@"}, "new_case_address"),
        ({"hourly_cap": "-1"}, "hourly_cap"),
        ({"hourly_cap": "many"}, "hourly_cap"),
    ],
)
def test_bad_mail_settings_are_named_and_not_saved(
    admin: Browser, db: Database, world: World, change: dict[str, str], named: str
) -> None:
    answer = admin.post(SETTINGS, GOOD | change)
    assert answer.status_code == 422
    assert named in notice_of(answer)
    assert mail_settings.get_mail_settings(db, world.admin.principal) is None


def test_a_template_is_customised_used_and_reset(
    admin: Browser, db: Database, world: World
) -> None:
    listing = admin.get(TEMPLATES).text
    assert "case_created_contact" in listing and "customised" not in listing
    edit = admin.get(f"{TEMPLATES}/case_created_contact").text
    assert "The shipped wording" in edit

    wording = {"subject": "We got it: {{ case_title }}", "body": "Hello,\nthanks.\n"}
    answer = admin.post(f"{TEMPLATES}/case_created_contact", wording)
    assert redirected_to(answer) == f"{TEMPLATES}?done=saved"
    assert template_override(db, world.corporation_id, "case_created_contact") == (
        "We got it: {{ case_title }}",
        "Hello,\nthanks.\n",
    )
    assert "customised" in admin.get(TEMPLATES).text

    answer = admin.post(f"{TEMPLATES}/case_created_contact/reset", {})
    assert redirected_to(answer) == f"{TEMPLATES}?done=reset"
    assert template_override(db, world.corporation_id, "case_created_contact") is None


@pytest.mark.parametrize(
    ("wording", "named"),
    [
        ({"subject": "Case {{ case_title", "body": "x"}, "subject, line 1"),
        ({"subject": "Fine", "body": "Hello\n{% if x %}never closed"}, "body, line 2"),
        ({"subject": "", "body": "x"}, "subject"),
    ],
)
def test_a_broken_template_is_named_and_not_saved(
    admin: Browser, db: Database, world: World, wording: dict[str, str], named: str
) -> None:
    answer = admin.post(f"{TEMPLATES}/agent_reply", wording)
    assert answer.status_code == 422
    assert named in notice_of(answer)
    assert template_override(db, world.corporation_id, "agent_reply") is None


def test_only_shipped_templates_have_a_page(admin: Browser, db: Database, world: World) -> None:
    assert admin.get(f"{TEMPLATES}/no_such_mail").status_code == 404
    answer = admin.post(f"{TEMPLATES}/no_such_mail", {"subject": "a", "body": "b"})
    assert answer.status_code == 404
    assert mail_settings.template_overrides(db, world.admin.principal) == {}


def test_agents_are_refused_every_page_and_change(
    app_client: TestClient, db: Database, world: World
) -> None:
    agent = Browser(app_client, world.agent_a.email)
    for url in (SETTINGS, TEMPLATES, f"{TEMPLATES}/agent_reply"):
        assert agent.get(url).status_code == 403, url
    assert agent.post(SETTINGS, GOOD).status_code == 403
    wording = {"subject": "a", "body": "b"}
    assert agent.post(f"{TEMPLATES}/agent_reply", wording).status_code == 403
    assert agent.post(f"{TEMPLATES}/agent_reply/reset", {}).status_code == 403
    assert mail_settings.get_mail_settings(db, world.admin.principal) is None
    assert mail_settings.template_overrides(db, world.admin.principal) == {}
