"""The assist on the console: badges on the case page and the list, "use suggestion",
similar cases with link and merge through the case page's own forms, the duplicate
warning, and the admin page that turns parts off."""

from __future__ import annotations

import os

from casedesk.config import Settings
from casedesk.services.assist import insights, models
from casedesk.services.assist import settings as assist_settings
from casedesk.services.assist.settings import AssistSettingsIn
from casedesk.services.cases import messages
from casedesk.services.cases.core import get_case
from casedesk.services.cases.links import get_links
from casedesk.services.cases.schemas import MessageCreate
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reference.categories import CategoryCreate, create_category
from casedesk.store.db import Database
from tests.factories import World, make_case
from tests.web.console_support import agent_client, csrf
from tests.web.markup import markup_problems

os.environ.setdefault("CASEDESK_ASSIST_LANGUAGES", "en,de,fr")
JAM = "NovaPrint X2 paper jam error E731 on tray 2 after the firmware update"


def _run(db: Database) -> None:
    while insights.run_insights(db, utcnow()):
        pass


def test_the_case_page_shows_badges_and_the_suggestion_is_taken_with_its_button(
    settings: Settings, db: Database, world: World
) -> None:
    admin = world.admin
    billing = create_category(db, admin.principal, CategoryCreate(name="Billing")).id
    access = create_category(db, admin.principal, CategoryCreate(name="Access")).id
    assist_settings.set_settings(db, admin.principal, AssistSettingsIn(min_examples=2))
    for title in ("Invoice charged twice", "Wrong invoice amount", "Refund the invoice"):
        make_case(db, admin, title=title, category_id=billing)
    for title in ("Cannot log in", "Password reset never arrives", "Locked out at log in"):
        make_case(db, admin, title=title, category_id=access)
    models.train_corporation(db, world.corporation_id, utcnow())
    case = make_case(db, world.agent_a, title="My invoice was charged twice")
    messages.add_message(
        db,
        world.agent_a.principal,
        case.id,
        MessageCreate(
            visibility="external",
            direction="inbound",
            body_text="Ich bin sehr enttäuscht, die Rechnung ist doppelt und falsch.",
        ),
    )
    _run(db)
    alice = agent_client(settings, db, world.agent_a.email)
    html = alice.get(f"/console/cases/{case.id}").text
    assert markup_problems(html) == []
    assert ">DE<" in html and "sentiment-negative" in html
    assert "Suggested category: Billing" in html
    listed = alice.get("/console/cases").text
    assert "Suggested: Billing" in listed and ">DE<" in listed

    answer = alice.post(
        f"/console/cases/{case.id}/assist/accept",
        data={"csrf_token": csrf(alice)},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert get_case(db, world.agent_a.principal, case.id).category_id == billing
    assert "Use suggestion" not in alice.get(f"/console/cases/{case.id}").text
    forged = alice.post(f"/console/cases/{case.id}/assist/refuse", data={"csrf_token": "x"})
    assert forged.status_code == 403


def test_similar_cases_link_and_merge_and_the_duplicate_warning(
    settings: Settings, db: Database, world: World
) -> None:
    query = make_case(db, world.agent_a, title=JAM, group_id=world.group_a)
    alike = make_case(db, world.agent_a, title=f"Again {JAM}", group_id=world.group_a)
    hidden = make_case(db, world.admin, title=f"Also {JAM}", group_id=world.group_b)
    _run(db)
    alice = agent_client(settings, db, world.agent_a.email)
    html = alice.get(f"/console/cases/{query.id}").text
    assert markup_problems(html) == []
    panel = html.split('id="assist"', 1)[1].split("</section>", 1)[0]
    assert f'/console/cases/{alike.id}"' in panel
    assert f"/console/cases/{hidden.id}" not in panel and "Also NovaPrint" not in panel
    token = csrf(alice)
    linked = alice.post(
        f"/console/cases/{query.id}/links",
        data={"csrf_token": token, "kind": "related", "other": f"id:{alike.id}"},
        follow_redirects=False,
    )
    assert linked.status_code == 303
    assert alike.id in get_links(db, world.agent_a.principal, query.id).related
    merged = alice.post(
        f"/console/cases/{query.id}/merge",
        data={"csrf_token": token, "into": f"id:{alike.id}", "confirm": "yes"},
        follow_redirects=False,
    )
    assert merged.status_code == 303
    assert get_case(db, world.agent_a.principal, query.id).merged_into_id == alike.id


def test_the_admin_page_turns_parts_off(settings: Settings, db: Database, world: World) -> None:
    admin = agent_client(settings, db, world.admin.email)
    page = admin.get("/console/admin/assist")
    assert page.status_code == 200 and markup_problems(page.text) == []
    saved = admin.post(
        "/console/admin/assist",
        data={"csrf_token": csrf(admin), "language": "1", "min_examples": "5"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    now = assist_settings.get_settings(db, world.admin.principal)
    assert (now.language, now.sentiment, now.category, now.similar) == (True, False, False, False)
    assert now.min_examples == 5 and now.auto_apply_confidence is None
    bad = admin.post(
        "/console/admin/assist",
        data={"csrf_token": csrf(admin), "min_examples": "1"},
        follow_redirects=False,
    )
    assert 400 <= bad.status_code < 500
    alice = agent_client(settings, db, world.agent_a.email)
    assert alice.get("/console/admin/assist").status_code == 403
