"""The console's notifications page over HTTP: the bell's count, marking one and all
read, the email choices; every form needs the session's CSRF token, and another
agent's notification is a 404 page."""

from __future__ import annotations

from casedesk.config import Settings
from casedesk.services.notifications import inbox
from casedesk.store.db import Database
from tests.factories import make_case, make_world
from tests.web.console_support import agent_client, csrf


def test_marking_read_and_choosing_mail_from_the_page(settings: Settings, db: Database) -> None:
    world = make_world(db)
    for title in ("Printer jammed", "Screen dark"):
        make_case(
            db, world.admin, title=title, group_id=world.group_a, assignee_id=world.agent_a.user_id
        )
    alice = agent_client(settings, db, world.agent_a.email)
    bob = agent_client(settings, db, world.agent_b.email)
    first, _ = inbox.list_notifications(db, world.agent_a.principal)

    bell = alice.get("/console/notifications/bell")
    assert 'id="notification-count"' in bell.text and ">2</span>" in bell.text
    assert 'id="notification-count"' not in bob.get("/console/notifications/bell").text
    page = alice.get("/console/notifications").text
    assert "Screen dark" in page and "Printer jammed" in page
    assert "Printer jammed" not in bob.get("/console/notifications").text

    url = f"/console/notifications/{first.id}/read"
    assert alice.post(url, follow_redirects=False).status_code == 403  # no CSRF token
    answer = bob.post(url, data={"csrf_token": csrf(bob)}, follow_redirects=False)
    assert answer.status_code == 404
    answer = alice.post(url, data={"csrf_token": csrf(alice)}, follow_redirects=False)
    assert answer.status_code == 303
    assert inbox.unread_count(db, world.agent_a.principal) == 1
    answer = alice.post(
        "/console/notifications/read-all", data={"csrf_token": csrf(alice)}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert inbox.unread_count(db, world.agent_a.principal) == 0

    answer = alice.post(
        "/console/notifications/settings",
        data={"csrf_token": csrf(alice), "email": ["mentioned", "replied"]},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    chosen = inbox.get_settings(db, world.agent_a.principal).email
    assert [k for k, on in chosen.items() if on] == ["mentioned", "replied"]
    answer = alice.post(
        "/console/notifications/settings",
        data={"csrf_token": csrf(alice), "email": ["lunch"]},
        follow_redirects=False,
    )
    assert answer.status_code == 303  # an unknown kind is simply not a choice
    assert not any(inbox.get_settings(db, world.agent_a.principal).email.values())
