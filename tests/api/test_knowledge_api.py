"""/api/v1/kb over HTTP: an editor writes an article in two languages and publishes it,
every agent reads and searches it, only editors write, and bad input is a problem+json
4xx."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from casedesk.services.knowledge import feedback, public
from casedesk.services.knowledge.schemas import FeedbackIn
from casedesk.store.db import Database
from tests.factories import World

API = "/api/v1/kb"


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json() if status != 204 else None


def problem(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    out: dict[str, Any] = answer.json()
    return out


def test_an_editor_writes_translates_and_publishes_and_agents_read(
    client: TestClient, world: World, db: Database
) -> None:
    admin = world.admin.headers
    category = ok(client.post(f"{API}/categories", json={"name": "Printing"}, headers=admin), 201)
    assert category["slug"] == "printing"
    article = ok(
        client.post(
            f"{API}/articles",
            json={
                "category_id": category["id"],
                "visibility": "public",
                "language": "en",
                "title": "Printer does not print",
                "body": "Turn it **off** and on.",
            },
            headers=admin,
        ),
        201,
    )
    english = article["translations"][0]
    german = ok(
        client.post(
            f"{API}/articles/{article['id']}/translations",
            json={"language": "de", "title": "Drucker druckt nicht", "body": "Aus und an."},
            headers=admin,
        ),
        201,
    )
    for translation in (english, german):
        published = ok(
            client.post(
                f"{API}/translations/{translation['id']}/status",
                json={"status": "published"},
                headers=admin,
            )
        )
        assert published["status"] == "published" and published["version"] == 2
    versions = ok(client.get(f"{API}/translations/{german['id']}/versions", headers=admin))
    assert [(v["change"], v["changed_by_id"]) for v in versions] == [
        ("published", world.admin.user_id),
        ("created", world.admin.user_id),
    ]
    agent = world.agent_a.headers
    hits = ok(client.get(f"{API}/search", params={"q": "drucker", "language": "de"}, headers=agent))
    assert [h["title"] for h in hits] == ["Drucker druckt nicht"]
    read = ok(client.get(f"{API}/articles/{article['id']}", headers=agent))
    assert [t["language"] for t in read["translations"]] == ["de", "en"]

    feedback.give_feedback(db, public.visitor(db), english["id"], FeedbackIn(helpful=False))
    said = ok(client.get(f"{API}/translations/{english['id']}/feedback", headers=agent))
    assert [f["helpful"] for f in said] == [False]
    figures = ok(client.get(f"{API}/figures", headers=admin))
    assert {(f["language"], f["not_helpful"]) for f in figures} == {("en", 1), ("de", 0)}


def test_agents_without_the_permission_cannot_write(client: TestClient, world: World) -> None:
    agent = world.agent_a.headers
    refused = problem(client.post(f"{API}/categories", json={"name": "X"}, headers=agent), 403)
    assert "manage_knowledge" in refused["detail"]
    problem(client.get(f"{API}/figures", headers=agent), 403)


def test_bad_input_is_a_clear_4xx(client: TestClient, world: World) -> None:
    admin = world.admin.headers
    category = ok(client.post(f"{API}/categories", json={"name": "Printing"}, headers=admin), 201)
    problem(client.post(f"{API}/categories", json={"name": "Printing"}, headers=admin), 409)
    base = {"category_id": category["id"], "title": "T", "body": "B"}
    problem(client.post(f"{API}/articles", json=base | {"language": "xx"}, headers=admin), 422)
    problem(
        client.post(
            f"{API}/articles", json=base | {"language": "en", "slug": "Not A Slug"}, headers=admin
        ),
        422,
    )
    problem(
        client.post(
            f"{API}/articles", json=base | {"language": "en", "category_id": 999}, headers=admin
        ),
        404,
    )
    made = ok(client.post(f"{API}/articles", json=base | {"language": "en"}, headers=admin), 201)
    tid = made["translations"][0]["id"]
    problem(
        client.post(f"{API}/translations/{tid}/status", json={"status": "gone"}, headers=admin), 422
    )
    problem(client.get(f"{API}/translations/{tid + 1000}", headers=admin), 404)
    problem(client.get(f"{API}/search", params={"q": "x", "language": "zz"}, headers=admin), 422)
    problem(client.delete(f"{API}/categories/{category['id']}", headers=admin), 409)
