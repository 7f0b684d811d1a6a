"""The mailboxes page never shows a stored password, and keeps it unless told."""

from __future__ import annotations

from casedesk.services.mail import mailbox_admin
from casedesk.store.db import Database
from tests.factories import World
from tests.web.admin_client import Browser, notice_of, redirected_to

SECRET = "hunter2-but-longer"
URL = "imaps://help@mail.example.test/INBOX"


def only_mailbox(db: Database, world: World) -> mailbox_admin.MailboxOut:
    [row] = mailbox_admin.list_mailboxes(db, world.admin.principal)
    return row


def test_the_password_is_never_shown_and_kept_until_removed(
    admin: Browser, db: Database, world: World
) -> None:
    base = {"name": "Help", "imap_url": URL, "processed_action": "flag", "is_active": "1"}
    redirected_to(admin.post("/console/admin/mailboxes", base | {"password": SECRET}))
    box = only_mailbox(db, world)
    assert box.has_password
    listing = admin.get("/console/admin/mailboxes").text
    edit = admin.get(f"/console/admin/mailboxes/{box.id}").text
    assert SECRET not in listing and SECRET not in edit
    assert "password set" in listing

    redirected_to(admin.post(f"/console/admin/mailboxes/{box.id}", base | {"password": ""}))
    assert only_mailbox(db, world).has_password

    redirected_to(admin.post(f"/console/admin/mailboxes/{box.id}", base | {"remove_password": "1"}))
    assert not only_mailbox(db, world).has_password


def test_a_password_in_the_url_and_the_field_is_refused(
    admin: Browser, db: Database, world: World
) -> None:
    answer = admin.post(
        "/console/admin/mailboxes",
        {
            "name": "Twice",
            "imap_url": f"imaps://help:{SECRET}@mail.example.test/INBOX",
            "password": SECRET,
            "processed_action": "flag",
        },
    )
    assert answer.status_code == 422
    assert "once" in notice_of(answer)
    assert SECRET not in answer.text
    assert mailbox_admin.list_mailboxes(db, world.admin.principal) == []


def test_moving_processed_mail_needs_a_folder(admin: Browser, db: Database, world: World) -> None:
    answer = admin.post(
        "/console/admin/mailboxes",
        {"name": "Mover", "imap_url": URL, "processed_action": "move"},
    )
    assert answer.status_code == 422
    assert "needs a folder" in notice_of(answer)
    assert mailbox_admin.list_mailboxes(db, world.admin.principal) == []
