"""A console or portal post is answered for its session before its form is read: a
visitor without a session is sent to sign in whatever the body holds, and nothing of
it is parsed (or spooled to disk)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.store.db import Database
from tests.factories import World, make_case

BROKEN = {"Content-Type": "multipart/form-data; boundary=xyz"}


@pytest.fixture
def visitor(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db), follow_redirects=False) as c:
        yield c


@pytest.mark.parametrize(
    "path",
    ["/console/cases/{id}/messages", "/console/filters", "/portal/cases/new"],
)
def test_a_post_without_a_session_is_sent_to_sign_in_before_its_form_is_read(
    visitor: TestClient, db: Database, world: World, path: str
) -> None:
    url = path.format(id=make_case(db, world.admin).id)
    plain = visitor.post(url, data={"body": "x", "visibility": "internal", "name": "n"})
    assert plain.status_code in (303, 401), plain.text
    for body in (b"--xyz\r\nbroken", b"--xyz\r\n" + b"x" * 10_000):
        r = visitor.post(url, content=body, headers=BROKEN)
        assert (r.status_code, r.headers.get("location")) == (
            plain.status_code,
            plain.headers.get("location"),
        ), r.text
