"""Screenshots of the main pages, for the docs: ``docs/screenshots/*.png``.

Loads the demo data set into a new SQLite database in a temporary directory, serves the
app on a loopback port and takes each page in Debian's Chromium, signed in as the demo
admin (console, admin pages) and the demo contact (portal). Pages longer than
``MAX_HEIGHT`` are cut there, and every picture goes through ``pngquant`` (a palette of
at most 256 colours) so the committed files stay small. Run it through
``scripts/screenshots``, which installs what it needs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import FloatRect, Page, ViewportSize, sync_playwright
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casedesk.api.app import create_app  # noqa: E402
from casedesk.channels.email.intake import Limits, ingest_raw  # noqa: E402
from casedesk.config import Settings  # noqa: E402
from casedesk.domain.statuses import InternalStatus  # noqa: E402
from casedesk.server import serving  # noqa: E402
from casedesk.services import demo  # noqa: E402
from casedesk.services.mail import mailboxes  # noqa: E402
from casedesk.services.surveys import answering, sending  # noqa: E402
from casedesk.store.blobs import LocalBlobStore  # noqa: E402
from casedesk.store.db import Database  # noqa: E402
from casedesk.store.migrate import upgrade  # noqa: E402
from casedesk.store.models import Case, OutboxEvent, SurveySettings  # noqa: E402
from tests.support.browser import launch  # noqa: E402

DESKTOP: ViewportSize = {"width": 1280, "height": 860}
PHONE: ViewportSize = {"width": 390, "height": 844}
#: Taller pages are cut here: the top of a page is what a reader of the docs looks at.
MAX_HEIGHT = 1400
#: A demo case with a thread of messages and notes.
SHOWN_CASE = "VPN drops every few minutes"

#: (file name, path) for the demo admin, taken at desktop size.
CONSOLE_PAGES = [
    ("console-start", "/console"),
    ("console-cases", "/console/cases"),
    ("console-search", "/console/cases?q=printer"),
    ("console-canned-responses", "/console/canned-responses"),
    ("console-search-box", "/console/search?q=northwind"),
    ("console-profile", "/console/profile"),
    ("admin-index", "/console/admin"),
    ("admin-statuses", "/console/admin/statuses"),
    ("admin-users", "/console/admin/users"),
    ("admin-categories", "/console/admin/categories"),
    ("admin-sla-policies", "/console/admin/sla-policies"),
    ("admin-schedules", "/console/admin/schedules"),
    ("admin-quarantine", "/console/admin/quarantine"),
    ("admin-mail-settings", "/console/admin/mail-settings"),
    ("admin-mail-template", "/console/admin/mail-templates/case_created_contact"),
    ("console-new-case", "/console/cases/new"),
    ("console-contacts", "/console/contacts"),
    ("console-organizations", "/console/organizations"),
    ("console-reports", "/console/reports"),
    ("console-notifications", "/console/notifications"),
    ("console-security", "/console/security"),
    ("admin-triggers", "/console/admin/triggers"),
    ("admin-macros", "/console/admin/macros"),
    ("admin-webhooks", "/console/admin/webhooks"),
    ("admin-surveys", "/console/admin/surveys"),
    ("console-kb", "/console/kb"),
    ("console-kb-insights", "/console/kb/insights"),
]
#: The sign-in form's words: (email, password, button), in English and German.
ENGLISH = ("Email", "Password", "Sign in")
GERMAN = ("E-Mail", "Passwort", "Anmelden")
#: A demo help article in the portal.
KB_ARTICLE = "/portal/kb/en/network-and-vpn/vpn-keeps-disconnecting"
#: A mail from a stranger, kept in the quarantine for its pages.
HELD = (
    b"From: Vendor Sales <sales@vendor.example>\r\n"
    b"To: support@acme.example\r\n"
    b"Subject: Special offer on toner\r\n"
    b"Date: Tue, 10 Mar 2026 20:00:00 +0100\r\n"
    b"Message-ID: <offer.1@vendor.example>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Buy 3 cartridges, get 1 free. Reply to this mail to order.\r\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/casedesk.db"
        upgrade(url)
        db = Database(url)
        summary = demo.load_demo(db)
        settings = Settings(data_dir=Path(tmp), database_url=url, secret_key="screenshots")
        store = LocalBlobStore(settings.attachments_dir)
        corporation = mailboxes.default_corporation_id(db)
        ingest_raw(db, store, corporation, HELD, Limits.from_settings(settings))
        with serving(create_app(settings, db)) as base, sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport=DESKTOP)
            shoot(page, out, "console-sign-in", f"{base}/console/sign-in")
            sign_in(page, f"{base}/console/sign-in", summary.admin_email, summary.admin_password)
            for name, path in CONSOLE_PAGES:
                shoot(page, out, name, base + path)
            page.goto(f"{base}/console/admin/quarantine")
            page.get_by_role("link", name="Special offer on toner").click()
            page.wait_for_load_state()
            shoot(page, out, "admin-quarantined-mail", page.url)
            page.goto(f"{base}/console/cases?q=" + SHOWN_CASE.replace(" ", "+"))
            page.get_by_role("row").filter(has_text=SHOWN_CASE).get_by_role("link").first.click()
            page.wait_for_load_state()
            case_url = page.url
            shoot(page, out, "console-case", case_url, ready=".customer-name")
            history = page.get_by_role("region", name="History")
            history.locator("details").first.locator("summary").click()
            history.screenshot(path=out / "console-history.png")
            _optimise(out / "console-history.png")
            contact = page.locator(".customer-name a").get_attribute("href")
            organization = page.locator("#customer dd a[href^='/console/organizations/']")
            organization_url = organization.first.get_attribute("href")
            shoot(page, out, "console-contact", f"{base}{contact}")
            if organization_url:
                shoot(page, out, "console-organization", f"{base}{organization_url}")
            page.set_viewport_size(PHONE)
            shoot(page, out, "console-case-phone", case_url, full_page=False)
            page.set_viewport_size(DESKTOP)
            page.goto(f"{base}/console/kb")
            page.get_by_role("link", name="VPN keeps disconnecting").first.click()
            page.wait_for_load_state()
            shoot(page, out, "console-kb-edit", page.url)

            portal = browser.new_page(viewport=DESKTOP)
            shoot(portal, out, "portal-sign-in", f"{base}/portal/sign-in")
            sign_in(portal, f"{base}/portal/sign-in", summary.portal_email, summary.portal_password)
            shoot(portal, out, "portal-cases", f"{base}/portal")
            portal.get_by_role("table").get_by_role("link").first.click()
            portal.wait_for_load_state()
            shoot(portal, out, "portal-case", portal.url)
            shoot(portal, out, "portal-new-case", f"{base}/portal/cases/new")
            shoot(portal, out, "portal-kb", f"{base}/portal/kb/en")
            shoot(portal, out, "portal-kb-article", f"{base}{KB_ARTICLE}")
            portal.goto(f"{base}/portal/cases/new")
            portal.get_by_label("Title").fill("VPN disconnecting all the time")
            portal.locator("#kb-suggestions li").first.wait_for()
            portal.screenshot(path=out / "portal-kb-suggestions.png")
            _optimise(out / "portal-kb-suggestions.png")
            survey_shots(db, browser.new_page(viewport=DESKTOP), page, base, out, corporation)

            # The same pages for a browser that asks for German.
            german = browser.new_context(viewport=DESKTOP, locale="de-DE").new_page()
            shoot(german, out, "portal-sign-in-de", f"{base}/portal/sign-in")
            portal_sign_in = f"{base}/portal/sign-in"
            sign_in(german, portal_sign_in, summary.portal_email, summary.portal_password, GERMAN)
            shoot(german, out, "portal-cases-de", f"{base}/portal")
            console_sign_in = f"{base}/console/sign-in"
            sign_in(german, console_sign_in, summary.admin_email, summary.admin_password, GERMAN)
            shoot(german, out, "console-case-de", case_url, ready=".customer-name")
            browser.close()
        db.dispose()
    print(f"screenshots in {out}")


def survey_shots(
    db: Database, visitor: Page, admin: Page, base: str, out: Path, corporation: int
) -> None:
    """Surveys of the demo's closed cases, most of them answered (for the reports), and
    the pages of one link: the confirm page a mail's link opens, and the thanks."""
    sending.install(base)
    with db.write() as s:
        settings = SurveySettings(corporation_id=corporation, enabled=True, cap_days=0)
        s.merge(settings)
        s.flush()
        closed = s.scalars(
            select(Case)
            .where(Case.corporation_id == corporation, Case.status == InternalStatus.CLOSED)
            .order_by(Case.id)
            .limit(15)
        ).all()
        for case in closed:
            sending.request_survey(s, case, settings)
    with db.read() as s:
        links = [
            str(p["url"])
            for p in s.scalars(
                select(OutboxEvent.payload).where(OutboxEvent.topic == sending.TOPIC)
            )
        ]
    for index, link in enumerate(links[:-1]):
        rating = "bad" if index % 4 == 3 else "good"
        answering.answer_by_link(db, link.rsplit("/", 1)[1], rating, "")
    shoot(visitor, out, "survey-confirm", links[-1] + "?rating=good")
    visitor.get_by_label("Comment (optional)").fill("Quick and friendly, thank you!")
    visitor.get_by_role("button", name="Send my answer").click()
    visitor.wait_for_load_state()
    visitor.screenshot(path=out / "survey-thanks.png")
    _optimise(out / "survey-thanks.png")
    admin.set_viewport_size(DESKTOP)
    admin.goto(f"{base}/console/reports?by=agent")
    section = admin.locator("section.report").filter(
        has=admin.get_by_role("heading", name="Customer satisfaction")
    )
    section.screenshot(path=out / "console-reports-satisfaction.png")
    _optimise(out / "console-reports-satisfaction.png")


