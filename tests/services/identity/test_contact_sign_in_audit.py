"""A contact's sign-in, by password or by link, leaves an audit record; a failed one
does not sign in and records nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casedesk.domain.errors import Unauthenticated
from casedesk.services.identity import web_sessions
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry
from tests.services.portal.world import PORTAL_PASSWORD, make_portal_world


def _sign_ins(db: Database) -> list[tuple[int, dict[str, object]]]:
    with db.read() as s:
        rows = s.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "contact.signed_in")
            .order_by(AuditEntry.id)
        ).all()
        return [(r.entity_id, r.changes) for r in rows]


def test_contact_sign_ins_are_audited_with_their_method(db: Database) -> None:
    world = make_portal_world(db)
    web_sessions.sign_in_contact(db, "carol@customer.example", PORTAL_PASSWORD, "10.0.0.1")
    with db.write() as s:
        issued = web_sessions.issue_sign_in_link(s, "dave@customer.example", utcnow())
    assert issued is not None
    web_sessions.redeem_sign_in_link(db, issued[1])
    with pytest.raises(Unauthenticated):
        web_sessions.sign_in_contact(db, "carol@customer.example", "wrong guess", "10.0.0.1")

    assert _sign_ins(db) == [
        (world.carol.contact_id, {"method": {"from": None, "to": "password"}}),
        (world.dave.contact_id, {"method": {"from": None, "to": "link"}}),
    ]
