"""The Reports page in a real browser: charts drawn without a CSP complaint, the range
changed through the form, and a table downloaded as CSV."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.services.reports.fixture import build
from tests.web.conftest import LiveServer, sign_in_agent


def test_open_the_dashboard_change_the_range_and_download_a_csv(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    history = build(live_server.db)
    complaints: list[str] = []
    page.on(  # the browser's own look for /favicon.ico is no complaint of the page's
        "console",
        lambda m: (
            complaints.append(m.text)
            if m.type == "error" and not m.location["url"].endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda e: complaints.append(str(e)))
    base = live_server.url
    sign_in_agent(page, base, history.world.agent_a.email, PASSWORD)
    page.goto(f"{base}/console/reports?from=2026-03-02&to=2026-03-02")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    volume = page.locator("#table-volume tbody tr")
    expect(volume).to_have_count(1)

    page.get_by_label("To", exact=True).fill("2026-03-06")
    page.get_by_role("button", name="Show").click()
    expect(volume).to_have_count(5)
    expect(page.get_by_label("To", exact=True)).to_have_value("2026-03-06")
    drawn = page.evaluate(
        "Array.from(document.querySelectorAll('canvas[data-chart]')).map(c => !!c.chart)"
    )
    assert drawn and all(drawn)
    expect(page.locator("#table-sla")).to_contain_text("75.0")

    with page.expect_download() as caught:
        page.get_by_role("link", name="Download CSV: volume").click()
    saved = tmp_path / "volume.csv"
    caught.value.save_as(saved)
    assert saved.read_text().splitlines() == [
        "day,created,closed,backlog",
        "2026-03-02,2,0,2",
        "2026-03-03,0,0,2",
        "2026-03-04,1,1,2",
        "2026-03-05,1,1,2",
        "2026-03-06,0,1,1",
    ]
    assert complaints == []
