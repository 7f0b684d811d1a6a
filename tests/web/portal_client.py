"""Helpers of the portal's HTTP tests: a signed-in customer's TestClient."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response

from tests.services.portal.world import PORTAL_PASSWORD


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str = PORTAL_PASSWORD) -> Response:
    token = form_token(client.get("/portal/sign-in").text)
    return client.post(
        "/portal/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def session_token(client: TestClient) -> str:
    """The signed-in contact's CSRF token, from a portal page."""
    return form_token(client.get("/portal").text)
