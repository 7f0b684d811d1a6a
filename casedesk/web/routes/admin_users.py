"""/console/admin/users: agents and admins, their role, groups, activity and password.

Users are deactivated, never deleted (the service keeps cases pointing at them), and
only admins manage them: an agent who may manage reference data still cannot give
themselves more rights.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.domain.permissions import DEFAULT_AGENT_PERMISSIONS, Permission
from casedesk.services.reference import accounts, groups
from casedesk.services.reference.accounts import UserCreate, UserOut, UserPatch
from casedesk.services.reference.common import require_admin
from casedesk.web.routes.admin_forms import (
    Posted,
    RowId,
    checked,
    done,
    optional,
    options,
    parse,
    show,
    text,
    values,
)
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/users")
HOME = "/console/admin/users"
ROLES = [("agent", "Agent"), ("admin", "Admin")]
PERMISSIONS = [(p.value, p.value.replace("_", " ")) for p in Permission]


def _permissions(form: Posted) -> list[str] | None:
    """The explicit permission set, or None for the role's default."""
    return values(form, "permissions") if checked(form, "custom_permissions") else None


@router.get("")
def list_users(request: Request, agent: Agent) -> Response:
    require_admin(agent.principal, "manage users")
    db = database(request)
    users = accounts.list_users(db, agent.principal, limit=500)
    group_rows = groups.list_groups(db, agent.principal)
    return show(
        request,
        "admin/users.html",
        {
            "users": users,
            "group_names": {g.id: g.name for g in group_rows},
            "groups": options(group_rows),
            "roles": ROLES,
        },
    )


@router.post("")
def create_user(request: Request, agent: Agent, form: Posted) -> Response:
    data = parse(
        UserCreate,
        {
            "email": text(form, "email"),
            "role": text(form, "role"),
            "name": text(form, "name"),
            "password": optional(form, "password"),
            "group_ids": values(form, "group_ids"),
        },
    )
    accounts.create_user(database(request), agent.principal, data)
    return done(request, HOME, "created")


@router.get("/{user_id}")
def edit_user(request: Request, agent: Agent, user_id: RowId) -> Response:
    require_admin(agent.principal, "manage users")
    db = database(request)
    user = accounts.get_user(db, agent.principal, user_id)
    assert isinstance(user, UserOut)  # admins see everything about a user
    return show(
        request,
        "admin/user_edit.html",
        {
            "user": user,
            "groups": options(groups.list_groups(db, agent.principal)),
            "roles": ROLES,
            "permissions": PERMISSIONS,
            "granted": sorted(
                DEFAULT_AGENT_PERMISSIONS if user.permissions is None else user.permissions
            ),
        },
    )


@router.post("/{user_id}")
def update_user(request: Request, agent: Agent, user_id: RowId, form: Posted) -> Response:
    patch: dict[str, object] = {
        "name": text(form, "name"),
        "role": text(form, "role"),
        "is_active": checked(form, "is_active"),
        "group_ids": values(form, "group_ids"),
        "permissions": _permissions(form),
    }
    password = optional(form, "password")
    if password is not None:
        patch["password"] = password
    accounts.update_user(database(request), agent.principal, user_id, parse(UserPatch, patch))
    return done(request, HOME, "saved")
