"""Members of a case through the use-cases: roles, replacement with history, and the
assignee/contact fields of a case kept in step with the members."""

from __future__ import annotations

import pytest

from casedesk.domain.errors import ValidationFailed
from casedesk.services.cases import core as cases
from casedesk.services.cases import history, members
from casedesk.services.cases.schemas import CasePatch, MemberCreate, MemberOut
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store.db import Database
from casedesk.store.models import Contact
from tests.factories import World, make_actor, make_case, make_world


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def add_contact(db: Database, corporation_id: int, name: str = "Carla") -> int:
    with db.write() as s:
        row = Contact(corporation_id=corporation_id, first_name=name)
        s.add(row)
        s.flush()
        return row.id


def add(db: Database, world: World, case_id: int, role: int, **party: int) -> list[MemberOut]:
    return members.add_member(
        db, world.agent_a.principal, case_id, MemberCreate.model_validate({"role": role, **party})
    )


def active(rows: list[MemberOut], role: int) -> list[int | None]:
    return [r.contact_id if role == 20 else r.user_id for r in rows if r.active and r.role == role]


def test_assigning_replaces_the_assignee_and_keeps_the_old_one_ended(
    db: Database, world: World
) -> None:
    case = make_case(db, world.agent_a)
    add(db, world, case.id, 1, user_id=world.agent_a.user_id)
    rows = add(db, world, case.id, 1, user_id=world.admin.user_id)

    assert [(r.role, r.user_id, r.active) for r in rows] == [
        (1, world.agent_a.user_id, False),
        (1, world.admin.user_id, True),
    ]
    assert rows[0].end_at == rows[1].start_at
    assert rows[0].end_at is not None and rows[0].start_at <= rows[0].end_at
    out = cases.get_case(db, world.agent_a.principal, case.id)
    assert out.assignee_id == world.admin.user_id
    assert out.members == rows
    assert members.list_members(db, world.agent_a.principal, case.id) == rows


def test_contact_is_single_active_too(db: Database, world: World) -> None:
    first, second = add_contact(db, world.corporation_id), add_contact(db, world.corporation_id)
    case = make_case(db, world.agent_a, contact_id=first)
    assert case.contact_id == first
    rows = add(db, world, case.id, 20, contact_id=second)
    assert active(rows, 20) == [second]
    assert [(r.contact_id, r.active) for r in rows] == [(first, False), (second, True)]
    assert cases.get_case(db, world.agent_a.principal, case.id).contact_id == second


def test_followers_may_be_many_and_end_one_by_one(db: Database, world: World) -> None:
    case = make_case(db, world.agent_a)
    for user in (world.agent_a, world.agent_b, world.admin):
        rows = add(db, world, case.id, 2, user_id=user.user_id)
    assert active(rows, 2) == [world.agent_a.user_id, world.agent_b.user_id, world.admin.user_id]

    rows = members.end_member(db, world.agent_a.principal, case.id, 2, world.agent_b.user_id)
    assert active(rows, 2) == [world.agent_a.user_id, world.admin.user_id]
    assert len(rows) == 3  # ended, not removed
    ended = next(r for r in rows if r.user_id == world.agent_b.user_id)
    assert ended.end_at is not None and not ended.active


def test_re_adding_an_active_member_is_a_no_op(db: Database, world: World) -> None:
    case = make_case(db, world.agent_a)
    before = add(db, world, case.id, 2, user_id=world.agent_b.user_id)
    version = cases.get_case(db, world.agent_a.principal, case.id).version
    audit_count = len(history.case_history(db, world.agent_a.principal, case.id).audit)

    assert add(db, world, case.id, 2, user_id=world.agent_b.user_id) == before
    after = cases.get_case(db, world.agent_a.principal, case.id)
    assert after.version == version
    assert len(history.case_history(db, world.agent_a.principal, case.id).audit) == audit_count


