"""An admin in a real browser: sets up a status and a colleague at a phone-sized screen,
releases a quarantined mail and edits an SLA policy: the htmx forms, their notices and
the lists they lead back to."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from casedesk.channels.email.intake import Limits, ingest_raw
from casedesk.services.reference import sla_policies
from casedesk.services.reference.sla_policies import SlaPolicyCreate
from casedesk.store.blobs import LocalBlobStore
from casedesk.web.routes.admin_forms import SECTIONS
from tests.factories import PASSWORD, World
from tests.web.conftest import LiveServer, sign_in_agent


def fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_an_admin_creates_a_status_and_an_agent_in_a_group(
    page: Page, live_server: LiveServer, world: World
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_agent(page, live_server.url, world.admin.email, PASSWORD)
    page.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    page.get_by_role("link", name="Statuses").first.click()

    form = page.get_by_role("form", name="New status")
    form.get_by_label("Name", exact=True).fill("Waiting for the customer's reply")
    form.get_by_label("Internal status", exact=True).select_option(label="Awaiting external")
    clock = form.get_by_label("Clock class", exact=True)
    clock.select_option(label="external (waiting on the customer)")
    form.get_by_role("button", name="Create status").click()

    expect(page.locator("#notice")).to_have_text("Created.")
    row = page.get_by_role("row").filter(has_text="Waiting for the customer's reply")
    expect(row).to_contain_text("Awaiting external")
    expect(row).to_contain_text("external")
    assert fits_the_screen(page)

    page.get_by_role("navigation", name="Administration").get_by_role("link", name="Users").click()
    form = page.get_by_role("form", name="New user")
    form.get_by_label("Email").fill(world.agent_a.email)  # taken: the page says so
    form.get_by_label("Name", exact=True).fill("Dana Scully")
    form.get_by_label("Role").select_option("agent")
    form.get_by_label("Password").fill("trust no one, ever")
    form.get_by_role("checkbox", name="A", exact=True).check()
    form.get_by_role("button", name="Create user").click()
    expect(page.locator("#notice")).to_contain_text("exists already")

    form.get_by_label("Email").fill("dana@acme.test")
    form.get_by_role("button", name="Create user").click()
    expect(page.locator("#notice")).to_have_text("Created.")
    row = page.get_by_role("row").filter(has_text="dana@acme.test")
    expect(row).to_contain_text("Dana Scully")
    expect(row).to_contain_text("agent")
    expect(row.get_by_role("cell").nth(3)).to_have_text("A")
    assert fits_the_screen(page)


def test_every_admin_page_fits_a_phone_screen(
    page: Page, live_server: LiveServer, world: World
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_agent(page, live_server.url, world.admin.email, PASSWORD)
    for href, label, _ in SECTIONS:
        page.goto(live_server.url + href)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert fits_the_screen(page), f"{label} is wider than the screen"


HELD = (
    b"From: Mallory <mallory@stranger.example>\r\n"
    b"To: help@acme.example\r\n"
    b"Subject: Invoice <script>document.title='owned'</script>\r\n"
    b"Message-ID: <held.browser@stranger.example>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
    b"<img src=x onerror=\"document.title='owned'\"> please pay\r\n"
)


def test_an_admin_reads_a_quarantined_mail_as_text_and_releases_it(
    page: Page, live_server: LiveServer, world: World
) -> None:
    store = LocalBlobStore(live_server.settings.attachments_dir)  # the app's own directory
    limits = Limits.from_settings(live_server.settings)
    held = ingest_raw(live_server.db, store, world.corporation_id, HELD, limits)
    assert held.outcome == "quarantined"
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in_agent(page, live_server.url, world.admin.email, PASSWORD)
    page.get_by_role("link", name="Admin").click()
    page.get_by_role("link", name="Mail quarantine").first.click()
    row = page.get_by_role("row").filter(has_text="mallory@stranger.example")
    expect(row).to_contain_text("unknown-sender")
    row.get_by_role("link").click()

    raw = page.locator("pre.raw-mail")
    expect(raw).to_contain_text("<img src=x onerror=")
    expect(page.get_by_role("heading", level=1)).to_contain_text("<script>")
    assert page.title() != "owned"
    page.get_by_role("button", name="Release into intake").click()

    expect(page.locator("#notice")).to_have_text("Released into intake.")
    expect(page.get_by_role("cell", name="Nothing in the quarantine.")).to_be_visible()
    page.goto(f"{live_server.url}/console/cases")
    case_row = page.get_by_role("row").filter(has_text="TCK-1")
    expect(case_row).to_contain_text("Invoice <script>document.title='owned'</script>")
    assert page.title() != "owned"


def test_an_admin_edits_an_sla_policy_and_is_told_what_is_wrong(
    page: Page, live_server: LiveServer, world: World
) -> None:
    sla_policies.create_policy(
        live_server.db,
        world.admin.principal,
        SlaPolicyCreate(name="Standard", first_response_minutes=60, resolution_minutes=480),
    )
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_agent(page, live_server.url, world.admin.email, PASSWORD)
    page.goto(f"{live_server.url}/console/admin/sla-policies")
    page.get_by_role("link", name="Standard").click()

    form = page.get_by_role("form", name="Edit SLA policy")
    form.get_by_label("Resolution").fill("240")
    form.get_by_label("Alert levels").fill("warning: 50%\nlate: soon")
    form.get_by_role("button", name="Save policy").click()
    expect(page.locator("#notice")).to_contain_text("alert level 2")
    expect(form.get_by_label("Resolution")).to_have_value("240")  # what was typed stays

    form.get_by_label("Alert levels").fill("warning: 50%\nlate: 30")
    form.get_by_label("Active", exact=False).uncheck()
    form.get_by_role("button", name="Save policy").click()
    expect(page.locator("#notice")).to_have_text("Saved.")
    row = page.get_by_role("row").filter(has_text="Standard")
    expect(row).to_contain_text("resolution 240 min")
    expect(row).to_contain_text("disabled")
    assert fits_the_screen(page)
    [policy] = sla_policies.list_policies(live_server.db, world.admin.principal)
    assert [
        (lv.name, lv.fraction_of_target, lv.minutes_from_due) for lv in policy.alert_levels
    ] == [
        ("warning", 0.5, None),
        ("late", None, 30),
    ]
