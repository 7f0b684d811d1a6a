"""Mail settings and template overrides: one audited change each, only by those who
manage reference data, nothing written when refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casedesk.domain.errors import Forbidden, NotFound, ValidationFailed
from casedesk.services.mail import mail_settings
from casedesk.services.mail.mail_settings import MailSettingsIn, TemplateText
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry
from tests.factories import World, make_world


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def actions(db: Database) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_settings_are_saved_once_audited_and_unchanged_saves_write_no_audit(
    db: Database, world: World
) -> None:
    data = MailSettingsIn(from_address="Help@Acme.example", hourly_cap=3)
    saved = mail_settings.save_mail_settings(db, world.admin.principal, data)
    assert (saved.from_address, saved.hourly_cap, saved.notify_contacts) == (
        "help@acme.example",
        3,
        True,
    )
    mail_settings.save_mail_settings(db, world.admin.principal, data)
    assert actions(db).count("mail_settings.updated") == 1
    assert mail_settings.get_mail_settings(db, world.admin.principal) == saved


def test_agents_can_neither_read_nor_write_mail_settings_or_templates(
    db: Database, world: World
) -> None:
    agent = world.agent_a.principal
    with pytest.raises(Forbidden):
        mail_settings.get_mail_settings(db, agent)
    with pytest.raises(Forbidden):
        mail_settings.save_mail_settings(db, agent, MailSettingsIn(from_address="a@b.example"))
    with pytest.raises(Forbidden):
        mail_settings.save_template(db, agent, "agent_reply", TemplateText(subject="a", body="b"))
    assert mail_settings.get_mail_settings(db, world.admin.principal) is None
    assert mail_settings.template_overrides(db, world.admin.principal) == {}


def test_a_template_that_does_not_parse_is_refused_with_its_line(
    db: Database, world: World
) -> None:
    broken = TemplateText(subject="Hi", body="one\ntwo {% if case_title %}\nthree {% endfor %}")
    with pytest.raises(ValidationFailed, match="body, line 3") as caught:
        mail_settings.save_template(db, world.admin.principal, "agent_reply", broken)
    assert caught.value.field == "body"
    assert mail_settings.template_overrides(db, world.admin.principal) == {}


def test_a_template_is_saved_replaced_and_reset_with_an_audit_each(
    db: Database, world: World
) -> None:
    admin = world.admin.principal
    mail_settings.save_template(db, admin, "agent_reply", TemplateText(subject="A", body="1"))
    mail_settings.save_template(db, admin, "agent_reply", TemplateText(subject="B", body="1"))
    assert mail_settings.template_overrides(db, admin) == {
        "agent_reply": TemplateText(subject="B", body="1")
    }
    mail_settings.reset_template(db, admin, "agent_reply")
    assert mail_settings.template_overrides(db, admin) == {}
    with pytest.raises(NotFound):
        mail_settings.reset_template(db, admin, "agent_reply")
    assert actions(db)[-3:] == ["mail_template.saved", "mail_template.saved", "mail_template.reset"]
