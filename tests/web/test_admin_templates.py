"""The case templates page keeps the fields it does not show, and a template made on
it opens cases."""

from __future__ import annotations

from casedesk.services.cases import templates
from casedesk.services.cases.templates import TemplateCreate, TemplateFields
from casedesk.store.db import Database
from tests.factories import World
from tests.web.admin_client import Browser, redirected_to


def test_editing_keeps_fields_set_through_the_api(
    admin: Browser, db: Database, world: World
) -> None:
    made = templates.create_template(
        db,
        world.admin.principal,
        TemplateCreate(
            name="Onboarding",
            fields=TemplateFields(title="New starter", customer_reference="HR-1"),
        ),
    )
    page = admin.get(f"/console/admin/templates/{made.id}").text
    assert "customer_reference" in page
    redirected_to(
        admin.post(
            f"/console/admin/templates/{made.id}",
            {"name": "Onboarding", "title": "New colleague", "group_id": str(world.group_a)},
        )
    )
    fields = templates.get_template(db, world.admin.principal, made.id).fields
    assert fields == {
        "title": "New colleague",
        "group_id": world.group_a,
        "customer_reference": "HR-1",
    }


def test_a_template_made_on_the_page_opens_cases(
    admin: Browser, db: Database, world: World
) -> None:
    redirected_to(
        admin.post(
            "/console/admin/templates",
            {"name": "VPN", "title": "VPN down", "tags": "vpn, network", "group_id": ""},
        )
    )
    [row] = templates.list_templates(db, world.admin.principal)
    case = templates.open_from_template(db, world.agent_a.principal, row.id)
    assert case.title == "VPN down"
