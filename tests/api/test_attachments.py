"""/api/v1/cases/{id}/attachments over HTTP: upload, list, metadata, download."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.domain.permissions import Permission
from casedesk.downloads import content_disposition
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import CaseOut, MessageCreate
from casedesk.store.db import Database
from casedesk.store.models import Attachment
from tests.factories import Actor, World, make_actor, make_case

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
Files = list[tuple[str, tuple[str | None, bytes, str] | tuple[str | None, bytes]]]


@pytest.fixture
def case(db: Database, world: World) -> CaseOut:
    return make_case(db, world.agent_a, group_id=world.group_a)


def url(case_id: int, *rest: object) -> str:
    return "/".join([f"/api/v1/cases/{case_id}/attachments", *map(str, rest)])


def post(client: TestClient, actor: Actor, case_id: int, files: Files, **kw: Any) -> Any:
    return client.post(url(case_id), headers=actor.headers, files=files, **kw)


def upload_one(
    client: TestClient, actor: Actor, case_id: int, name: str, data: bytes, ctype: str
) -> dict[str, Any]:
    r = post(client, actor, case_id, [("file", (name, data, ctype))])
    assert r.status_code == 201, r.text
    (out,) = r.json()
    assert isinstance(out, dict)
    return out


def stored_files(settings: Settings) -> list[Path]:
    root = settings.attachments_dir
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def attachment_rows(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Attachment)) or 0)


def test_round_trip_serves_the_sniffed_type_as_a_download(
    client: TestClient, world: World, case: CaseOut
) -> None:
    out = upload_one(client, world.agent_a, case.id, "cat.html", PNG, "text/html")
    assert out["content_type"] == "image/png"
    assert out["size"] == len(PNG)
    assert out["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert out["filename"] == "cat.html"

    listed = client.get(url(case.id), headers=world.agent_a.headers)
    assert listed.status_code == 200
    assert listed.json() == [out]
    meta = client.get(url(case.id, out["id"]), headers=world.agent_a.headers)
    assert meta.status_code == 200
    assert meta.json() == out

    r = client.get(url(case.id, out["id"], "content"), headers=world.agent_a.headers)
    assert r.status_code == 200
    assert r.content == PNG
    assert r.headers["content-type"] == "image/png"
    assert r.headers["etag"] == f'"{out["sha256"]}"'
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-security-policy"] == "default-src 'none'"
    assert r.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''cat.html" in r.headers["content-disposition"]


def test_html_is_never_served_as_html(client: TestClient, world: World, case: CaseOut) -> None:
    out = upload_one(client, world.agent_a, case.id, "page.html", HTML, "text/html")
    assert out["content_type"] == "text/plain"
    r = client.get(url(case.id, out["id"], "content"), headers=world.agent_a.headers)
    assert r.status_code == 200
    assert r.content == HTML
    assert r.headers["content-type"].split(";")[0] in {"text/plain", "application/octet-stream"}
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-disposition"].startswith("attachment;")
    assert r.headers["content-security-policy"] == "default-src 'none'"


def test_if_none_match_gives_304(client: TestClient, world: World, case: CaseOut) -> None:
    out = upload_one(client, world.agent_a, case.id, "a.txt", b"hello", "text/plain")
    etag = f'"{out["sha256"]}"'
    headers = world.agent_a.headers
    r = client.get(url(case.id, out["id"], "content"), headers=headers | {"If-None-Match": etag})
    assert r.status_code == 304
    assert r.headers["etag"] == etag
    assert r.content == b""
    r = client.get(
        url(case.id, out["id"], "content"), headers=headers | {"If-None-Match": '"other"'}
    )
    assert r.status_code == 200


def test_several_files_in_one_request(client: TestClient, world: World, case: CaseOut) -> None:
    r = post(
        client,
        world.agent_a,
        case.id,
        [
            ("file", ("one.txt", b"first", "text/plain")),
            ("file", ("two.png", PNG, "image/png")),
        ],
    )
    assert r.status_code == 201, r.text
    assert [(a["filename"], a["content_type"]) for a in r.json()] == [
        ("one.txt", "text/plain"),
        ("two.png", "image/png"),
    ]
    assert len(client.get(url(case.id), headers=world.agent_a.headers).json()) == 2


def test_zero_byte_file_is_allowed(client: TestClient, world: World, case: CaseOut) -> None:
    out = upload_one(client, world.agent_a, case.id, "empty.txt", b"", "text/plain")
    assert out["size"] == 0
    r = client.get(url(case.id, out["id"], "content"), headers=world.agent_a.headers)
    assert r.status_code == 200
    assert r.content == b""


def test_missing_or_wrong_file_field_is_422(
    client: TestClient, world: World, case: CaseOut, settings: Settings
) -> None:
    h = world.agent_a.headers
    for kwargs in (
        {"data": {"other": "x"}, "files": [("other", ("a.txt", b"x", "text/plain"))]},
        {"data": {"file": "not a file"}},
        {"json": {"file": "x"}},
        {"files": [("file", (None, b"a plain field"))]},
        {},
    ):
        r = client.post(url(case.id), headers=h, **kwargs)
        assert r.status_code == 422, (kwargs, r.text)
        assert r.headers["content-type"] == "application/problem+json"
    assert stored_files(settings) == []


def multipart(parts: list[bytes], boundary: str = "b0undary") -> tuple[bytes, dict[str, str]]:
    sep = f"--{boundary}\r\n".encode()
    body = b"".join(sep + p + b"\r\n" for p in parts) + f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def test_empty_and_raw_hostile_filenames(client: TestClient, world: World, case: CaseOut) -> None:
    body, ctype = multipart(
        [
            b'Content-Disposition: form-data; name="file"; filename=""\r\n\r\nsome bytes',
            b'Content-Disposition: form-data; name="file"; filename="../../etc/passwd"\r\n'
            b"Content-Type: text/html\r\n\r\nroot:x:0:0",
            'Content-Disposition: form-data; name="file"; filename="über\tnaïve\x7f.txt"\r\n'
            "\r\nx".encode(),
        ]
    )
    r = client.post(url(case.id), headers=world.agent_a.headers | ctype, content=body)
    assert r.status_code == 201, r.text
    assert [a["filename"] for a in r.json()] == ["attachment", "passwd", "über naïve .txt"]


def test_long_and_unicode_filenames_download_with_encoded_disposition(
    client: TestClient, world: World, case: CaseOut
) -> None:
    name = "résumé, 100%; €.txt"
    out = upload_one(client, world.agent_a, case.id, name, b"cv", "text/plain")
    assert out["filename"] == name
    r = client.get(url(case.id, out["id"], "content"), headers=world.agent_a.headers)
    disposition = r.headers["content-disposition"]
    assert disposition == (
        f"attachment; filename=\"r_sum_, 100_; _.txt\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    long = upload_one(client, world.agent_a, case.id, "x" * 400 + ".log", b"y", "text/plain")
    assert long["filename"].endswith(".log")
    assert len(long["filename"].encode()) <= 255


def test_content_disposition_escapes_the_fallback_name() -> None:
    assert content_disposition('say "hi"\\.txt') == (
        "attachment; filename=\"say _hi__.txt\"; filename*=UTF-8''say%20%22hi%22%5C.txt"
    )


def test_attach_to_a_message(
    client: TestClient, db: Database, world: World, case: CaseOut, settings: Settings
) -> None:
    msg = messages.add_message(db, world.agent_a.principal, case.id, MessageCreate(body_text="x"))
    files: Files = [("file", ("a.txt", b"a", "text/plain"))]
    r = post(client, world.agent_a, case.id, files, data={"message_id": str(msg.id)})
    assert r.status_code == 201, r.text
    assert r.json()[0]["message_id"] == msg.id
    elsewhere = make_case(db, world.agent_a, group_id=world.group_a)
    r = post(client, world.agent_a, elsewhere.id, files, data={"message_id": str(msg.id)})
    assert r.status_code == 422
    assert attachment_rows(db) == 1
    assert len(stored_files(settings)) == 1


# --------------------------------------------------------------------------- size


@pytest.fixture
def small(settings: Settings, db: Database) -> Iterator[tuple[TestClient, Settings]]:
    """An app whose attachments may be at most 1000 bytes."""
    limited = settings.model_copy(update={"max_attachment_bytes": 1000})
    with TestClient(create_app(limited, db)) as c:
        yield c, limited


def test_over_the_limit_is_413_and_leaves_nothing(
    small: tuple[TestClient, Settings], db: Database, world: World, case: CaseOut
) -> None:
    client, settings = small
    assert upload_one(client, world.agent_a, case.id, "ok.bin", b"x" * 1000, "x/y")["size"] == 1000
    before = stored_files(settings)
    r = post(client, world.agent_a, case.id, [("file", ("big.bin", b"x" * 1001, "x/y"))])
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "payload-too-large"
    r = post(
        client,
        world.agent_a,
        case.id,
        [("file", ("small.txt", b"fine", "text/plain")), ("file", ("big.bin", b"x" * 5000, "x/y"))],
    )
    assert r.status_code == 413
    assert attachment_rows(db) == 1
    assert stored_files(settings) == before


def test_huge_request_is_refused_before_parsing(
    small: tuple[TestClient, Settings], db: Database, world: World, case: CaseOut
) -> None:
    client, settings = small
    huge = b"z" * (2 * 1024 * 1024)
    r = post(client, world.agent_a, case.id, [("file", ("huge.bin", huge, "x/y"))])
    assert r.status_code == 413
    assert r.json()["code"] == "payload-too-large"

    body, ctype = multipart(
        [b'Content-Disposition: form-data; name="file"; filename="huge.bin"\r\n\r\n' + huge]
    )

    def chunked() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for i in range(0, len(body), 65536):
            yield body[i : i + 65536]

    r = client.post(url(case.id), headers=world.agent_a.headers | ctype, content=chunked())
    assert r.status_code == 413
    assert r.json()["code"] == "payload-too-large"
    assert attachment_rows(db) == 0
    assert stored_files(settings) == []


def test_too_many_files_in_one_request(client: TestClient, world: World, case: CaseOut) -> None:
    files: Files = [("file", (f"{n}.txt", b"x", "text/plain")) for n in range(11)]
    r = post(client, world.agent_a, case.id, files)
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"


# --------------------------------------------------------------------------- access


def test_other_group_gets_404_everywhere(
    client: TestClient, db: Database, world: World, case: CaseOut, settings: Settings
) -> None:
    out = upload_one(client, world.agent_a, case.id, "secret.txt", b"secret", "text/plain")
    bob = world.agent_b.headers
    for path in (url(case.id), url(case.id, out["id"]), url(case.id, out["id"], "content")):
        r = client.get(path, headers=bob)
        assert r.status_code == 404, path
        assert r.headers["content-type"] == "application/problem+json"
    r = post(client, world.agent_b, case.id, [("file", ("x.txt", b"intrusion", "text/plain"))])
    assert r.status_code == 404

    # an attachment id of a group-A case through a case bob can see
    bobs_case = make_case(db, world.agent_b, group_id=world.group_b)
    for path in (url(bobs_case.id, out["id"]), url(bobs_case.id, out["id"], "content")):
        assert client.get(path, headers=bob).status_code == 404, path
    # unknown case and unknown attachment look the same
    assert client.get(url(999_999), headers=bob).status_code == 404
    assert client.get(url(bobs_case.id, 999_999), headers=bob).status_code == 404
    assert attachment_rows(db) == 1
    assert len(stored_files(settings)) == 1


def test_without_view_attachments_is_403(
    client: TestClient, db: Database, world: World, case: CaseOut
) -> None:
    out = upload_one(client, world.agent_a, case.id, "a.txt", b"data", "text/plain")
    blind = make_actor(
        db,
        "blind@acme.test",
        "agent",
        ["A"],
        world.corporation_id,
        permissions=[Permission.VIEW_CASE.value, Permission.ADD_ATTACHMENTS.value],
    )
    for path in (url(case.id), url(case.id, out["id"]), url(case.id, out["id"], "content")):
        r = client.get(path, headers=blind.headers)
        assert r.status_code == 403, path
        assert r.json()["code"] == "forbidden"
    # a case it cannot see is still a 404, not a 403
    bobs_case = make_case(db, world.agent_b, group_id=world.group_b)
    assert client.get(url(bobs_case.id), headers=blind.headers).status_code == 404


def test_without_add_attachments_is_403(
    client: TestClient, db: Database, world: World, case: CaseOut, settings: Settings
) -> None:
    viewer = make_actor(
        db,
        "viewer@acme.test",
        "agent",
        ["A"],
        world.corporation_id,
        permissions=[Permission.VIEW_CASE.value, Permission.VIEW_ATTACHMENTS.value],
    )
    r = post(client, viewer, case.id, [("file", ("a.txt", b"data", "text/plain"))])
    assert r.status_code == 403
    assert client.get(url(case.id), headers=viewer.headers).status_code == 200
    assert stored_files(settings) == []


def test_unauthenticated_is_401(client: TestClient, case: CaseOut) -> None:
    assert client.get(url(case.id)).status_code == 401
    r = client.post(url(case.id), files=[("file", ("a.txt", b"data", "text/plain"))])
    assert r.status_code == 401


def test_openapi_documents_the_upload(app: FastAPI) -> None:
    spec = app.openapi()
    op = spec["paths"]["/api/v1/cases/{case_id}/attachments"]["post"]
    (ref,) = [c["schema"]["$ref"] for c in op["requestBody"]["content"].values()]
    body = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert body["required"] == ["file"]
    file_items = body["properties"]["file"]["items"]
    assert file_items.get("format") == "binary" or file_items.get("contentMediaType")
    assert "413" in op["responses"]
