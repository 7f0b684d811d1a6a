"""The API docs pages work without internet: every script, style and icon they name is
served by casedesk itself, with the content type a browser needs to use it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

ASSET_URL = re.compile(r"""(?:src|href)=["']([^"']+)["']|url:\s*["']([^"']+)["']""")
EXPECTED_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".json": "application/json",
}


def _urls(html: str) -> list[str]:
    return [a or b for a, b in ASSET_URL.findall(html)]


@pytest.mark.parametrize(
    ("page", "kinds"), [("/docs", {".js", ".css", ".png"}), ("/redoc", {".js", ".png"})]
)
def test_docs_page_loads_only_local_assets(client: TestClient, page: str, kinds: set[str]) -> None:
    answer = client.get(page)
    assert answer.status_code == 200
    urls = _urls(answer.text)
    assert {u[u.rfind(".") :] for u in urls} >= kinds, urls
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), f"{page} names {url}"
        asset = client.get(url)
        assert asset.status_code == 200, url
        suffix = url[url.rfind(".") :]
        assert asset.headers["content-type"].split(";")[0] == EXPECTED_TYPES[suffix], url
        assert len(asset.content) > 0


def test_docs_pages_read_the_served_schema(client: TestClient) -> None:
    swagger = client.get("/docs").text
    assert "/openapi.json" in swagger
    assert '"validatorUrl": null' in swagger  # no schema sent to an online validator
    assert 'spec-url="/openapi.json"' in client.get("/redoc").text
    assert client.get("/openapi.json").json()["info"]["title"] == "casedesk"
