"""Who may do what: admins everything in their corporation, agents their permission set
on the cases of their groups."""

from __future__ import annotations

import pytest

from casedesk.domain.errors import Forbidden, ValidationFailed
from casedesk.domain.permissions import (
    ALL_PERMISSIONS,
    DEFAULT_AGENT_PERMISSIONS,
    Permission,
    Principal,
    Role,
    parse_permissions,
)

P = Permission
ADMIN = Principal(1, 1, Role.ADMIN)
AGENT = Principal(2, 1, Role.AGENT, frozenset({10, 11}))
VIEWER = Principal(3, 1, Role.AGENT, frozenset({10}), frozenset({P.VIEW_CASE}))
NOTHING = Principal(4, 1, Role.AGENT, frozenset({10}), frozenset())


@pytest.mark.parametrize("permission", list(P))
def test_admin_may_do_everything_whatever_its_permission_set(permission: Permission) -> None:
    admin = Principal(1, 1, Role.ADMIN, permissions=frozenset())
    assert admin.can(permission)
    admin.require(permission)


@pytest.mark.parametrize(
    ("principal", "permission", "allowed"),
    [
        *[(AGENT, p, p in DEFAULT_AGENT_PERMISSIONS) for p in P],
        *[(VIEWER, p, p is P.VIEW_CASE) for p in P],
        *[(NOTHING, p, False) for p in P],
    ],
)
def test_agent_may_do_what_its_permission_set_holds(
    principal: Principal, permission: Permission, allowed: bool
) -> None:
    assert principal.can(permission) is allowed
    if allowed:
        principal.require(permission)
    else:
        with pytest.raises(Forbidden) as err:
            principal.require(permission)
        assert err.value.extra["permission"] == permission.value


def test_default_agent_set_excludes_delete_reference_management_and_billing() -> None:
    assert P.DELETE_CASE not in DEFAULT_AGENT_PERMISSIONS
    assert P.MANAGE_REFERENCE not in DEFAULT_AGENT_PERMISSIONS
    assert P.MANAGE_BILLING not in DEFAULT_AGENT_PERMISSIONS
    assert {P.VIEW_CASE, P.CREATE_CASE, P.EDIT_CASE, P.CLOSE_CASE} <= DEFAULT_AGENT_PERMISSIONS


@pytest.mark.parametrize(
    ("principal", "group", "sees"),
    [
        (ADMIN, 10, True),
        (ADMIN, 999, True),
        (AGENT, 10, True),
        (AGENT, 11, True),
        (AGENT, 12, False),
        (VIEWER, 11, False),
        (Principal(5, 1, Role.AGENT), 10, False),  # an agent in no group sees nothing
    ],
)
def test_sees_group(principal: Principal, group: int, sees: bool) -> None:
    assert principal.sees_group(group) is sees


def test_visible_group_ids_is_none_for_admins_and_the_groups_for_agents() -> None:
    assert ADMIN.visible_group_ids is None
    assert AGENT.visible_group_ids == frozenset({10, 11})
    assert Principal(5, 1, Role.AGENT).visible_group_ids == frozenset()


def test_parse_permissions() -> None:
    assert parse_permissions([]) == frozenset()
    assert parse_permissions(["view_case", "edit_case", "view_case"]) == {P.VIEW_CASE, P.EDIT_CASE}
    assert parse_permissions([p.value for p in P]) == ALL_PERMISSIONS


@pytest.mark.parametrize("bad", [["fly"], ["view_case", "VIEW_CASE"], [""]])
def test_parse_permissions_refuses_unknown_names(bad: list[str]) -> None:
    with pytest.raises(ValidationFailed) as err:
        parse_permissions(bad)
    assert err.value.field == "permissions"
