"""/canned-responses: text snippets with placeholders, personal or shared with a group.

A personal snippet is its owner's alone; a group's shared snippets are seen and changed
by the group's members (and admins) only, others get 404. A body that does not parse,
or that fills in with an error for a case, is a 422 naming the problem."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from casedesk.api.deps import Caller, Db
from casedesk.api.routers.reference_params import ERRORS, RowId
from casedesk.api.routing import NativeRoute
from casedesk.services.canned import rendering, responses
from casedesk.services.canned.responses import CannedCreate, CannedOut, CannedPatch
from casedesk.services.reference.common import Id, In, no_nul

router = APIRouter(
    route_class=NativeRoute,
    prefix="/canned-responses",
    tags=["canned responses"],
    responses=ERRORS,
)


class RenderRequest(In):
    case_id: Id = Field(description="The case whose data fills the placeholders.")


class RenderOut(BaseModel):
    text: str


@router.get("", response_model=list[CannedOut])
def list_canned(
    caller: Caller,
    db: Db,
    name_prefix: Annotated[
        str | None, Query(max_length=100, description="the start of the name")
    ] = None,
) -> list[CannedOut]:
    """The caller's own snippets and those shared with their groups, by name."""
    return responses.list_canned(db, caller, starts_with=no_nul(name_prefix))


@router.post("", status_code=201, response_model=CannedOut)
def create_canned(data: CannedCreate, caller: Caller, db: Db) -> CannedOut:
    """Without `group_id` the snippet is personal; with it, shared with that group
    (one of the caller's groups)."""
    return responses.create_canned(db, caller, data)


@router.get("/{canned_id}", response_model=CannedOut)
def get_canned(canned_id: RowId, caller: Caller, db: Db) -> CannedOut:
    return responses.get_canned(db, caller, canned_id)


@router.patch("/{canned_id}", response_model=CannedOut)
def update_canned(canned_id: RowId, patch: CannedPatch, caller: Caller, db: Db) -> CannedOut:
    return responses.update_canned(db, caller, canned_id, patch)


@router.delete("/{canned_id}", status_code=204)
def delete_canned(canned_id: RowId, caller: Caller, db: Db) -> None:
    responses.delete_canned(db, caller, canned_id)


@router.post("/{canned_id}/render", response_model=RenderOut)
def render_canned(canned_id: RowId, data: RenderRequest, caller: Caller, db: Db) -> RenderOut:
    """The snippet filled in for a case the caller may see."""
    return RenderOut(text=rendering.render_canned(db, caller, canned_id, data.case_id))
