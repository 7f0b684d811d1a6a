"""POST /casemgmt/v2/attachments: a file uploaded before the case, named by its ``id``
in the seed's create and modify samples, attached in the same write; another user's,
an attached or an expired upload is a 400 naming ``attachments.N.id``."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from casedesk.services.attachments.uploads import UPLOAD_TTL
from casedesk.store.db import Database
from casedesk.store.models import Case, PendingUpload
from tests.dialects.casemgmt.test_cases import CM, create, errors_of, sample
from tests.factories import Actor, World

UPLOAD = "/casemgmt/v2/attachments"
API = "/api/v1"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def upload(client: TestClient, actor: Actor, data: bytes = PNG, **form: str) -> str:
    r = client.post(
        UPLOAD, files={"file": ("broken.jpg", data, "image/jpeg")}, data=form, headers=actor.headers
    )
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"id", "name"}
    upload_id: str = r.json()["id"]
    return upload_id


def with_upload(name: str, upload_id: str, **changes: Any) -> dict[str, Any]:
    """A seed sample with its attachment's id replaced by a real upload's."""
    body = sample(name) | changes
    body["attachments"] = [a | {"id": upload_id} for a in body["attachments"]]
    return body


def test_the_create_sample_attaches_an_upload(client: TestClient, world: World) -> None:
    a = world.agent_a
    r = client.post(UPLOAD, files={"file": ("broken.jpg", PNG, "image/jpeg")}, headers=a.headers)
    assert r.status_code == 200 and r.json()["name"] == "broken.jpg"
    body = with_upload("create", r.json()["id"], code="0302-0400", contacts=[])
    created = client.post(CM, json=body, headers=a.headers)
    assert created.status_code == 200, created.text
    case_id = int(created.json()["id"])
    (att,) = client.get(f"{API}/cases/{case_id}/attachments", headers=a.headers).json()
    assert (att["filename"], att["content_type"], att["message_id"]) == (
        "error-log", "image/png", None,
    )  # fmt: skip
    assert att["sha256"] == hashlib.sha256(PNG).hexdigest()
    content = client.get(
        f"{API}/cases/{case_id}/attachments/{att['id']}/content", headers=a.headers
    )
    assert content.content == PNG


def test_the_modify_sample_attaches_an_upload_to_its_note(client: TestClient, world: World) -> None:
    a = world.agent_a
    number = create(client, a)
    upload_id = upload(client, a, b"a log line\n", name="server log")
    r = client.patch(f"{CM}/{number}", json=with_upload("modify", upload_id), headers=a.headers)
    assert r.status_code == 200, r.text
    (att,) = client.get(f"{API}/cases/{int(number)}/attachments", headers=a.headers).json()
    assert str(att["message_id"]) == r.json()["result"]["CaseNotesId"]
    assert (att["filename"], att["content_type"]) == ("error-log", "text/plain")


def test_the_name_field_names_the_upload(client: TestClient, world: World) -> None:
    r = client.post(
        UPLOAD,
        files={"file": ("IMG_0001.jpg", PNG, "image/jpeg")},
        data={"name": "broken device"},
        headers=world.agent_a.headers,
    )
    assert r.json()["name"] == "broken device"


def cases_count(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Case)) or 0


def test_uploads_that_cannot_be_attached_are_400s(
    client: TestClient, world: World, db: Database
) -> None:
    a = world.agent_a
    bobs = upload(client, world.agent_b)
    mine = upload(client, a)
    before = cases_count(db)
    body = valid_with([mine, bobs])
    r = client.post(CM, json=body, headers=a.headers)
    assert r.status_code == 400 and errors_of(r)[0]["field"] == "attachments.1.id"
    assert cases_count(db) == before
    # the refused create left both uploads waiting: the first still attaches
    r = client.post(CM, json=valid_with([mine]), headers=a.headers)
    assert r.status_code == 200, r.text
    r = client.post(CM, json=valid_with([mine]), headers=a.headers)
    assert r.status_code == 400 and errors_of(r)[0]["field"] == "attachments.0.id"

    number = create(client, a)
    late = upload(client, a)
    with db.write() as s:
        row = s.scalars(select(PendingUpload).where(PendingUpload.token == late)).one()
        row.created_at -= UPLOAD_TTL + timedelta(seconds=1)
    r = client.patch(f"{CM}/{number}", json=with_upload("modify", late), headers=a.headers)
    assert r.status_code == 400 and errors_of(r)[0]["field"] == "attachments.0.id"
    assert "expired" in errors_of(r)[0]["message"]
    msgs = client.get(f"{API}/cases/{int(number)}/messages", headers=a.headers).json()
    assert "This is a test notes!" not in [m["body_text"] for m in msgs]


def valid_with(upload_ids: list[str]) -> dict[str, Any]:
    body = sample("create") | {"code": "0302-0400", "contacts": []}
    body["attachments"] = [{"id": u, "name": f"file {i}"} for i, u in enumerate(upload_ids)]
    return body


def test_bad_uploads_are_400_401_and_403(client: TestClient, world: World, db: Any) -> None:
    from tests.factories import make_actor

    r = client.post(UPLOAD, files={"file": ("a.txt", b"a")})
    assert r.status_code == 401 and errors_of(r)[0]["code"] == "unauthenticated"
    r = client.post(UPLOAD, data={"name": "x"}, headers=world.agent_a.headers)
    assert r.status_code == 400 and errors_of(r)[0]["field"] == "file"
    r = client.post(UPLOAD, content=b"{}", headers=world.agent_a.headers)
    assert r.status_code == 400 and errors_of(r)[0]["field"] == "file"
    reader = make_actor(db, "reader@acme.test", "agent", ["A"], world.corporation_id, ["view_case"])
    r = client.post(UPLOAD, files={"file": ("a.txt", b"a")}, headers=reader.headers)
    assert r.status_code == 403 and errors_of(r)[0]["code"] == "forbidden"


def test_an_upload_over_the_limit_is_refused_and_kept_nowhere(
    client: TestClient, world: World, db: Database
) -> None:
    client.app.state.settings.max_attachment_bytes = 1000  # type: ignore[attr-defined]
    r = client.post(UPLOAD, files={"file": ("big.bin", b"x" * 1001)}, headers=world.agent_a.headers)
    assert r.status_code == 400 and errors_of(r)[0]["code"] == "payload-too-large"
    r = client.post(
        UPLOAD, files={"file": ("huge.bin", b"x" * 200_000)}, headers=world.agent_a.headers
    )
    assert r.status_code == 400 and errors_of(r)[0]["code"] == "payload-too-large"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(PendingUpload)) == 0


def test_the_upload_route_is_not_in_the_native_schema(client: TestClient) -> None:
    assert not [p for p in client.get("/openapi.json").json()["paths"] if "casemgmt" in p]
