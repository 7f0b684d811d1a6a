"""What the console shows of a customer's messages."""

from __future__ import annotations

from casedesk.config import Settings
from casedesk.services.portal import writes
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from tests.services.portal.world import make_portal_world
from tests.web.console_support import agent_client


def test_a_customers_message_names_them_and_the_description_shows_once(
    settings: Settings, db: Database
) -> None:
    world = make_portal_world(db)
    case_id = writes.open_case(
        db,
        LocalBlobStore(settings.attachments_dir),
        world.carol,
        "Monitor <flickers>",
        "It flickers when it is cold.",
        files=[],
        max_bytes=settings.max_attachment_bytes,
    )
    page = agent_client(settings, db, world.base.agent_a.email).get(f"/console/cases/{case_id}")
    assert page.status_code == 200
    assert "From the customer" in page.text
    assert "Carol Customer" in page.text
    assert "It flickers when it is cold." in page.text
    assert '<span class="kind">Description</span>' not in page.text
    assert "Monitor &lt;flickers&gt;" in page.text