def sign_in(
    page: Page, url: str, email: str, password: str, words: tuple[str, str, str] = ENGLISH
) -> None:
    page.goto(url)
    page.get_by_label(words[0], exact=True).fill(email)
    page.get_by_label(words[1], exact=True).fill(password)
    page.get_by_role("button", name=words[2], exact=True).click()
    page.wait_for_load_state()
    if "/sign-in" in page.url:
        raise SystemExit(f"could not sign in as {email}")


def shoot(
    page: Page, out: Path, name: str, url: str, *, full_page: bool = True, ready: str = ""
) -> None:
    """``ready``: a selector to wait for (a part the page loads after it shows)."""
    answer = page.goto(url)
    if answer is None or not answer.ok:
        raise SystemExit(f"{url} answered {answer.status if answer else 'nothing'}")
    if ready:
        page.locator(ready).first.wait_for()
    path = out / f"{name}.png"
    if full_page:
        width, height = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        clip: FloatRect = {"x": 0, "y": 0, "width": width, "height": min(height, MAX_HEIGHT)}
        page.screenshot(path=path, full_page=True, clip=clip)
    else:
        page.screenshot(path=path)
    _optimise(path)
    print(f"  {name}.png  {path.stat().st_size // 1024} KB  {url}")


def _optimise(path: Path) -> None:
    """Reduce ``path`` to a 256-colour palette in place (a fraction of the size, no
    visible change for pages of flat colours and text)."""
    if shutil.which("pngquant") is None:
        print("  (pngquant is missing: the picture is left as Chromium wrote it)")
        return
    subprocess.run(
        [
            "pngquant",
            "--quality=65-95",
            "--strip",
            "--skip-if-larger",
            "--force",
            "--ext",
            ".png",
            str(path),
        ],
        check=False,  # 99: the quality asked for would need more colours; keep the original
    )


if __name__ == "__main__":
    main()
