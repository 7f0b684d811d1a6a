"""/console/admin/groups: the groups that decide which cases an agent sees. Who is in a
group is set on each user's page (only admins change membership)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.services.reference import accounts, groups
from casedesk.services.reference.common import require_manager
from casedesk.services.reference.groups import GroupCreate, GroupPatch
from casedesk.web.routes.admin_forms import Posted, RowId, checked, done, parse, show, text
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/groups")
HOME = "/console/admin/groups"


@router.get("")
def list_groups(request: Request, agent: Agent) -> Response:
    require_manager(agent.principal)
    rows = groups.list_groups(database(request), agent.principal)
    return show(request, "admin/groups.html", {"groups": rows})


@router.post("")
def create_group(request: Request, agent: Agent, form: Posted) -> Response:
    data = parse(
        GroupCreate, {"name": text(form, "name"), "is_default": checked(form, "is_default")}
    )
    groups.create_group(database(request), agent.principal, data)
    return done(request, HOME, "created")


@router.get("/{group_id}")
def edit_group(request: Request, agent: Agent, group_id: RowId) -> Response:
    require_manager(agent.principal)
    db = database(request)
    group = groups.get_group(db, agent.principal, group_id)
    names = {u.id: u.email for u in accounts.list_users(db, agent.principal, limit=500)}
    return show(
        request,
        "admin/group_edit.html",
        {"group": group, "members": [names.get(uid, str(uid)) for uid in group.member_ids]},
    )


@router.post("/{group_id}")
def update_group(request: Request, agent: Agent, group_id: RowId, form: Posted) -> Response:
    patch: dict[str, object] = {"name": text(form, "name")}
    if checked(form, "is_default"):
        patch["is_default"] = True
    groups.update_group(database(request), agent.principal, group_id, parse(GroupPatch, patch))
    return done(request, HOME, "saved")


@router.post("/{group_id}/delete")
def delete_group(request: Request, agent: Agent, group_id: RowId) -> Response:
    groups.delete_group(database(request), agent.principal, group_id)
    return done(request, HOME, "deleted")
