"""HTTP helpers for the console's tests: an app under TestClient, signed in as an agent."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.store.db import Database
from tests.factories import PASSWORD


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def agent_client(settings: Settings, db: Database, email: str) -> TestClient:
    """A browser signed in to the console as ``email`` (the factories' password)."""
    client = TestClient(create_app(settings, db), base_url="http://testserver")
    token = form_token(client.get("/console/sign-in").text)
    answer = client.post(
        "/console/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return client


def csrf(client: TestClient) -> str:
    """The session's CSRF token, as every console page carries it."""
    return form_token(client.get("/console/cases").text)
