"""Case use-cases against a real store: opening with defaults, status precedence, the
reopen rule on messages, soft delete, custom fields and links."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from casedesk.domain.errors import Forbidden, NotFound, ValidationFailed
from casedesk.domain.statuses import InternalStatus
from casedesk.services.cases import core as cases
from casedesk.services.cases import history, links, messages
from casedesk.services.cases.schemas import CaseCreate, CasePatch, LinkCreate, MessageCreate
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store.db import Database
from casedesk.store.models import (
    Case,
    CaseStatus,
    CustomFieldDefinition,
    Group,
    Priority,
    Queue,
)
from tests.factories import World, make_actor, make_case, make_world

S = InternalStatus
T0 = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def default_status(db: Database, corp: int, internal: InternalStatus) -> int:
    with db.read() as s:
        return s.scalars(
            select(CaseStatus.id).where(
                CaseStatus.corporation_id == corp,
                CaseStatus.internal_status == int(internal),
                CaseStatus.is_default.is_(True),
            )
        ).one()


def add_status(db: Database, corp: int, name: str, internal: InternalStatus) -> int:
    with db.write() as s:
        row = CaseStatus(
            corporation_id=corp,
            name=name,
            internal_status=int(internal),
            is_default=False,
            clock="internal",
        )
        s.add(row)
        s.flush()
        return row.id


def case_count(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Case)) or 0)


def patch(db: Database, world: World, case_id: int, **fields: Any) -> Any:
    return cases.update_case(db, world.agent_a.principal, case_id, CasePatch(**fields))


def inbound(db: Database, world: World, case_id: int, now: datetime | None = None) -> None:
    messages.add_message(
        db,
        world.agent_a.principal,
        case_id,
        MessageCreate(visibility="external", direction="inbound", body_text="Any news?"),
        now=now,
    )


# --------------------------------------------------------------------------- open


def test_open_case_applies_the_defaults(db: Database, world: World) -> None:
    out = cases.open_case(
        db, world.agent_a.principal, CaseCreate(title="  Printer on fire "), now=T0
    )

    open_id = default_status(db, world.corporation_id, S.OPEN)
    with db.read() as s:
        medium = s.scalars(
            select(Priority.id).where(
                Priority.corporation_id == world.corporation_id, Priority.is_default.is_(True)
            )
        ).one()
    assert out.title == "Printer on fire"
    assert out.description == ""
    assert (out.number, out.reference) == (1, "TCK-1")
    assert (out.status, out.status_id) == (1, open_id)
    assert out.last_open_status_id == open_id
    assert out.priority_id == medium
    assert out.group_id == world.group_a
    assert out.creator_id == world.agent_a.user_id
    assert out.origin == "api"
    assert out.version == 1
    assert out.created_at == out.updated_at == out.status_changed_at == T0
    assert out.closed_at is None
    assert out.first_response_at is None and out.internal_updated_at is None
    assert out.members == [] and out.tags == [] and out.custom_fields == {}
    assert cases.get_case(db, world.agent_a.principal, out.id) == out

    statuses = history.case_history(db, world.agent_a.principal, out.id).statuses
    assert [(h.status_id, h.from_status_id, h.reason) for h in statuses] == [
        (open_id, None, "created")
    ]


def test_numbers_are_sequential_per_corporation_with_its_prefix(db: Database, world: World) -> None:
    made = [make_case(db, world.agent_a), make_case(db, world.agent_b), make_case(db, world.admin)]
    assert [(c.number, c.reference) for c in made] == [(1, "TCK-1"), (2, "TCK-2"), (3, "TCK-3")]

    with db.write() as s:
        other = create_corporation(s, "Globex", "GX#").id
    outsider = make_actor(db, "olga@globex.test", "admin", [], other)
    first = make_case(db, outsider)
    assert (first.number, first.reference) == (1, "GX#1")
    assert make_case(db, world.agent_a).number == 4


def test_group_defaults_to_the_queue_group_then_the_callers_then_the_corporation_default(
    db: Database, world: World
) -> None:
    with db.write() as s:
        queue_b = Queue(corporation_id=world.corporation_id, name="Billing", group_id=world.group_b)
        s.add(queue_b)
        s.flush()
        queue_b_id = queue_b.id
        support = s.scalars(
            select(Group.id).where(
                Group.corporation_id == world.corporation_id, Group.is_default.is_(True)
            )
        ).one()

    assert make_case(db, world.admin, queue_id=queue_b_id).group_id == world.group_b
    # a queue of a group the agent does not see does not put the case there
    assert make_case(db, world.agent_a, queue_id=queue_b_id).group_id == world.group_a
    assert make_case(db, world.agent_b).group_id == world.group_b
    assert make_case(db, world.admin).group_id == support


def test_open_a_closed_case_as_in_the_minimal_example(db: Database, world: World) -> None:
    out = cases.open_case(
        db, world.agent_a.principal, CaseCreate(title="This case is closed", status=2), now=T0
    )
    assert out.status == 2
    assert out.status_id == default_status(db, world.corporation_id, S.CLOSED)
    assert out.closed_at == T0
    assert out.last_open_status_id is None


@pytest.mark.parametrize(
    "internal",
    [S.OPEN, S.CLOSED, S.AWAITING_EXTERNAL, S.SPAM, S.AWAITING_INTERNAL, S.ON_HOLD, S.DELETED],
)
def test_open_case_in_each_status_gets_its_default(
    db: Database, world: World, internal: InternalStatus
) -> None:
    out = make_case(db, world.admin, status=int(internal))
    assert (out.status, out.status_id) == (
        int(internal),
        default_status(db, world.corporation_id, internal),
    )


def test_a_case_cannot_be_opened_merged(db: Database, world: World) -> None:
    with pytest.raises(ValidationFailed) as err:
        make_case(db, world.admin, status=5)
    assert err.value.field == "status"
    assert case_count(db) == 0


# --------------------------------------------------------------------------- status precedence


def test_status_wins_over_a_status_id_of_another_internal_status(
    db: Database, world: World
) -> None:
    open_id = default_status(db, world.corporation_id, S.OPEN)
    out = make_case(db, world.agent_a, status=2, status_id=open_id)
    assert (out.status, out.status_id) == (2, default_status(db, world.corporation_id, S.CLOSED))


def test_status_with_a_matching_status_id_keeps_that_status_id(db: Database, world: World) -> None:
    in_progress = add_status(db, world.corporation_id, "In progress", S.OPEN)
    out = make_case(db, world.agent_a, status=1, status_id=in_progress)
    assert (out.status, out.status_id, out.last_open_status_id) == (1, in_progress, in_progress)


def test_status_id_alone_sets_its_internal_status(db: Database, world: World) -> None:
    resolved = add_status(db, world.corporation_id, "Resolved", S.CLOSED)
    out = make_case(db, world.agent_a, status_id=resolved)
    assert (out.status, out.status_id) == (2, resolved)
    assert out.closed_at is not None


@pytest.mark.parametrize("foreign", [True, False])
def test_unknown_status_id_is_refused_naming_it(db: Database, world: World, foreign: bool) -> None:
    bad = 999_999
    if foreign:
        with db.write() as s:
            other = create_corporation(s, "Globex")
            bad = s.scalars(
                select(CaseStatus.id).where(CaseStatus.corporation_id == other.id).limit(1)
            ).one()
    with pytest.raises(ValidationFailed) as err:
        make_case(db, world.agent_a, status_id=bad)
    assert err.value.field == "status_id"
    assert case_count(db) == 0


def test_update_status_precedence(db: Database, world: World) -> None:
    corp = world.corporation_id
    in_progress = add_status(db, corp, "In progress", S.OPEN)
    case = make_case(db, world.agent_a)

    out = patch(db, world, case.id, status=3, status_id=in_progress)
    assert (out.status, out.status_id) == (3, default_status(db, corp, S.AWAITING_EXTERNAL))
    out = patch(db, world, case.id, status_id=in_progress)
    assert (out.status, out.status_id, out.last_open_status_id) == (1, in_progress, in_progress)
    out = patch(db, world, case.id, title="Only the title")
    assert (out.status, out.status_id) == (1, in_progress)
    out = patch(db, world, case.id, status=1)
    assert out.status_id == default_status(db, corp, S.OPEN)

    statuses = history.case_history(db, world.agent_a.principal, case.id).statuses
    assert [h.internal_status for h in statuses] == [1, 3, 1, 1]
    assert [h.reason for h in statuses] == ["created", "manual", "manual", "manual"]


def test_closing_and_reopening_sets_and_clears_closed_at(db: Database, world: World) -> None:
    case = make_case(db, world.agent_a)
    closed = patch(db, world, case.id, status=2)
    assert closed.closed_at is not None
    assert patch(db, world, case.id, status=1).closed_at is None


def test_closing_needs_the_close_permission(db: Database, world: World) -> None:
    editor = make_actor(
        db,
        "ed@acme.test",
        "agent",
        ["A"],
        world.corporation_id,
        permissions=["view_case", "create_case", "edit_case"],
    )
    case = make_case(db, editor)
    with pytest.raises(Forbidden):
        cases.update_case(db, editor.principal, case.id, CasePatch(status=2))
    with pytest.raises(Forbidden):
        make_case(db, editor, status=2)
    assert cases.get_case(db, editor.principal, case.id).status == 1


def test_status_merged_is_reached_only_by_merging(db: Database, world: World) -> None:
    case = make_case(db, world.agent_a)
    with pytest.raises(ValidationFailed) as err:
        patch(db, world, case.id, status=5)
    assert err.value.field == "status"


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize("waiting", [S.CLOSED, S.AWAITING_EXTERNAL])
@pytest.mark.parametrize("last_open", [S.OPEN, S.AWAITING_INTERNAL])
def test_inbound_message_reopens_to_the_last_open_status(
    db: Database, world: World, waiting: InternalStatus, last_open: InternalStatus
) -> None:
    corp = world.corporation_id
    case = make_case(db, world.agent_a)
    patch(db, world, case.id, status=int(last_open))
    patch(db, world, case.id, status=int(waiting))

    later = datetime.now(UTC) + timedelta(minutes=5)
    inbound(db, world, case.id, now=later)

    out = cases.get_case(db, world.agent_a.principal, case.id)
    assert (out.status, out.status_id) == (int(last_open), default_status(db, corp, last_open))
    assert out.external_updated_at == later
    assert out.status_changed_at == later
    assert out.closed_at is None
    last = history.case_history(db, world.agent_a.principal, case.id).statuses[-1]
    assert (last.internal_status, last.reason, last.changed_by_id) == (
        int(last_open),
        "external-update",
        None,
    )


def test_inbound_message_on_a_case_opened_closed_reopens_to_the_default_open(
    db: Database, world: World
) -> None:
    case = make_case(db, world.agent_a, status=2)
    assert case.last_open_status_id is None
    inbound(db, world, case.id)
    out = cases.get_case(db, world.agent_a.principal, case.id)
    assert (out.status, out.status_id) == (1, default_status(db, world.corporation_id, S.OPEN))


def test_inbound_message_restores_a_non_default_last_open_status(
    db: Database, world: World
) -> None:
    second_line = add_status(db, world.corporation_id, "With second line", S.AWAITING_INTERNAL)
    case = make_case(db, world.agent_a, status_id=second_line)
    patch(db, world, case.id, status=3)
    inbound(db, world, case.id)
    assert cases.get_case(db, world.agent_a.principal, case.id).status_id == second_line


@pytest.mark.parametrize("stays", [S.OPEN, S.DELETED, S.SPAM, S.AWAITING_INTERNAL, S.ON_HOLD])
def test_inbound_message_leaves_other_statuses(
    db: Database, world: World, stays: InternalStatus
) -> None:
    case = make_case(db, world.admin, status=int(stays))
    messages.add_message(
        db,
        world.admin.principal,
        case.id,
        MessageCreate(visibility="external", direction="inbound", body_text="hello?"),
    )
    out = cases.get_case(db, world.admin.principal, case.id)
    assert out.status == int(stays)
    assert out.external_updated_at is not None
    assert len(history.case_history(db, world.admin.principal, case.id).statuses) == 1


def test_agent_messages_set_internal_update_and_first_response(db: Database, world: World) -> None:
    case = make_case(db, world.agent_a)
    principal = world.agent_a.principal
    t1, t2, t3 = (T0 + timedelta(hours=h) for h in (1, 2, 3))

    messages.add_message(
        db, principal, case.id, MessageCreate(visibility="internal", body_text="checking"), now=t1
    )
    out = cases.get_case(db, principal, case.id)
    assert (out.internal_updated_at, out.first_response_at, out.external_updated_at) == (
        t1,
        None,
        None,
    )

    reply = messages.add_message(
        db, principal, case.id, MessageCreate(body_text="We are on it"), now=t2
    )
    assert (reply.visibility, reply.direction, reply.author_user_id) == (
        "external",
        "outbound",
        world.agent_a.user_id,
    )
    messages.add_message(db, principal, case.id, MessageCreate(body_text="Fixed"), now=t3)
    out = cases.get_case(db, principal, case.id)
    assert (out.internal_updated_at, out.first_response_at) == (t3, t2)
    assert out.status == 1


@pytest.mark.parametrize(
    ("visibility", "direction", "field"),
    [
        ("internal", "inbound", "direction"),
        ("internal", "outbound", "direction"),
        ("external", "note", "direction"),
    ],
)
def test_message_visibility_and_direction_must_agree(
    db: Database, world: World, visibility: str, direction: str, field: str
) -> None:
    case = make_case(db, world.agent_a)
    with pytest.raises(ValidationFailed) as err:
        messages.add_message(
            db,
            world.agent_a.principal,
            case.id,
            MessageCreate.model_validate(
                {"visibility": visibility, "direction": direction, "body_text": "x"}
            ),
        )
    assert err.value.field == field
    assert messages.list_messages(db, world.agent_a.principal, case.id) == []


# --------------------------------------------------------------------------- delete


def test_soft_delete_moves_to_deleted_and_keeps_the_case(db: Database, world: World) -> None:
    case = make_case(db, world.agent_a)
    with pytest.raises(Forbidden):  # agents lack delete_case by default
        cases.delete_case(db, world.agent_a.principal, case.id)
    out = cases.delete_case(db, world.admin.principal, case.id)
    assert (out.status, out.status_id) == (4, default_status(db, world.corporation_id, S.DELETED))
    assert cases.get_case(db, world.agent_a.principal, case.id).status == 4
    again = cases.delete_case(db, world.admin.principal, case.id)
    assert again.version == out.version


# --------------------------------------------------------------------------- custom fields


def define_fields(db: Database, corp: int, *, required: bool = False) -> None:
    with db.write() as s:
        s.add_all(
            [
                CustomFieldDefinition(
                    corporation_id=corp, key="serial", label="Serial", type="text"
                ),
                CustomFieldDefinition(
                    corporation_id=corp, key="amount", label="Amount", type="number"
                ),
                CustomFieldDefinition(corporation_id=corp, key="due", label="Due", type="date"),
                CustomFieldDefinition(corporation_id=corp, key="vip", label="VIP", type="bool"),
                CustomFieldDefinition(
                    corporation_id=corp,
                    key="tier",
                    label="Tier",
                    type="select",
                    options=["gold", "silver"],
                    required=required,
                ),
            ]
        )


def test_custom_fields_are_stored_typed(db: Database, world: World) -> None:
    define_fields(db, world.corporation_id)
    values = {"serial": "SN-1", "amount": "12.5", "due": "2026-04-01", "vip": True, "tier": "gold"}
    out = make_case(db, world.agent_a, custom_fields=values)
    expected = {
        "serial": "SN-1",
        "amount": 12.5,
        "due": date(2026, 4, 1),
        "vip": True,
        "tier": "gold",
    }
    assert out.custom_fields == expected
    assert cases.get_case(db, world.agent_a.principal, out.id).custom_fields == expected

    changed = patch(db, world, out.id, custom_fields={"amount": 3, "vip": None})
    assert changed.custom_fields == {
        "serial": "SN-1",
        "amount": 3.0,
        "due": date(2026, 4, 1),
        "tier": "gold",
    }
    audit = history.case_history(db, world.agent_a.principal, out.id).audit[-1]
    assert audit.changes == {
        "custom_fields.amount": {"from": 12.5, "to": 3.0},
        "custom_fields.vip": {"from": True, "to": None},
    }


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": "lots"}, "custom_fields.amount"),
        ({"amount": True}, "custom_fields.amount"),
        ({"due": "31.12.2026"}, "custom_fields.due"),
        ({"vip": "yes"}, "custom_fields.vip"),
        ({"tier": "bronze"}, "custom_fields.tier"),
        ({"serial": 5}, "custom_fields.serial"),
        ({"colour": "red"}, "custom_fields.colour"),
    ],
)
def test_bad_custom_field_values_are_refused_and_nothing_is_written(
    db: Database, world: World, values: dict[str, Any], field: str
) -> None:
    define_fields(db, world.corporation_id)
    with pytest.raises(ValidationFailed) as err:
        make_case(db, world.agent_a, custom_fields=values)
    assert err.value.field == field
    assert case_count(db) == 0
    assert make_case(db, world.agent_a).number == 1  # the number was not used up

    case = make_case(db, world.agent_a, custom_fields={"serial": "keep"})
    with pytest.raises(ValidationFailed):
        patch(db, world, case.id, title="changed", custom_fields=values)
    after = cases.get_case(db, world.agent_a.principal, case.id)
    assert (after.title, after.custom_fields, after.version) == (
        case.title,
        {"serial": "keep"},
        case.version,
    )


def test_required_custom_field_must_be_given_on_create(db: Database, world: World) -> None:
    define_fields(db, world.corporation_id, required=True)
    with pytest.raises(ValidationFailed) as err:
        make_case(db, world.agent_a)
    assert err.value.field == "custom_fields.tier"
    out = make_case(db, world.agent_a, custom_fields={"tier": "silver"})
    with pytest.raises(ValidationFailed):
        patch(db, world, out.id, custom_fields={"tier": None})


# --------------------------------------------------------------------------- links


def link(db: Database, world: World, case_id: int, kind: str, other: int) -> Any:
    return links.add_link(
        db,
        world.agent_a.principal,
        case_id,
        LinkCreate.model_validate({"kind": kind, "case_id": other}),
    )


def test_parent_child_and_related_links(db: Database, world: World) -> None:
    a, b, c = (make_case(db, world.agent_a) for _ in range(3))
    assert link(db, world, b.id, "parent", a.id).parent_id == a.id
    out = link(db, world, a.id, "child", c.id)
    assert (out.parent_id, out.children) == (None, [b.id, c.id])
    link(db, world, b.id, "related", c.id)
    link(db, world, c.id, "related", b.id)  # the same link again
    assert links.get_links(db, world.agent_a.principal, c.id).related == [b.id]
    assert links.get_links(db, world.agent_a.principal, b.id).related == [c.id]
    assert cases.get_case(db, world.agent_a.principal, c.id).parent_id == a.id

    out = links.remove_link(db, world.agent_a.principal, a.id, "child", b.id)
    assert out.children == [c.id]
    out = links.remove_link(db, world.agent_a.principal, c.id, "related", b.id)
    assert out.related == []
    assert links.remove_link(db, world.agent_a.principal, c.id, "parent", a.id).parent_id is None


@pytest.mark.parametrize(
    ("kind", "other"),
    [("parent", "missing"), ("child", "missing"), ("related", "missing"), ("parent", "hidden")],
)
def test_links_to_unseen_cases_are_refused(
    db: Database, world: World, kind: str, other: str
) -> None:
    mine = make_case(db, world.agent_a)
    target = 999_999 if other == "missing" else make_case(db, world.agent_b).id
    with pytest.raises(ValidationFailed) as err:
        link(db, world, mine.id, kind, target)
    assert err.value.field == "case_id"


def test_removing_a_link_that_does_not_exist_is_not_found(db: Database, world: World) -> None:
    a, b = make_case(db, world.agent_a), make_case(db, world.agent_a)
    for kind in ("parent", "child", "related"):
        with pytest.raises(NotFound):
            links.remove_link(db, world.agent_a.principal, a.id, kind, b.id)
    assert cases.get_case(db, world.agent_a.principal, a.id).version == a.version


def test_link_cycles_are_refused(db: Database, world: World) -> None:
    a, b, c = (make_case(db, world.agent_a) for _ in range(3))
    link(db, world, b.id, "parent", a.id)
    link(db, world, c.id, "parent", b.id)
    for case_id, kind, other in (
        (a.id, "parent", c.id),
        (c.id, "child", a.id),
        (a.id, "parent", b.id),
        (a.id, "parent", a.id),
    ):
        with pytest.raises(ValidationFailed):
            link(db, world, case_id, kind, other)
    assert cases.get_case(db, world.agent_a.principal, a.id).parent_id is None


def test_a_parent_set_by_update_cannot_make_a_cycle(db: Database, world: World) -> None:
    a, b, c = (make_case(db, world.agent_a) for _ in range(3))
    patch(db, world, b.id, parent_id=a.id)
    patch(db, world, c.id, parent_id=b.id)
    for case_id, parent in ((a.id, c.id), (a.id, b.id), (a.id, a.id)):
        with pytest.raises(ValidationFailed) as err:
            patch(db, world, case_id, parent_id=parent)
        assert err.value.field == "parent_id"
    assert cases.get_case(db, world.agent_a.principal, a.id).parent_id is None
    assert patch(db, world, c.id, parent_id=a.id).parent_id == a.id


# --------------------------------------------------------------------------- history


def test_updates_are_audited_with_from_and_to(db: Database, world: World) -> None:
    case = make_case(db, world.agent_a, title="Old")
    patch(db, world, case.id, title="New", code="X1")
    audit = history.case_history(db, world.agent_a.principal, case.id).audit
    assert [e.action for e in audit] == ["case.created", "case.updated"]
    assert audit[-1].changes == {
        "title": {"from": "Old", "to": "New"},
        "code": {"from": None, "to": "X1"},
    }
    assert audit[-1].actor_user_id == world.agent_a.user_id


def test_an_update_that_changes_nothing_keeps_the_version(db: Database, world: World) -> None:
    case = make_case(db, world.agent_a, title="Same", tags=["a"])
    out = patch(db, world, case.id, title="Same", tags=["A"], status=1)
    assert out.version == case.version
    assert len(history.case_history(db, world.agent_a.principal, case.id).audit) == 1


def test_get_case_of_another_corporation_is_not_found(db: Database, world: World) -> None:
    with db.write() as s:
        other = create_corporation(s, "Globex").id
    outsider = make_actor(db, "olga@globex.test", "admin", [], other)
    case = make_case(db, world.agent_a)
    with pytest.raises(NotFound):
        cases.get_case(db, outsider.principal, case.id)
