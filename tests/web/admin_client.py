"""HTTP-level helpers for the admin page tests: a browser-like client signed in as
someone, and posting forms the way the pages do (htmx, with the session's token)."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.factories import PASSWORD


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


class Browser:
    """A TestClient with a session cookie and the session's CSRF token."""

    def __init__(self, client: TestClient, email: str) -> None:
        self.client = client
        token = form_token(client.get("/console/sign-in").text)
        answer = client.post(
            "/console/sign-in",
            data={"email": email, "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        self.csrf = form_token(client.get("/console").text)

    def get(self, url: str) -> httpx.Response:
        return self.client.get(url, follow_redirects=False)

    def post(self, url: str, data: dict[str, Any], *, csrf: bool = True) -> httpx.Response:
        """Post ``data`` as htmx does: the token in the header, the answer a redirect
        (HX-Redirect) or a notice."""
        headers = {"HX-Request": "true"}
        if csrf:
            headers["X-CSRF-Token"] = self.csrf
        return self.client.post(url, data=data, headers=headers, follow_redirects=False)

    def post_form(self, url: str, data: dict[str, Any]) -> httpx.Response:
        """Post ``data`` as a plain form would without script: the token as a field."""
        return self.client.post(url, data={**data, "csrf_token": self.csrf}, follow_redirects=False)


def redirected_to(answer: httpx.Response) -> str:
    """Where a successful htmx form post sends the browser."""
    assert answer.status_code == 204, f"{answer.status_code}: {answer.text}"
    return answer.headers["HX-Redirect"]


def notice_of(answer: httpx.Response) -> str:
    """The text of the error notice an htmx post got back."""
    assert answer.headers.get("HX-Retarget") == "#notice", answer.text
    found = re.search(r'<p class="notice notice-error">(.*?)</p>', answer.text, re.S)
    assert found, answer.text
    return found.group(1)
