"""Member roles: one active assigned user and contact, any number of followers, and a
history in which nothing is ever removed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.members import (
    Member,
    MemberRole,
    active_of_role,
    add_member,
    check_invariants,
    clear_role,
    end_member,
    parse_role,
)

R = MemberRole
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)
T2 = T0 + timedelta(hours=2)


@pytest.mark.parametrize("role", [R.ASSIGNED_USER, R.CONTACT])
def test_single_active_role_replacing_ends_the_old_member_and_keeps_it(role: MemberRole) -> None:
    first = add_member([], role, 10, T0)
    second = add_member(first, role, 11, T1)

    assert second == [
        Member(role, 10, T0, T1),
        Member(role, 11, T1, None),
    ]
    assert [m.party for m in active_of_role(second, role)] == [11]
    check_invariants(second)


@pytest.mark.parametrize("role", [R.ASSIGNED_USER, R.CONTACT])
def test_single_active_role_replaced_twice_keeps_the_whole_history(role: MemberRole) -> None:
    members = add_member(add_member(add_member([], role, 1, T0), role, 2, T1), role, 1, T2)
    assert [(m.party, m.start, m.end) for m in members] == [
        (1, T0, T1),
        (2, T1, T2),
        (1, T2, None),
    ]


def test_followers_may_be_many() -> None:
    members = add_member(
        add_member(add_member([], R.FOLLOWER, 1, T0), R.FOLLOWER, 2, T1), R.FOLLOWER, 3, T2
    )
    assert sorted(m.party for m in active_of_role(members, R.FOLLOWER)) == [1, 2, 3]
    assert all(m.end is None for m in members)
    check_invariants(members)


def test_roles_do_not_affect_each_other() -> None:
    members = add_member([], R.ASSIGNED_USER, 5, T0)
    members = add_member(members, R.FOLLOWER, 5, T1)
    members = add_member(members, R.CONTACT, 5, T1)
    members = add_member(members, R.CONTACT, 6, T2)
    assert [m.party for m in active_of_role(members, R.ASSIGNED_USER)] == [5]
    assert [m.party for m in active_of_role(members, R.FOLLOWER)] == [5]
    assert [m.party for m in active_of_role(members, R.CONTACT)] == [6]


@pytest.mark.parametrize("role", list(R))
def test_re_adding_an_active_member_changes_nothing(role: MemberRole) -> None:
    members = add_member([], role, 7, T0)
    assert add_member(members, role, 7, T1) == members


def test_re_adding_an_ended_member_starts_a_new_membership() -> None:
    members = end_member(add_member([], R.FOLLOWER, 7, T0), R.FOLLOWER, 7, T1)
    again = add_member(members, R.FOLLOWER, 7, T2)
    assert again == [Member(R.FOLLOWER, 7, T0, T1), Member(R.FOLLOWER, 7, T2, None)]


def test_add_member_does_not_change_its_input() -> None:
    members = add_member([], R.ASSIGNED_USER, 1, T0)
    snapshot = list(members)
    add_member(members, R.ASSIGNED_USER, 2, T1)
    assert members == snapshot


@pytest.mark.parametrize("role", list(R))
def test_end_member_sets_the_end_time_and_keeps_the_row(role: MemberRole) -> None:
    members = add_member([], role, 3, T0)
    ended = end_member(members, role, 3, T1)
    assert ended == [Member(role, 3, T0, T1)]
    assert active_of_role(ended, role) == []


def test_end_member_ends_only_that_follower() -> None:
    members = add_member(add_member([], R.FOLLOWER, 1, T0), R.FOLLOWER, 2, T0)
    ended = end_member(members, R.FOLLOWER, 1, T1)
    assert [m.party for m in active_of_role(ended, R.FOLLOWER)] == [2]


@pytest.mark.parametrize(
    ("members", "role", "party"),
    [
        ([], R.ASSIGNED_USER, 1),
        ([Member(R.FOLLOWER, 1, T0)], R.ASSIGNED_USER, 1),  # right party, wrong role
        ([Member(R.ASSIGNED_USER, 2, T0)], R.ASSIGNED_USER, 1),  # right role, wrong party
        ([Member(R.CONTACT, 1, T0, T1)], R.CONTACT, 1),  # already ended
    ],
)
def test_end_member_of_someone_not_active_is_an_error(
    members: list[Member], role: MemberRole, party: int
) -> None:
    with pytest.raises(ValidationFailed) as err:
        end_member(members, role, party, T2)
    assert err.value.field == "party"


def test_clear_role_ends_every_active_member_of_that_role_only() -> None:
    members = [
        Member(R.ASSIGNED_USER, 1, T0),
        Member(R.FOLLOWER, 2, T0),
        Member(R.FOLLOWER, 3, T0),
        Member(R.ASSIGNED_USER, 4, T0, T0),
    ]
    cleared = clear_role(members, R.FOLLOWER, T1)
    assert cleared == [
        Member(R.ASSIGNED_USER, 1, T0),
        Member(R.FOLLOWER, 2, T0, T1),
        Member(R.FOLLOWER, 3, T0, T1),
        Member(R.ASSIGNED_USER, 4, T0, T0),
    ]


@pytest.mark.parametrize(
    ("member", "active"),
    [
        (Member(R.FOLLOWER, 1, T0), True),
        (Member(R.FOLLOWER, 1, T0, T1), False),
        (Member(R.FOLLOWER, 1, None), False),  # never started
    ],
)
def test_active_means_started_and_not_ended(member: Member, active: bool) -> None:
    assert member.active is active


@pytest.mark.parametrize(
    "members",
    [
        [Member(R.ASSIGNED_USER, 1, T0), Member(R.ASSIGNED_USER, 2, T0)],
        [Member(R.CONTACT, 1, T0), Member(R.CONTACT, 2, T1)],
        [Member(R.FOLLOWER, 1, T1, T0)],
    ],
)
def test_invariants_refuse_broken_rosters(members: list[Member]) -> None:
    with pytest.raises(ValidationFailed) as err:
        check_invariants(members)
    assert err.value.field == "members"


def test_invariants_accept_history_and_many_followers() -> None:
    check_invariants(
        [
            Member(R.ASSIGNED_USER, 1, T0, T1),
            Member(R.ASSIGNED_USER, 2, T1),
            Member(R.FOLLOWER, 1, T0),
            Member(R.FOLLOWER, 2, T0),
            Member(R.CONTACT, 9, T0, T0),
            Member(R.CONTACT, 8, T0),
        ]
    )


@pytest.mark.parametrize(
    ("value", "role"), [(1, R.ASSIGNED_USER), (2, R.FOLLOWER), (20, R.CONTACT)]
)
def test_parse_role(value: int, role: MemberRole) -> None:
    assert parse_role(value) is role


@pytest.mark.parametrize("value", [0, 3, 19, 21, -1])
def test_parse_role_refuses_unknown_roles(value: int) -> None:
    with pytest.raises(ValidationFailed) as err:
        parse_role(value)
    assert err.value.field == "role"
