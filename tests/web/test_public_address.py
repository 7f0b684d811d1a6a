"""Links casedesk mails point at its configured public address, never at what a
request's ``Host`` says; with ``CASEDESK_ALLOWED_HOSTS`` set, a request naming another
host is refused with 400 on every face."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.services.identity.portal_sign_in import TOPIC
from casedesk.store.db import Database
from casedesk.store.models import OutboxEvent
from tests.services.portal.world import PortalWorld, make_portal_world
from tests.web.portal_client import form_token

CAROL = "carol@customer.example"
PUBLIC = "https://support.example.com"
#: Where ``casedesk serve`` listens when told nothing else.
SERVE_DEFAULT = "http://127.0.0.1:8000"
FORGED = {"Host": "attacker.example", "X-Forwarded-Host": "attacker.example"}


@pytest.fixture
def pw(db: Database) -> PortalWorld:
    return make_portal_world(db)


def ask_for_link(client: httpx.Client | TestClient, headers: dict[str, str]) -> None:
    token = form_token(client.get("/portal/sign-in/link", headers=headers).text)
    answer = client.post(
        "/portal/sign-in/link", data={"email": CAROL, "csrf_token": token}, headers=headers
    )
    assert answer.status_code == 200, answer.text


def link_urls(db: Database) -> list[str]:
    with db.read() as s:
        events = s.scalars(select(OutboxEvent).where(OutboxEvent.topic == TOPIC))
        return [str(e.payload["url"]) for e in events]


def test_a_sign_in_link_asked_for_with_a_forged_host_carries_the_public_url(
    settings: Settings, db: Database, pw: PortalWorld
) -> None:
    configured = settings.model_copy(update={"public_url": PUBLIC + "/"})
    client = TestClient(create_app(configured, db), base_url="http://testserver")

    ask_for_link(client, FORGED)

    (url,) = link_urls(db)
    assert url.startswith(f"{PUBLIC}/portal/sign-in/link/")
    assert "attacker" not in url


def test_without_a_public_url_a_link_uses_the_default_address_not_the_requests(
    settings: Settings, db: Database, pw: PortalWorld
) -> None:
    assert settings.public_url is None
    client = TestClient(create_app(settings, db), base_url="http://portal.test")

    ask_for_link(client, FORGED)

    (url,) = link_urls(db)
    assert url.startswith(f"{SERVE_DEFAULT}/portal/sign-in/link/")


def test_serve_points_links_at_the_address_it_listens_on(
    db: Database, pw: PortalWorld, tmp_path: Path
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if k != "CASEDESK_PUBLIC_URL"}
    env |= {"CASEDESK_DATABASE_URL": db.url, "CASEDESK_DATA_DIR": str(tmp_path)}
    command = "from casedesk.cli import app; app()"
    proc = subprocess.Popen(
        [sys.executable, "-c", command, "serve", "--port", str(port), "--no-jobs"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        seen = []
        for line in proc.stdout:  # uvicorn says when it accepts requests
            seen.append(line)
            if "Application startup complete" in line:
                break
        else:
            raise AssertionError("server did not start:\n" + "".join(seen))
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            ask_for_link(client, FORGED)
    finally:
        proc.terminate()
        proc.communicate(timeout=30)

    (url,) = link_urls(db)
    assert url.startswith(f"http://127.0.0.1:{port}/portal/sign-in/link/")


@pytest.fixture
def guarded(settings: Settings, db: Database) -> TestClient:
    only = settings.model_copy(
        update={"public_url": PUBLIC, "allowed_hosts": ["support.example.com", "*.acme.test"]}
    )
    return TestClient(create_app(only, db), base_url="http://support.example.com")


@pytest.mark.parametrize(
    "path",
    [
        "/healthz",
        "/api/v1/cases/1",  # a hot route, answered before FastAPI's routing
        "/api/v1/cases",
        "/portal/sign-in/link",
        "/console/sign-in",
        "/itflow/api/v1/tickets/read.php",
        "/trackit/WebApi/tickets/1",
    ],
)
def test_a_request_for_another_host_is_refused_with_400(
    guarded: TestClient, pw: PortalWorld, path: str
) -> None:
    headers = pw.base.admin.headers

    refused = guarded.get(path, headers=headers | {"Host": "attacker.example"})
    assert refused.status_code == 400
    assert (
        guarded.get(path, headers=headers | {"Host": "support.example.com:443"}).status_code != 400
    )
    assert guarded.get(path, headers=headers | {"Host": "eu.acme.test"}).status_code != 400


def test_the_allowed_hosts_are_read_from_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEDESK_ALLOWED_HOSTS", " support.example.com, *.acme.test ,")

    assert Settings().allowed_hosts == ["support.example.com", "*.acme.test"]


def test_a_public_url_that_is_not_an_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEDESK_PUBLIC_URL", "support.example.com")

    with pytest.raises(ValueError, match="CASEDESK_PUBLIC_URL"):
        Settings()
