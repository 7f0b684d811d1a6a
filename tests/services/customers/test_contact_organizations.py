"""A contact in several organizations: the portal's organization view shows the cases
of each of them (and only those), a merge leaves the staying contact in the
organizations of both, the email channel lets a member add to any of their
organizations' cases, and the migration keeps every contact's organization."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.permissions import ContactCaller
from casedesk.services.cases.core import update_case
from casedesk.services.cases.schemas import CasePatch
from casedesk.services.customers import merging
from casedesk.services.portal import reads as portal
from casedesk.services.reference.contacts import (
    ContactCreate,
    ContactPatch,
    create_contact,
    get_contact,
    update_contact,
)
from casedesk.store.db import Database
from casedesk.store.migrate import downgrade, upgrade
from casedesk.store.models import Contact, ContactOrganization, Organization
from tests.factories import World, make_case, make_world
from tests.services.portal.world import PortalWorld, add_contact, make_portal_world


@pytest.fixture
def pw(db: Database) -> PortalWorld:
    return make_portal_world(db)


def _organization(db: Database, corporation_id: int, name: str) -> int:
    with db.write() as s:
        org = Organization(corporation_id=corporation_id, name=name)
        s.add(org)
        s.flush()
        return org.id


def test_the_portal_organization_view_covers_each_organization(
    pw: PortalWorld, db: Database
) -> None:
    admin = pw.base.admin.principal
    other = _organization(db, pw.base.corporation_id, "Second Ltd")
    third = _organization(db, pw.base.corporation_id, "Third Ltd")
    # Dave sees his organizations' cases; now he belongs to a second one too.
    update_contact(
        db, admin, pw.dave.contact_id, ContactPatch(organization_ids=[pw.organization, other])
    )
    carols = pw.case_for(pw.carol, "Carol's printer")  # for Customer Ltd
    frank = add_contact(db, pw.base.corporation_id, "Frank", "frank@second.example", other)
    franks = make_case(
        db, pw.base.admin, title="Frank's fax", contact_id=frank.contact_id, organization_id=other
    )
    thirds = make_case(db, pw.base.admin, title="Elsewhere", organization_id=third)
    seen = {c.id for c in portal.list_cases(db, pw.dave)}
    assert seen == {carols.id, franks.id}
    assert portal.get_case(db, pw.dave, franks.id).title == "Frank's fax"
    with pytest.raises(NotFound):
        portal.get_case(db, pw.dave, thirds.id)
    # Frank belongs to Second Ltd only and may not see the organization's cases.
    assert {c.id for c in portal.list_cases(db, frank)} == {franks.id}
    # A case moved to the other organization leaves the view of the first one's members.
    update_case(db, admin, franks.id, CasePatch(contact_id=None, organization_id=third))
    assert {c.id for c in portal.list_cases(db, pw.dave)} == {carols.id}
    # Leaving an organization ends the view of its cases at once.
    update_contact(db, admin, pw.dave.contact_id, ContactPatch(organization_ids=[other]))
    assert {c.id for c in portal.list_cases(db, pw.dave)} == set()


def test_a_contact_in_no_organization_sees_no_organization_cases(
    pw: PortalWorld, db: Database
) -> None:
    erin = add_contact(db, pw.base.corporation_id, "Eve", "eve@home.example", None)
    lonely = ContactCaller(erin.contact_id, erin.corporation_id, None, True)
    pw.case_for(pw.carol)
    make_case(db, pw.base.admin, title="No organization")
    assert portal.list_cases(db, lonely) == []


def test_merging_two_contacts_unions_their_organizations(db: Database) -> None:
    world = make_world(db)
    admin = world.admin.principal
    a, b, c = (_organization(db, world.corporation_id, n) for n in ("A Ltd", "B Ltd", "C Ltd"))
    into = create_contact(db, admin, ContactCreate(last_name="Stays", organization_ids=[a, b]))
    dup = create_contact(db, admin, ContactCreate(last_name="Goes", organization_ids=[c, b]))
    case = make_case(db, world.admin, title="Via the duplicate", contact_id=dup.id)
    assert case.organization_id == c
    merging.merge_contacts(db, admin, dup.id, into.id)
    merged = get_contact(db, admin, into.id)
    assert (merged.organization_id, merged.organization_ids) == (a, [a, b, c])
    with db.read() as s:
        rows = s.scalars(select(ContactOrganization.contact_id)).all()
    assert sorted(rows) == [into.id] * 3
    # The moved case keeps its organization, which is one of the staying contact's.
    moved = update_case(db, admin, case.id, CasePatch(title="Still for C"))
    assert (moved.contact_id, moved.organization_id) == (into.id, c)


def test_a_contact_without_organizations_takes_the_duplicates(db: Database) -> None:
    world = make_world(db)
    admin = world.admin.principal
    a = _organization(db, world.corporation_id, "A Ltd")
    into = create_contact(db, admin, ContactCreate(last_name="Stays"))
    dup = create_contact(db, admin, ContactCreate(last_name="Goes", organization_id=a))
    merging.merge_contacts(db, admin, dup.id, into.id)
    merged = get_contact(db, admin, into.id)
    assert (merged.organization_id, merged.organization_ids) == (a, [a])


def test_the_primary_alone_is_replaced_and_the_other_memberships_stay(db: Database) -> None:
    world = make_world(db)
    admin = world.admin.principal
    a, b, c = (_organization(db, world.corporation_id, n) for n in ("A Ltd", "B Ltd", "C Ltd"))
    contact = create_contact(db, admin, ContactCreate(last_name="X", organization_ids=[a, b]))
    changed = update_contact(db, admin, contact.id, ContactPatch(organization_id=c))
    assert (changed.organization_id, changed.organization_ids) == (c, [c, b])
    cleared = update_contact(db, admin, contact.id, ContactPatch(organization_id=None))
    assert (cleared.organization_id, cleared.organization_ids) == (b, [b])
    gone = update_contact(db, admin, contact.id, ContactPatch(organization_ids=[]))
    assert (gone.organization_id, gone.organization_ids) == (None, [])


def test_a_case_follows_its_new_contact_to_their_organization(db: Database) -> None:
    world = make_world(db)
    admin = world.admin.principal
    a, b = (_organization(db, world.corporation_id, n) for n in ("A Ltd", "B Ltd"))
    first = create_contact(db, admin, ContactCreate(last_name="First", organization_id=a))
    second = create_contact(db, admin, ContactCreate(last_name="Second", organization_id=b))
    case = make_case(db, world.admin, title="Moves", contact_id=first.id)
    assert case.organization_id == a
    moved = update_case(db, admin, case.id, CasePatch(contact_id=second.id))
    assert moved.organization_id == b
    with pytest.raises(ValidationFailed) as refused:
        update_case(db, admin, case.id, CasePatch(contact_id=first.id, organization_id=b))
    assert refused.value.extra.get("field") == "organization_id"


def test_the_migration_keeps_each_contacts_organization(fresh_database_url: str) -> None:
    upgrade(fresh_database_url)
    db = Database(fresh_database_url)
    try:
        world: World = make_world(db)
        org = _organization(db, world.corporation_id, "Kept Ltd")
        with db.write() as s:
            s.add(Contact(corporation_id=world.corporation_id, last_name="In", organization_id=org))
            s.add(Contact(corporation_id=world.corporation_id, last_name="Out"))
        db.engine.dispose()
        downgrade(fresh_database_url, "0033-1")  # before memberships: the column only
        upgrade(fresh_database_url)
        with db.read() as s:
            rows = s.execute(
                select(Contact.last_name, ContactOrganization.organization_id).join(
                    ContactOrganization, ContactOrganization.contact_id == Contact.id
                )
            ).all()
            contact_id = s.scalar(select(Contact.id).where(Contact.last_name == "In"))
        assert [tuple(r) for r in rows] == [("In", org)]
        assert contact_id is not None
        assert get_contact(db, world.admin.principal, contact_id).organization_ids == [org]
    finally:
        db.engine.dispose()
