"""A desk from before the case row held its assignee gets it from the case's members
when it is upgraded, so its agents' lists are complete from the first request."""

from __future__ import annotations

from sqlalchemy import select

from casedesk.services.cases import members
from casedesk.store.db import Database
from casedesk.store.migrate import downgrade, upgrade
from casedesk.store.models import Case
from tests.factories import make_case, make_world


def test_upgrading_sets_each_cases_assignee_from_its_members(fresh_database_url: str) -> None:
    upgrade(fresh_database_url)
    db = Database(fresh_database_url)
    try:
        world = make_world(db)
        alice, bob = world.agent_a, world.agent_b
        kept = make_case(db, world.admin, title="kept", assignee_id=alice.user_id)
        ended = make_case(db, world.admin, title="ended", assignee_id=alice.user_id)
        members.end_member(db, world.admin.principal, ended.id, 1, alice.user_id)
        other = make_case(db, world.admin, title="other", assignee_id=bob.user_id)
        nobody = make_case(db, world.admin, title="nobody")
        db.engine.dispose()
        downgrade(fresh_database_url, "0037")  # the schema before, the members kept
        upgrade(fresh_database_url)
        with db.read() as s:
            found = {i: a for i, a in s.execute(select(Case.id, Case.assignee_id))}
        assert found == {
            kept.id: alice.user_id,
            ended.id: None,
            other.id: bob.user_id,
            nobody.id: None,
        }
    finally:
        db.engine.dispose()
