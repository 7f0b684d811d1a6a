"""The search box: a case by number or reference, contacts by name or email,
organizations by name, cases by text, grouped; never a case of another group."""

from __future__ import annotations

import pytest

from casedesk.services.cases.finder import find
from casedesk.store.db import Database
from tests.factories import make_case
from tests.services.portal.world import PortalWorld, make_portal_world


@pytest.fixture
def pw(db: Database) -> PortalWorld:
    return make_portal_world(db)


def test_the_box_finds_the_obvious_grouped(db: Database, pw: PortalWorld) -> None:
    alice = pw.base.agent_a.principal
    printer = pw.case_for(pw.carol, "Printer jammed on floor 3")
    other = pw.case_for(pw.dave, "Scanner is slow")

    for text in (printer.reference, str(printer.number), printer.reference.lower()):
        found = find(db, alice, text)
        assert found.by_number is not None and found.by_number.id == printer.id, text
    assert find(db, alice, f"id:{other.id}").by_number is not None

    by_name = find(db, alice, "carol")
    assert [c.emails for c in by_name.contacts] == [["carol@customer.example"]]
    by_email = find(db, alice, "dave@customer")
    assert [c.first_name for c in by_email.contacts] == ["Dave"]
    by_org = find(db, alice, "customer ltd")
    assert [o.name for o in by_org.organizations] == ["Customer Ltd"]
    by_text = find(db, alice, "scanner")
    assert [c.id for c in by_text.cases] == [other.id] and by_text.by_number is None
    assert find(db, alice, "   ").empty
    assert find(db, alice, "zzz-nothing").empty


def test_the_box_never_shows_a_case_of_another_group(db: Database, pw: PortalWorld) -> None:
    hidden = make_case(db, pw.base.agent_b, title="Secret merger plans")
    alice = pw.base.agent_a.principal
    assert find(db, alice, hidden.reference).by_number is None
    assert find(db, alice, str(hidden.number)).by_number is None
    assert find(db, alice, f"id:{hidden.id}").by_number is None
    assert find(db, alice, "merger").cases == []
    bob = pw.base.agent_b.principal
    assert find(db, bob, "merger").cases[0].id == hidden.id
