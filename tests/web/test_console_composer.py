"""The composer, split, time and canned responses pages over HTTP: each post needs the
session's CSRF token, a case of another group is not found on every route, and the
canned responses page keeps a group's snippets to its members."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from casedesk.config import Settings
from casedesk.services.billing.time_entries import list_time_entries
from casedesk.services.canned.responses import CannedCreate, create_canned, list_canned
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import MessageCreate
from casedesk.services.workspace import drafts
from casedesk.store.db import Database
from tests.factories import World, make_case
from tests.web.console_support import agent_client, csrf
from tests.web.markup import markup_problems


def _post(client: TestClient, url: str, data: dict[str, str], token: str | None) -> int:
    values = data | ({"csrf_token": token} if token else {})
    return client.post(url, data=values, follow_redirects=False).status_code


@pytest.mark.parametrize(
    ("route", "data"),
    [
        ("compose", {"kind": "note", "body": "forged note"}),
        ("draft", {"kind": "note", "body": "forged draft"}),
        ("split", {"message_ids": "{message}"}),
        ("time", {"minutes": "30"}),
    ],
)
def test_composer_posts_need_the_csrf_token_and_a_visible_case(
    settings: Settings, db: Database, world: World, route: str, data: dict[str, str]
) -> None:
    case = make_case(db, world.agent_a, group_id=world.group_a)
    first = messages.add_message(db, world.agent_a.principal, case.id, MessageCreate(body_text="a"))
    alice = agent_client(settings, db, world.agent_a.email)
    bob = agent_client(settings, db, world.agent_b.email)
    url = f"/console/cases/{case.id}/{route}"
    values = {k: v.format(message=first.id) for k, v in data.items()}
    assert _post(alice, url, values, None) == 403
    assert _post(alice, url, values, "forged") == 403
    assert _post(bob, url, values, csrf(bob)) == 404
    principal = world.agent_a.principal
    assert [m.body_text for m in messages.list_messages(db, principal, case.id)] == ["a"]
    assert list_time_entries(db, principal, case.id).items == []
    assert drafts.drafts_of(db, principal, case.id) == {}


def test_suggestions_and_canned_text_of_a_hidden_case_are_not_found(
    settings: Settings, db: Database, world: World
) -> None:
    case = make_case(db, world.agent_a, group_id=world.group_a)
    mine = create_canned(db, world.agent_b.principal, CannedCreate(name="hi", body="Hi"))
    bob = agent_client(settings, db, world.agent_b.email)
    for path in ("mentions?q=al", "canned?q=h", f"canned/{mine.id}"):
        answer = bob.get(f"/console/cases/{case.id}/{path}")
        assert answer.status_code == 404, path
        assert "alice" not in answer.text


def test_split_and_time_from_the_case_page(settings: Settings, db: Database, world: World) -> None:
    case = make_case(db, world.agent_a, group_id=world.group_a)
    agent = world.agent_a.principal
    stays = messages.add_message(db, agent, case.id, MessageCreate(body_text="VPN"))
    moves = messages.add_message(db, agent, case.id, MessageCreate(body_text="Printer"))
    alice = agent_client(settings, db, world.agent_a.email)
    token = csrf(alice)
    page = alice.get(f"/console/cases/{case.id}")
    assert 'name="message_ids"' in page.text and markup_problems(page.text) == []

    split = alice.post(
        f"/console/cases/{case.id}/split",
        data={"csrf_token": token, "message_ids": str(moves.id), "title": "Printer jams"},
        follow_redirects=False,
    )
    assert split.status_code == 303
    new_page = alice.get(split.headers["location"])
    assert "Printer jams" in new_page.text
    assert [m.id for m in messages.list_messages(db, agent, case.id)] == [stays.id]

    for minutes, status in (("45", 303), ("0", 422), ("lots", 422), ("1441", 422)):
        logged = alice.post(
            f"/console/cases/{case.id}/time",
            data={"csrf_token": token, "minutes": minutes, "activity": "Remote session"},
            follow_redirects=False,
        )
        assert logged.status_code == status, minutes
    entries = list_time_entries(db, agent, case.id)
    assert [(e.duration_seconds, e.activity) for e in entries.items] == [(2700, "Remote session")]
    assert "45m" in alice.get(f"/console/cases/{case.id}").text


def test_a_draft_post_answers_its_mark_and_an_empty_one_deletes_it(
    settings: Settings, db: Database, world: World
) -> None:
    case = make_case(db, world.agent_a, group_id=world.group_a)
    alice = agent_client(settings, db, world.agent_a.email)
    headers = {"X-CSRF-Token": csrf(alice), "HX-Request": "true"}
    url = f"/console/cases/{case.id}/draft"
    saved = alice.post(url, data={"kind": "reply", "body": "Hel"}, headers=headers)
    assert saved.status_code == 200 and "Draft saved." in saved.text
    assert "Hel" in alice.get(f"/console/cases/{case.id}").text
    emptied = alice.post(url, data={"kind": "reply", "body": ""}, headers=headers)
    assert "No draft." in emptied.text
    assert drafts.drafts_of(db, world.agent_a.principal, case.id) == {}
    wrong = alice.post(url, data={"kind": "letter", "body": "x"}, headers=headers)
    assert wrong.status_code == 422 and "notice" in wrong.text


def test_the_canned_responses_page_keeps_group_snippets_to_members(
    settings: Settings, db: Database, world: World
) -> None:
    alice = agent_client(settings, db, world.agent_a.email)
    bob = agent_client(settings, db, world.agent_b.email)
    token = csrf(alice)
    made = alice.post(
        "/console/canned-responses",
        data={
            "csrf_token": token,
            "name": "reset",
            "body": "Hi {{ contact.first_name }}",
            "group_id": str(world.group_a),
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    page = alice.get("/console/canned-responses")
    assert "reset" in page.text and "shared with group A" in page.text
    assert markup_problems(page.text) == []
    [snippet] = list_canned(db, world.agent_a.principal)

    assert "reset" not in bob.get("/console/canned-responses").text
    bob_token = csrf(bob)
    stolen = bob.post(
        f"/console/canned-responses/{snippet.id}",
        data={"csrf_token": bob_token, "name": "mine", "body": "taken"},
    )
    assert stolen.status_code == 404
    assert (
        bob.post(
            f"/console/canned-responses/{snippet.id}/delete", data={"csrf_token": bob_token}
        ).status_code
        == 404
    )
    into_a = bob.post(
        "/console/canned-responses",
        data={"csrf_token": bob_token, "name": "x", "body": "x", "group_id": str(world.group_a)},
    )
    assert into_a.status_code == 422

    broken = alice.post(
        f"/console/canned-responses/{snippet.id}",
        data={"csrf_token": token, "name": "reset", "body": "Hi {{ contact.first_name"},
    )
    assert broken.status_code == 422 and "does not parse: line 1" in broken.text
    assert list_canned(db, world.agent_a.principal)[0].body == "Hi {{ contact.first_name }}"
    gone = alice.post(
        f"/console/canned-responses/{snippet.id}/delete",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert gone.status_code == 303 and list_canned(db, world.agent_a.principal) == []


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        ({"kind": "reply", "body": "Hi", "status_id": "999999"}, "unknown status id 999999"),
        ({"kind": "reply", "body": "Hi", "minutes": "many"}, "minutes: a whole number"),
        ({"kind": "reply", "body": "Hi", "minutes": "1441"}, "minutes"),
        ({"kind": "reply", "body": "Hi", "cc": "boss@"}, "is not an email address"),
        ({"kind": "note", "body": "   "}, "write a message before sending it"),
        ({"kind": "note", "body": "@bob look"}, "@bob cannot see this case"),
    ],
)
def test_a_refused_send_names_the_problem_and_writes_nothing(
    settings: Settings, db: Database, world: World, data: dict[str, str], detail: str
) -> None:
    case = make_case(db, world.agent_a, group_id=world.group_a)
    alice = agent_client(settings, db, world.agent_a.email)
    answer = alice.post(
        f"/console/cases/{case.id}/compose",
        data=data | {"csrf_token": csrf(alice)},
        files={"files": ("a.txt", b"hello", "text/plain")},
    )
    assert answer.status_code == 422 and detail in answer.text
    assert messages.list_messages(db, world.agent_a.principal, case.id) == []
    assert list_time_entries(db, world.agent_a.principal, case.id).items == []
