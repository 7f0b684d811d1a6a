"""The customer use-cases: a case opened for a new or known caller in one write,
merging duplicate contacts, portal invitations, and the customer panel's cases, which
leave out every case of a group the agent is not in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casedesk.domain.errors import Forbidden, NotFound, Unauthenticated, ValidationFailed
from casedesk.services.cases import messages
from casedesk.services.cases.core import get_case
from casedesk.services.cases.schemas import CaseCreate, MessageCreate
from casedesk.services.customers import merging, overview, portal_access
from casedesk.services.customers.intake import CallerCase, open_case_for_caller
from casedesk.services.identity import web_sessions
from casedesk.services.reference.contacts import ContactCreate, Phone, get_contact, list_contacts
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, Contact, OutboxEvent
from tests.factories import make_case
from tests.services.portal.world import PortalWorld, add_contact, make_portal_world


@pytest.fixture
def pw(db: Database) -> PortalWorld:
    return make_portal_world(db)


def _count_contacts(db: Database) -> int:
    with db.read() as s:
        return len(s.scalars(select(Contact.id)).all())


def test_a_call_from_someone_new_opens_the_case_and_adds_the_contact(
    db: Database, pw: PortalWorld
) -> None:
    agent = pw.base.agent_a.principal
    opened = open_case_for_caller(
        db,
        agent,
        CallerCase(
            case=CaseCreate(title="Cannot print invoices", origin="phone"),
            new_contact=ContactCreate(
                first_name="Nora",
                last_name="New",
                organization_id=pw.organization,
                emails=["nora@customer.example"],
                phones=[Phone(number="+44 20 7946 0001")],
            ),
            first_reply="We are looking into it",
        ),
    )
    assert opened.origin == "phone" and opened.contact_id is not None
    # The organization and its group come from the new contact.
    assert (opened.organization_id, opened.group_id) == (pw.organization, pw.base.group_a)
    (reply,) = messages.list_messages(db, agent, opened.id)
    assert (reply.visibility, reply.direction) == ("external", "outbound")
    assert [c.id for c in list_contacts(db, agent, q="7946")] == [opened.contact_id]


def test_a_refused_case_leaves_no_new_contact_behind(db: Database, pw: PortalWorld) -> None:
    before = _count_contacts(db)
    with pytest.raises(ValidationFailed):
        open_case_for_caller(
            db,
            pw.base.agent_a.principal,
            CallerCase(
                case=CaseCreate(title="Nope", priority_id=999_999),
                new_contact=ContactCreate(first_name="Ghost"),
            ),
        )
    assert _count_contacts(db) == before


def test_a_contact_is_picked_or_entered_not_both(db: Database, pw: PortalWorld) -> None:
    with pytest.raises(ValidationFailed):
        open_case_for_caller(
            db,
            pw.base.agent_a.principal,
            CallerCase(
                case=CaseCreate(title="Both", contact_id=pw.carol.contact_id),
                new_contact=ContactCreate(first_name="Ghost"),
            ),
        )


def test_contacts_are_found_by_organization_name(db: Database, pw: PortalWorld) -> None:
    found = list_contacts(db, pw.base.agent_a.principal, q="customer ltd")
    assert {c.id for c in found} == {pw.carol.contact_id, pw.dave.contact_id}


def test_the_panel_shows_only_cases_of_the_agents_groups(db: Database, pw: PortalWorld) -> None:
    here = pw.case_for(pw.carol, "Here")
    other = pw.case_for(pw.carol, "Other open")
    hidden = make_case(
        db,
        pw.base.admin,
        title="Group B secret",
        contact_id=pw.carol.contact_id,
        organization_id=pw.organization,
        group_id=pw.base.group_b,
    )
    daves = pw.case_for(pw.dave, "Dave's case")
    panel = overview.customer_panel(db, pw.base.agent_a.principal, here)
    assert panel.contact is not None and panel.contact.id == pw.carol.contact_id
    assert panel.organization is not None and panel.organization.id == pw.organization
    assert [c.id for c in panel.contact_open] == [other.id]
    assert {c.id for c in panel.organization_open} == {other.id, daves.id}
    admin_panel = overview.customer_panel(db, pw.base.admin.principal, here)
    assert hidden.id in {c.id for c in admin_panel.contact_open}


def test_merging_moves_cases_messages_and_addresses_and_is_audited(
    db: Database, pw: PortalWorld
) -> None:
    admin = pw.base.admin.principal
    dup = add_contact(db, pw.base.corporation_id, "Carol", "carol@home.example", None)
    case = pw.case_for(dup, "Logged under the duplicate")
    messages.add_message(
        db,
        admin,
        case.id,
        MessageCreate(direction="inbound", body_text="hi", contact_id=dup.contact_id),
    )
    shared = pw.case_for(pw.carol, "Both on it")
    version = get_case(db, admin, case.id).version

    moved = merging.merge_contacts(db, admin, dup.contact_id, pw.carol.contact_id)

    assert moved.case_ids == [case.id] and moved.messages == 1
    assert get_case(db, admin, case.id).contact_id == pw.carol.contact_id
    assert get_case(db, admin, case.id).version > version
    assert get_case(db, admin, shared.id).contact_id == pw.carol.contact_id
    (message,) = messages.list_messages(db, admin, case.id)
    assert message.author_contact_id == pw.carol.contact_id
    carol = get_contact(db, admin, pw.carol.contact_id)
    assert carol.emails == ["carol@customer.example", "carol@home.example"]
    with pytest.raises(NotFound):
        get_contact(db, admin, dup.contact_id)
    with db.read() as s:
        actions = set(s.scalars(select(AuditEntry.action)).all())
    assert {"contact.merged", "contact.merged_away", "case.contact_merged"} <= actions


def test_a_refused_merge_changes_nothing(db: Database, pw: PortalWorld) -> None:
    with pytest.raises(Forbidden):
        merging.merge_contacts(
            db, pw.base.agent_a.principal, pw.dave.contact_id, pw.carol.contact_id
        )
    with pytest.raises(ValidationFailed):
        merging.merge_contacts(
            db, pw.base.admin.principal, pw.carol.contact_id, pw.carol.contact_id
        )
    with pytest.raises(NotFound):
        merging.merge_contacts(db, pw.base.admin.principal, pw.dave.contact_id, 999_999)
    assert get_contact(db, pw.base.admin.principal, pw.dave.contact_id).emails


def test_reset_ends_portal_sessions_and_mails_a_new_link(db: Database, pw: PortalWorld) -> None:
    signed = web_sessions.sign_in_contact(
        db, "carol@customer.example", "customer portal secret", client="test"
    )
    address = portal_access.send_portal_link(
        db, pw.base.admin.principal, pw.carol.contact_id, "reset", "https://help.example"
    )
    assert address == "carol@customer.example"
    assert not get_contact(db, pw.base.admin.principal, pw.carol.contact_id).has_portal_password
    with pytest.raises(Unauthenticated):
        web_sessions.contact_session(db, signed.token)
    with db.read() as s:
        (event,) = s.scalars(
            select(OutboxEvent).where(OutboxEvent.topic == "contact.sign_in_link")
        ).all()
    url = event.payload["url"]
    assert url.startswith("https://help.example/portal/sign-in/link/")
    session = web_sessions.redeem_sign_in_link(db, url.rsplit("/", 1)[1])
    assert session.token


def test_only_managers_invite_and_a_contact_needs_an_address(db: Database, pw: PortalWorld) -> None:
    with pytest.raises(Forbidden):
        portal_access.send_portal_link(
            db, pw.base.agent_a.principal, pw.carol.contact_id, "invite", "https://h.example"
        )
    nameless = open_case_for_caller(
        db,
        pw.base.agent_a.principal,
        CallerCase(case=CaseCreate(title="Walk-in"), new_contact=ContactCreate(first_name="Zed")),
    )
    assert nameless.contact_id is not None
    with pytest.raises(ValidationFailed):
        portal_access.send_portal_link(
            db, pw.base.admin.principal, nameless.contact_id, "invite", "https://h.example"
        )