def test_ending_a_member_who_is_not_active_is_refused(db: Database, world: World) -> None:
    case = make_case(db, world.agent_a, assignee_id=world.agent_a.user_id)
    for role, party in ((2, world.agent_a.user_id), (1, world.agent_b.user_id), (20, 12345)):
        with pytest.raises(ValidationFailed) as err:
            members.end_member(db, world.agent_a.principal, case.id, role, party)
        assert err.value.field == "party"
    with pytest.raises(ValidationFailed) as err:
        members.end_member(db, world.agent_a.principal, case.id, 3, world.agent_a.user_id)
    assert err.value.field == "role"
    assert cases.get_case(db, world.agent_a.principal, case.id).assignee_id == world.agent_a.user_id


def test_ending_the_assignee_unassigns_the_case(db: Database, world: World) -> None:
    case = make_case(db, world.agent_a, assignee_id=world.agent_a.user_id)
    rows = members.end_member(db, world.agent_a.principal, case.id, 1, world.agent_a.user_id)
    assert active(rows, 1) == []
    assert cases.get_case(db, world.agent_a.principal, case.id).assignee_id is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": 1}, "user_id"),
        ({"role": 2, "contact_id": 1}, "user_id"),
        ({"role": 1, "user_id": 1, "contact_id": 1}, "user_id"),
        ({"role": 20}, "contact_id"),
        ({"role": 20, "user_id": 1}, "contact_id"),
    ],
)
def test_a_role_takes_its_kind_of_party_only(
    db: Database, world: World, body: dict[str, int], field: str
) -> None:
    case = make_case(db, world.agent_a)
    with pytest.raises(ValidationFailed) as err:
        members.add_member(db, world.agent_a.principal, case.id, MemberCreate.model_validate(body))
    assert err.value.field == field


def test_members_must_exist_in_the_corporation(db: Database, world: World) -> None:
    with db.write() as s:
        other = create_corporation(s, "Globex").id
    outsider = make_actor(db, "olga@globex.test", "agent", ["X"], other)
    foreign_contact = add_contact(db, other)
    case = make_case(db, world.agent_a)
    for role, party in (
        (1, {"user_id": outsider.user_id}),
        (2, {"user_id": 999_999}),
        (20, {"contact_id": foreign_contact}),
        (20, {"contact_id": 999_999}),
    ):
        with pytest.raises(ValidationFailed):
            add(db, world, case.id, role, **party)
    assert members.list_members(db, world.agent_a.principal, case.id) == []


def test_case_fields_assignee_and_contact_are_members_with_history(
    db: Database, world: World
) -> None:
    contact = add_contact(db, world.corporation_id)
    case = make_case(
        db,
        world.agent_a,
        assignee_id=world.agent_a.user_id,
        contact_id=contact,
        follower_ids=[world.agent_b.user_id, world.admin.user_id, world.agent_b.user_id],
    )
    assert case.assignee_id == world.agent_a.user_id
    assert sorted((m.role, m.user_id or m.contact_id) for m in case.members) == sorted(
        [
            (1, world.agent_a.user_id),
            (20, contact),
            (2, world.agent_b.user_id),
            (2, world.admin.user_id),
        ]
    )

    out = cases.update_case(
        db, world.agent_a.principal, case.id, CasePatch(assignee_id=world.agent_b.user_id)
    )
    assert out.assignee_id == world.agent_b.user_id
    out = cases.update_case(db, world.agent_a.principal, case.id, CasePatch(assignee_id=None))
    assert out.assignee_id is None
    assignments = [(m.user_id, m.active) for m in out.members if m.role == 1]
    assert assignments == [(world.agent_a.user_id, False), (world.agent_b.user_id, False)]
    audit = history.case_history(db, world.agent_a.principal, case.id).audit
    assert audit[-1].changes == {"assignee_id": {"from": world.agent_b.user_id, "to": None}}


def test_unknown_follower_on_create_is_refused_and_nothing_written(
    db: Database, world: World
) -> None:
    with pytest.raises(ValidationFailed) as err:
        make_case(db, world.agent_a, follower_ids=[999_999])
    assert err.value.field == "follower_ids"
    assert make_case(db, world.agent_a).number == 1
