"""The demo's knowledge base: two categories, public articles in English and German
(one still a draft), one internal runbook, and a little feedback and deflection, so the
portal's help pages, the suggestions on a new case and the editors' page of what helps
have something to show. Loading again adds nothing twice."""

from __future__ import annotations

from casedesk.domain.permissions import Principal
from casedesk.services.knowledge import articles, categories, feedback, public
from casedesk.services.knowledge.schemas import (
    ArticleCreate,
    CategoryCreate,
    FeedbackIn,
    TranslationIn,
)
from casedesk.store.db import Database

VPN_EN = """If the VPN drops every few minutes:

1. Open the **VPN client** and choose *Disconnect*.
2. Remove the profile, then import it again from the intranet.
3. Connect once while you are in the office network.

Still failing? Open a case and attach the client's log file."""

VPN_DE = """Wenn das VPN alle paar Minuten abbricht:

1. Öffnen Sie den **VPN-Client** und wählen Sie *Trennen*.
2. Entfernen Sie das Profil und importieren Sie es neu aus dem Intranet.
3. Verbinden Sie sich einmal im Büronetz.

Klappt es nicht? Eröffnen Sie einen Fall und hängen Sie die Protokolldatei an."""

PRINTER_EN = """When the printer prints blank pages, the toner is usually empty or the
seal strip is still on a new cartridge.

| Light | Meaning |
|---|---|
| orange | toner low |
| red blinking | paper jam |

Replace the cartridge and print a test page from the printer's menu."""

RUNBOOK = """Service code for the floor printers: ask the Network team.
Reset the print queue on `print01` with `Restart-Service Spooler`."""

#: (category, title, body, visibility, German title and body or None, published)
ARTICLES = (
    ("Network and VPN", "VPN keeps disconnecting", VPN_EN, "public",
     ("VPN trennt sich ständig", VPN_DE), True),
    ("Printing", "Printer prints blank pages", PRINTER_EN, "public", None, True),
    ("Printing", "Print queue runbook", RUNBOOK, "internal", None, True),
    ("Printing", "Scanning to email", "Choose *Scan to email* on the panel.", "public",
     None, False),
)  # fmt: skip


def knowledge_base(db: Database, admin: Principal) -> None:
    if articles.list_articles(db, admin, limit=1):
        return
    ids: dict[str, int] = {}
    for name in ("Network and VPN", "Printing"):
        ids[name] = categories.create_category(db, admin, CategoryCreate(name=name)).id
    for category, title, body, visibility, german, published in ARTICLES:
        made = articles.create_article(
            db,
            admin,
            ArticleCreate(
                category_id=ids[category],
                language="en",
                title=title,
                body=body,
                visibility=visibility,
            ),
        )
        translation = made.translations[0].id
        if published:
            articles.change_status(db, admin, translation, "published")
        if german:
            de = articles.add_translation(
                db, admin, made.id, TranslationIn(language="de", title=german[0], body=german[1])
            )
            articles.change_status(db, admin, de.id, "published")
        if title == "VPN keeps disconnecting":
            reader = public.visitor(db)
            for _ in range(3):
                feedback.record_deflection(db, reader, translation)
            feedback.give_feedback(db, reader, translation, FeedbackIn(helpful=True))
        if title == "Printer prints blank pages":
            reader = public.visitor(db)
            feedback.give_feedback(
                db, reader, translation, FeedbackIn(helpful=False, comment="No lights on mine")
            )
