"""The API docs pages in a real browser: Swagger UI and ReDoc render the schema with
every request staying on casedesk's own host (no CDN, no online validator)."""

from __future__ import annotations

from playwright.sync_api import Page, Request

from tests.web.conftest import LiveServer


def _requests_elsewhere(page: Page, base: str) -> list[str]:
    elsewhere: list[str] = []

    def note(request: Request) -> None:
        if not request.url.startswith((base, "data:", "blob:")):
            elsewhere.append(request.url)

    page.on("request", note)
    return elsewhere


def test_swagger_ui_renders_from_local_assets(live_server: LiveServer, page: Page) -> None:
    elsewhere = _requests_elsewhere(page, live_server.url)
    page.goto(f"{live_server.url}/docs")
    # Swagger UI builds the page from the whole OpenAPI document in the browser: seconds
    # alone, more while both stores' suites share the cores (as ReDoc below)
    page.locator(".opblock-tag", has_text="cases").first.wait_for(timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert elsewhere == []


def test_redoc_renders_from_local_assets(live_server: LiveServer, page: Page) -> None:
    elsewhere = _requests_elsewhere(page, live_server.url)
    page.goto(f"{live_server.url}/redoc")
    page.get_by_role("heading", name="casedesk").first.wait_for(timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert elsewhere == []
