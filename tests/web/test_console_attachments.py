"""Attachments in the console: files sent with a reply, listed on the case page and
downloaded as attachments with nosniff; another group's agent gets 404."""

from __future__ import annotations

import re

from casedesk.config import Settings
from casedesk.services.attachments import attaching as attachments
from casedesk.services.cases import messages
from casedesk.store.db import Database
from tests.factories import World, make_actor, make_case
from tests.web.console_support import agent_client, csrf


def test_a_reply_with_files_lists_them_and_they_download_safely(
    settings: Settings, db: Database, world: World
) -> None:
    case = make_case(db, world.agent_a)
    alice = agent_client(settings, db, world.agent_a.email)
    html_file = b"<html><script>alert(1)</script></html>"
    sent = alice.post(
        f"/console/cases/{case.id}/messages",
        data={"csrf_token": csrf(alice), "visibility": "external", "body": "See the logs"},
        files=[
            ("files", ("log<1>.html", html_file, "text/html")),
            ("files", ("notes.txt", b"plain text", "text/plain")),
        ],
    )
    assert sent.status_code == 200, sent.text
    stored = attachments.list_attachments(db, world.agent_a.principal, case.id)
    assert sorted(a.filename for a in stored) == ["log<1>.html", "notes.txt"]
    assert all(a.message_id is not None for a in stored)
    assert "log&lt;1&gt;.html" in sent.text
    link = re.search(r'href="(/console/cases/\d+/attachments/\d+)" download>log', sent.text)
    assert link

    download = alice.get(link.group(1))
    assert download.status_code == 200
    assert download.content == html_file
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in download.headers["content-security-policy"]

    bob = agent_client(settings, db, world.agent_b.email)
    assert bob.get(link.group(1)).status_code == 404


def test_too_many_files_store_nothing(settings: Settings, db: Database, world: World) -> None:
    case = make_case(db, world.agent_a)
    alice = agent_client(settings, db, world.agent_a.email)
    answer = alice.post(
        f"/console/cases/{case.id}/messages",
        data={"csrf_token": csrf(alice), "visibility": "internal", "body": "Six files"},
        files=[("files", (f"f{n}.txt", b"x", "text/plain")) for n in range(6)],
    )
    assert answer.status_code == 422
    assert "at most 5 files" in answer.text
    assert attachments.list_attachments(db, world.agent_a.principal, case.id) == []


def test_an_oversized_post_is_refused_whole(settings: Settings, db: Database, world: World) -> None:
    case = make_case(db, world.agent_a)
    small = settings.model_copy(update={"max_attachment_bytes": 1000})
    alice = agent_client(small, db, world.agent_a.email)
    answer = alice.post(
        f"/console/cases/{case.id}/messages",
        data={"csrf_token": csrf(alice), "visibility": "internal", "body": "Big"},
        files=[("files", ("big.bin", b"\0" * (3 * 1024 * 1024), "application/octet-stream"))],
    )
    assert answer.status_code == 413
    assert "limited to" in answer.text
    assert attachments.list_attachments(db, world.agent_a.principal, case.id) == []
    assert messages.list_messages(db, world.agent_a.principal, case.id) == []


def test_a_file_over_the_size_limit_adds_no_message(
    settings: Settings, db: Database, world: World
) -> None:
    case = make_case(db, world.agent_a)
    small = settings.model_copy(update={"max_attachment_bytes": 1000})
    alice = agent_client(small, db, world.agent_a.email)
    answer = alice.post(
        f"/console/cases/{case.id}/messages",
        data={"csrf_token": csrf(alice), "visibility": "external", "body": "Too big"},
        files=[("files", ("big.bin", b"x" * 5000, "application/octet-stream"))],
    )
    assert answer.status_code == 413
    assert messages.list_messages(db, world.agent_a.principal, case.id) == []


def test_an_agent_who_may_not_add_notes_is_refused(
    settings: Settings, db: Database, world: World
) -> None:
    make_actor(
        db,
        "carol@acme.test",
        "agent",
        ["A"],
        world.corporation_id,
        permissions=["view_case", "view_attachments", "add_attachments"],
    )
    case = make_case(db, world.agent_a)
    carol = agent_client(settings, db, "carol@acme.test")
    page = carol.get(f"/console/cases/{case.id}")
    assert page.status_code == 200 and "Send reply" not in page.text
    answer = carol.post(
        f"/console/cases/{case.id}/messages",
        data={"csrf_token": csrf(carol), "visibility": "external", "body": "Hi"},
        files=[("files", ("a.txt", b"a", "text/plain"))],
    )
    assert answer.status_code == 403
    assert messages.list_messages(db, world.agent_a.principal, case.id) == []
    assert attachments.list_attachments(db, world.agent_a.principal, case.id) == []
