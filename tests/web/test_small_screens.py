"""Every page fits a 375 px wide phone screen: opened in Chromium at that width, the
document is no wider than the window (``scrollWidth <= clientWidth``). Wide tables
scroll inside their own wrapper, never the page.

The pages are a table: add a page with one line in ``PAGES`` (who opens it, and its
path; ``{case}``, ``{policy}``… name rows ``small_world`` makes). The rows carry long
unbroken words (a pasted URL, a long address), the usual cause of a page wider than
the screen. Each role's pages are opened in one browser context, and every page that
overflows is named in one failure with its width.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page

from casedesk.channels.email.intake import Limits, ingest_raw
from casedesk.services.bulk import jobs as bulk_jobs
from casedesk.services.bulk.schemas import BulkChange, BulkRequest
from casedesk.services.cases import messages, templates
from casedesk.services.cases.schemas import MessageCreate
from casedesk.services.cases.templates import TemplateCreate
from casedesk.services.identity import sso_providers
from casedesk.services.identity.sso_providers import ProviderCreate
from casedesk.services.knowledge import articles as kb_articles
from casedesk.services.knowledge import categories as kb_categories
from casedesk.services.knowledge.schemas import ArticleCreate
from casedesk.services.knowledge.schemas import CategoryCreate as KbCategoryCreate
from casedesk.services.mail import mailbox_admin, mailbox_oauth
from casedesk.services.mail.mailbox_admin import MailboxCreate
from casedesk.services.mail.mailbox_oauth import OAuthSetup
from casedesk.services.reference import (
    calendars,
    categories,
    field_definitions,
    priorities,
    queues,
    sla_policies,
    statuses,
)
from casedesk.services.reference.calendars import CalendarCreate
from casedesk.services.reference.categories import CategoryCreate
from casedesk.services.reference.field_definitions import FieldDefinitionCreate
from casedesk.services.reference.priorities import PriorityCreate
from casedesk.services.reference.queues import QueueCreate
from casedesk.services.reference.sla_policies import SlaPolicyCreate
from casedesk.services.reports import export_jobs
from casedesk.services.scheduling import schedules
from casedesk.services.scheduling.schedules import RecurrenceIn, ScheduleCreate
from casedesk.services.surveys import sending
from casedesk.store.blobs import LocalBlobStore
from casedesk.web.routes.admin_forms import SECTIONS
from tests.factories import PASSWORD
from tests.services.portal.world import PORTAL_PASSWORD, PortalWorld, make_portal_world
from tests.services.surveys.conftest import close, enable, requested, token_of
from tests.web.conftest import LiveServer, sign_in_agent

WIDTH = 375
LONG_URL = "https://intranet.customer.example/" + "very-long-path-segment-" * 8 + "report.pdf"
LONG_WORD = "Kundenservicemitarbeiterzufriedenheitsumfrageergebnisse"

#: (who, path): who is "anonymous", "admin", "agent" (group A) or "customer" (Carol).
PAGES: list[tuple[str, str]] = [
    ("anonymous", "/console/sign-in"),
    ("anonymous", "/portal/sign-in"),
    ("anonymous", "/portal/sign-in/link"),
    ("anonymous", "/portal/survey/{survey}?rating=good"),
    ("agent", "/console"),
    ("agent", "/console/cases"),
    ("agent", "/console/cases?q=printer"),
    ("agent", "/console/cases/{case}"),
    ("agent", "/console/cases/new"),
    ("agent", "/console/contacts"),
    ("agent", "/console/organizations"),
    ("agent", "/console/contacts/{contact}"),
    ("agent", "/console/organizations/{organization}"),
    ("agent", "/console/canned-responses"),
    ("agent", "/console/search?q=printer"),
    ("agent", "/console/search?q=carol"),
    ("agent", "/console/profile"),
    ("agent", "/console/notifications"),
    ("agent", "/console/exports/{export}"),
    ("agent", "/console/security"),
    ("agent", "/console/reports"),
    ("admin", "/console/reports"),
    ("agent", "/console/bulk/{bulk}"),
    ("admin", "/console/cases/{case}"),
    ("admin", "/console/admin"),
    ("admin", "/console/admin/sign-in"),
    ("admin", "/console/admin/assist"),
    *(("admin", href) for href, _, _ in SECTIONS),
    ("admin", "/console/admin/users/{user}"),
    ("admin", "/console/admin/groups/{group}"),
    ("admin", "/console/admin/categories/{category}"),
    ("admin", "/console/admin/priorities/{priority}"),
    ("admin", "/console/admin/calendars/{calendar}"),
    ("admin", "/console/admin/statuses/{status}"),
    ("admin", "/console/admin/queues/{queue}"),
    ("admin", "/console/admin/custom-fields/{field}"),
    ("admin", "/console/admin/templates/{template}"),
    ("admin", "/console/admin/mailboxes/{mailbox}"),
    ("admin", "/console/admin/sla-policies/{policy}"),
    ("admin", "/console/admin/schedules/{schedule}"),
    ("admin", "/console/admin/quarantine/{mail}"),
    ("admin", "/console/admin/mail-templates/case_created_contact"),
    ("admin", "/console/admin/single-sign-on/{sso}"),
    ("customer", "/portal"),
    ("customer", "/portal/cases/new"),
    ("customer", "/portal/cases/{case}"),
    ("customer", "/portal/cases/{closed}"),
    ("anonymous", "/portal/kb/en"),
    ("anonymous", "/portal/kb/en/printing"),
    ("anonymous", "/portal/kb/en/printing/printer-jammed"),
    ("anonymous", "/portal/kb/en/search?q=printer"),
    ("customer", "/portal/kb/en/printing/printer-jammed"),
    ("customer", "/portal/cases/new/solved"),
    ("agent", "/console/kb"),
    ("agent", "/console/kb?q=printer"),
    ("agent", "/console/kb/translations/{kb_translation}"),
    ("agent", "/console/kb/translations/{kb_translation}/versions"),
    ("admin", "/console/kb/translations/{kb_translation}"),
    ("admin", "/console/kb/new"),
    ("admin", "/console/kb/categories"),
    ("admin", "/console/kb/insights"),
]

HELD = (
    b"From: " + LONG_WORD.lower().encode() + b"@stranger.example\r\n"
    b"To: help@acme.example\r\n"
    b"Subject: " + LONG_WORD.encode() + b" " + LONG_URL.encode() + b"\r\n"
    b"Message-ID: <held.375@stranger.example>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
    b"See " + LONG_URL.encode() + b"\r\n"
)


@dataclass
class Overflow:
    path: str
    scroll_width: int
    client_width: int


def small_world(live_server: LiveServer) -> tuple[dict[str, int | str], dict[str, str]]:
    """Rows for every kind of page, with long words in them; (ids by name, emails by role)."""
    db = live_server.db
    world = make_portal_world(db)
    admin = world.base.admin.principal
    case = world.case_for(world.carol, title=f"Printer jammed: {LONG_WORD} {LONG_URL}")
    messages.add_message(
        db, world.base.agent_a.principal, case.id, MessageCreate(body_text=f"Open {LONG_URL}")
    )
    calendar = calendars.create_calendar(
        db,
        admin,
        CalendarCreate(name="Office", time_zone="Europe/Oslo", hours={"0": [["09:00", "17:00"]]}),
    )
    priority = priorities.create_priority(
        db, admin, PriorityCreate(name=LONG_WORD, calendar_id=calendar.id)
    )
    category = categories.create_category(db, admin, CategoryCreate(name=LONG_WORD))
    queue = queues.create_queue(db, admin, QueueCreate(name=LONG_WORD))
    field = field_definitions.create_field(
        db, admin, FieldDefinitionCreate(key="asset_tag", label=LONG_WORD, type="text")
    )
    template = templates.create_template(db, admin, TemplateCreate(name=LONG_WORD))
    mailbox = mailbox_admin.create_mailbox(
        db,
        admin,
        MailboxCreate(name=LONG_WORD, imap_url=f"imaps://{LONG_WORD}@mail.example.test/INBOX"),
    )
    mailbox_oauth.set_up_oauth(
        db,
        admin,
        mailbox.id,
        OAuthSetup(
            provider="microsoft",
            client_id=LONG_WORD,
            smtp_url=f"smtp://{LONG_WORD}@smtp.example.test:587?starttls",
        ),
        "small-screens-key",
    )
    policy = sla_policies.create_policy(
        db,
        admin,
        SlaPolicyCreate(name=LONG_WORD, priority_id=priority.id, resolution_minutes=480),
    )
    schedule = schedules.create_schedule(
        db,
        admin,
        ScheduleCreate(
            name=LONG_WORD,
            template_id=template.id,
            recurrence=RecurrenceIn(kind="daily", at="09:00"),
        ),
    )
    store = LocalBlobStore(live_server.settings.attachments_dir)  # the app's own directory
    held = ingest_raw(
        db, store, world.base.corporation_id, HELD, Limits.from_settings(live_server.settings)
    )
    export = export_jobs.queue(db, world.base.agent_a.principal, "csv", [], ["title"], 1)
    bulk = bulk_jobs.queue(
        db,
        world.base.agent_a.principal,
        [case.id],
        BulkRequest(ids=[case.id], change=BulkChange(add_tags=["small"])),
    )
    provider = sso_providers.create_provider(
        db,
        admin,
        ProviderCreate(
            name=LONG_WORD[:100],
            issuer=LONG_URL.split("?")[0][:900],
            client_id=LONG_WORD,
            client_secret="secret",
            admin_values=[LONG_WORD],
        ),
        live_server.settings.secret_key,
    )
    closed, survey = surveyed_case(live_server, world)
    kb_category = kb_categories.create_category(
        db, admin, KbCategoryCreate(name="Printing", description=f"{LONG_WORD} {LONG_URL}")
    )
    kb_article = kb_articles.create_article(
        db,
        admin,
        ArticleCreate(
            category_id=kb_category.id,
            visibility="public",  # type: ignore[arg-type]
            language="en",
            title="Printer jammed",
            slug="printer-jammed",
            body=(
                f"# {LONG_WORD}\n\nSee {LONG_URL}\n\n    {LONG_URL}\n\n"
                f"| a | b |\n|---|---|\n| {LONG_WORD} | {LONG_URL} |\n"
            ),
        ),
    )
    kb_translation = kb_article.translations[0].id
    kb_articles.change_status(db, admin, kb_translation, "published")
    ids: dict[str, int | str] = {
        "sso": provider.id,
        "closed": closed,
        "survey": survey,
        "kb_translation": kb_translation,
        "bulk": bulk.id,
        "export": export.id,
        "case": case.id,
        "contact": world.carol.contact_id,
        "organization": world.organization,
        "user": world.base.agent_a.user_id,
        "group": world.base.group_a,
        "category": category.id,
        "priority": priority.id,
        "calendar": calendar.id,
        "status": statuses.list_statuses(db, admin)[0].id,
        "queue": queue.id,
        "field": field.id,
        "template": template.id,
        "mailbox": mailbox.id,
        "policy": policy.id,
        "schedule": schedule.id,
        "mail": held.inbound_id or 0,
    }
    emails = {
        "admin": world.base.admin.email,
        "agent": world.base.agent_a.email,
        "customer": "carol@customer.example",
    }
    return ids, emails


def surveyed_case(live_server: LiveServer, world: PortalWorld) -> tuple[int, str]:
    """A closed case of Carol's with its survey, and the survey link's token."""
    db = live_server.db
    sending.install(live_server.url)
    enable(db, world, page_text=f"{LONG_WORD} {LONG_URL}")
    case = world.case_for(world.carol, title=f"Closed: {LONG_WORD} {LONG_URL}")
    close(db, world, case.id)
    return case.id, token_of(requested(db)[-1])


def sign_in(page: Page, base_url: str, who: str, emails: dict[str, str]) -> None:
    if who == "anonymous":
        return
    if who == "customer":
        page.goto(f"{base_url}/portal/sign-in")
        page.get_by_label("Email").fill(emails[who])
        page.get_by_label("Password").fill(PORTAL_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base_url}/portal")
        return
    sign_in_agent(page, base_url, emails[who], PASSWORD)
    page.wait_for_url(f"{base_url}/console")


def overflows(page: Page, base_url: str, paths: list[str]) -> list[Overflow]:
    found = []
    for path in paths:
        answer = page.goto(base_url + path)
        assert answer is not None and answer.ok, f"{path}: {answer.status if answer else None}"
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            found.append(Overflow(path, scroll, client))

    return found


@pytest.mark.parametrize("who", ["anonymous", "agent", "admin", "customer"])
def test_every_page_fits_a_375_px_screen(page: Page, live_server: LiveServer, who: str) -> None:
    ids, emails = small_world(live_server)
    paths = [path.format(**ids) for role, path in PAGES if role == who]
    assert paths
    page.set_viewport_size({"width": WIDTH, "height": 800})
    sign_in(page, live_server.url, who, emails)
    wide = overflows(page, live_server.url, paths)
    assert not wide, "wider than the screen:\n" + "\n".join(
        f"{o.path}: {o.scroll_width} px in {o.client_width} px" for o in wide
    )
