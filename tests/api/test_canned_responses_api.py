"""/api/v1/canned-responses over HTTP: personal and group-shared snippets, who sees
which, placeholders filled in for a case, and every broken or hostile snippet refused
with a problem+json 4xx naming the problem (never a 500, never a leak)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from casedesk.services.reference.contacts import ContactCreate, create_contact
from casedesk.store.db import Database
from tests.factories import Actor, World, make_case

API = "/api/v1/canned-responses"


def create(client: TestClient, actor: Actor, **body: Any) -> dict[str, Any]:
    answer = client.post(API, json=body, headers=actor.headers)
    assert answer.status_code == 201, answer.text
    out: dict[str, Any] = answer.json()
    return out


def problem(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    out: dict[str, Any] = answer.json()
    return out


def test_a_personal_snippet_is_written_read_changed_and_deleted_by_its_owner(
    client: TestClient, world: World
) -> None:
    made = create(client, world.agent_a, name="thanks", body="Thank you!")
    assert made["group_id"] is None and made["owner_user_id"] == world.agent_a.principal.user_id
    names = [c["name"] for c in client.get(API, headers=world.agent_a.headers).json()]
    assert names == ["thanks"]
    changed = client.patch(
        f"{API}/{made['id']}", json={"body": "Many thanks!"}, headers=world.agent_a.headers
    )
    assert changed.status_code == 200 and changed.json()["body"] == "Many thanks!"
    assert client.delete(f"{API}/{made['id']}", headers=world.agent_a.headers).status_code == 204
    assert client.get(f"{API}/{made['id']}", headers=world.agent_a.headers).status_code == 404


def test_names_are_found_by_prefix_and_unique_in_their_scope(
    client: TestClient, world: World
) -> None:
    create(client, world.agent_a, name="greeting", body="Hello")
    create(client, world.agent_a, name="goodbye", body="Bye")
    found = client.get(API, params={"name_prefix": "gre"}, headers=world.agent_a.headers)
    assert [c["name"] for c in found.json()] == ["greeting"]
    twice = client.post(API, json={"name": "Greeting", "body": "x"}, headers=world.agent_a.headers)
    assert problem(twice, 409)["field"] == "name"
    # Another agent's personal snippet of the same name is theirs alone.
    create(client, world.agent_b, name="greeting", body="Hi")


def test_a_groups_shared_snippets_are_for_its_members_only(
    client: TestClient, world: World, db: Database
) -> None:
    shared = create(client, world.agent_a, name="reset", body="Reset it", group_id=world.group_a)
    personal = create(client, world.agent_a, name="mine", body="Mine")
    case_b = make_case(db, world.agent_b, title="Other group", group_id=world.group_b)
    b = world.agent_b.headers
    assert client.get(API, headers=b).json() == []
    for snippet in (shared, personal):
        url = f"{API}/{snippet['id']}"
        assert problem(client.get(url, headers=b), 404)["code"] == "not-found"
        assert client.patch(url, json={"body": "taken"}, headers=b).status_code == 404
        assert client.delete(url, headers=b).status_code == 404
        rendered = client.post(f"{url}/render", json={"case_id": case_b.id}, headers=b)
        assert rendered.status_code == 404
    into_a = client.post(API, json={"name": "x", "body": "x", "group_id": world.group_a}, headers=b)
    assert problem(into_a, 422)["field"] == "group_id"
    # The admin sees the group's snippet; the personal one stays its owner's.
    admin = [c["name"] for c in client.get(API, headers=world.admin.headers).json()]
    assert admin == ["reset"]
    assert client.get(f"{API}/{shared['id']}", headers=world.agent_a.headers).json()["body"] == (
        "Reset it"
    )


def test_placeholders_are_filled_in_for_a_case(
    client: TestClient, world: World, db: Database
) -> None:
    contact = create_contact(
        db,
        world.admin.principal,
        ContactCreate(first_name="Julia", last_name="Berg", emails=["julia@customer.test"]),
    )
    case = make_case(
        db, world.agent_a, title="VPN drops", group_id=world.group_a, contact_id=contact.id
    )
    body = (
        "Hello {{ contact.first_name }}, about {{ case.number }} ({{ case.title }}):"
        " {{ agent.name }} <{{ agent.email }}>"
    )
    made = create(client, world.agent_a, name="hello", body=body)
    answer = client.post(
        f"{API}/{made['id']}/render", json={"case_id": case.id}, headers=world.agent_a.headers
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["text"] == (
        f"Hello Julia, about {case.reference} (VPN drops): alice <alice@acme.test>"
    )
    hidden = make_case(db, world.agent_b, title="B's", group_id=world.group_b)
    refused = client.post(
        f"{API}/{made['id']}/render", json={"case_id": hidden.id}, headers=world.agent_a.headers
    )
    assert problem(refused, 404)["code"] == "not-found"


def test_a_snippet_that_does_not_parse_is_refused_naming_the_line(
    client: TestClient, world: World
) -> None:
    answer = client.post(
        API, json={"name": "bad", "body": "Hi\n{{ case.number "}, headers=world.agent_a.headers
    )
    found = problem(answer, 422)
    assert found["field"] == "body"
    assert "does not parse: line 2" in found["detail"]
    assert client.get(API, headers=world.agent_a.headers).json() == []


def test_an_unknown_placeholder_is_a_clear_422_when_filled_in(
    client: TestClient, world: World, db: Database
) -> None:
    case = make_case(db, world.agent_a, group_id=world.group_a)
    made = create(client, world.agent_a, name="typo", body="Dear {{ contact.frist_name }}")
    answer = client.post(
        f"{API}/{made['id']}/render", json={"case_id": case.id}, headers=world.agent_a.headers
    )
    found = problem(answer, 422)
    assert "frist_name" in found["detail"]


ESCAPES = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ case.__class__.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].environ }}",
    "{{ self._TemplateReference__context }}",
    "{{ 'x' * 100000000 }}",
    "{{ 10 ** 100000000 }}",
    "{{ ((2 ** 64) ** 64) ** 64 }}",
    "{% set ns = namespace(x=2 ** 60) %}{% for i in range(40) %}"
    "{% set ns.x = ns.x * ns.x %}{% endfor %}{{ ns.x }}",
    "{% for i in range(100000000) %}{% endfor %}",
    "{% include 'base.html' %}",
    "{% import 'base.html' as b %}",
    "{{ case.number.format.__globals__ }}",
]


@pytest.mark.parametrize("body", ESCAPES)
def test_sandbox_escapes_are_refused(
    client: TestClient, world: World, db: Database, body: str
) -> None:
    case = make_case(db, world.agent_a, group_id=world.group_a)
    made = client.post(API, json={"name": "evil", "body": body}, headers=world.agent_a.headers)
    if made.status_code == 422:  # refused when written
        assert problem(made, 422)["field"] == "body"
        return
    assert made.status_code == 201, made.text
    answer = client.post(
        f"{API}/{made.json()['id']}/render",
        json={"case_id": case.id},
        headers=world.agent_a.headers,
    )
    found = problem(answer, 422)
    assert found["field"] == "body"
    assert "text" not in found
    assert "<class" not in answer.text and "/usr" not in answer.text


def test_bad_input_is_a_problem_naming_the_field(client: TestClient, world: World) -> None:
    h = world.agent_a.headers
    assert problem(client.post(API, json={"name": "", "body": "x"}, headers=h), 422)
    assert problem(client.post(API, json={"name": "a", "body": "x", "id": 3}, headers=h), 422)
    assert problem(
        client.post(API, content=b"{", headers=h | {"content-type": "application/json"}), 400
    )
    made = create(client, world.agent_a, name="ok", body="fine")
    assert problem(client.patch(f"{API}/{made['id']}", json={"body": "{% if %}"}, headers=h), 422)
    assert client.get(f"{API}/{made['id']}", headers=h).json()["body"] == "fine"
    assert client.get(API).status_code == 401
