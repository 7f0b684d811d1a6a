"""Sub-resources of a case: messages, members, tags, links, history."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path
from fastapi.responses import Response

from casedesk.api.case_contract import created_answer
from casedesk.api.deps import MAX_ID, Caller, CaseId, Db
from casedesk.api.routers.cases import _ERRORS
from casedesk.api.routing import NativeRoute
from casedesk.services.cases import history, links, members, messages, splitting, tags
from casedesk.services.cases.schemas import (
    CaseOut,
    HistoryOut,
    LinkCreate,
    LinksOut,
    MemberCreate,
    MemberOut,
    MessageCreate,
    MessageOut,
    SplitRequest,
)

router = APIRouter(route_class=NativeRoute, prefix="/cases/{case_id}", responses=_ERRORS)
OtherId = Annotated[int, Path(ge=1, le=MAX_ID)]
TagPath = Annotated[str, Path(min_length=1, max_length=100)]
#: A plain int: path values arrive as text, which a ``Literal[1, 2, 20]`` never equals.
#: The service refuses other roles with a 422 naming ``role``.
RolePath = Annotated[int, Path(description="1 assigned user, 2 follower, 20 contact")]


@router.get("/messages", response_model=list[MessageOut], tags=["messages"])
def list_messages(case_id: CaseId, caller: Caller, db: Db) -> list[MessageOut]:
    return messages.list_messages(db, caller, case_id)


@router.post("/messages", status_code=201, response_model=MessageOut, tags=["messages"])
def add_message(case_id: CaseId, data: MessageCreate, caller: Caller, db: Db) -> MessageOut:
    """Add an external message or an internal note. An inbound external message reopens
    a Closed or Awaiting-external case."""
    return messages.add_message(db, caller, case_id, data)


@router.post(
    "/messages/{message_id}/split", status_code=201, response_model=CaseOut, tags=["messages"]
)
def split_message(
    case_id: CaseId,
    message_id: OtherId,
    caller: Caller,
    db: Db,
    data: SplitRequest | None = None,
) -> Response:
    """Move this message, with its attachments, to a new case in the same group with
    this case's priority, category, queue, organization and contact; the two cases are
    linked as related. Needs edit rights here and the right to create cases."""
    title = data.title if data is not None else None
    out = splitting.split_message(db, caller, case_id, message_id, title)
    return created_answer(out)


@router.get("/members", response_model=list[MemberOut], tags=["members"])
def list_members(case_id: CaseId, caller: Caller, db: Db) -> list[MemberOut]:
    """All memberships, ended ones included (``active`` tells which hold now)."""
    return members.list_members(db, caller, case_id)


@router.post("/members", status_code=201, response_model=list[MemberOut], tags=["members"])
def add_member(case_id: CaseId, data: MemberCreate, caller: Caller, db: Db) -> list[MemberOut]:
    """Role 1 (assigned user) and 20 (contact) replace the active member; role 2
    (follower) adds one."""
    return members.add_member(db, caller, case_id, data)


@router.delete("/members/{role}/{party_id}", response_model=list[MemberOut], tags=["members"])
def end_member(
    case_id: CaseId, role: RolePath, party_id: OtherId, caller: Caller, db: Db
) -> list[MemberOut]:
    """End a membership; it stays in the history with its end time."""
    return members.end_member(db, caller, case_id, role, party_id)


@router.get("/tags", response_model=list[str], tags=["tags"])
def list_tags(case_id: CaseId, caller: Caller, db: Db) -> list[str]:
    return tags.list_tags(db, caller, case_id)


@router.put("/tags/{tag}", response_model=list[str], tags=["tags"])
def add_tag(case_id: CaseId, tag: TagPath, caller: Caller, db: Db) -> list[str]:
    return tags.add_tag(db, caller, case_id, tag)


@router.delete("/tags/{tag}", response_model=list[str], tags=["tags"])
def remove_tag(case_id: CaseId, tag: TagPath, caller: Caller, db: Db) -> list[str]:
    return tags.remove_tag(db, caller, case_id, tag)


@router.get("/links", response_model=LinksOut, tags=["links"])
def get_links(case_id: CaseId, caller: Caller, db: Db) -> LinksOut:
    return links.get_links(db, caller, case_id)


@router.post("/links", status_code=201, response_model=LinksOut, tags=["links"])
def add_link(case_id: CaseId, data: LinkCreate, caller: Caller, db: Db) -> LinksOut:
    """`parent`: the other case becomes this one's parent; `child`: the reverse;
    `related`: a symmetric link."""
    return links.add_link(db, caller, case_id, data)


@router.delete("/links/{kind}/{other_id}", response_model=LinksOut, tags=["links"])
def remove_link(
    case_id: CaseId,
    kind: Literal["related", "parent", "child"],
    other_id: OtherId,
    caller: Caller,
    db: Db,
) -> LinksOut:
    return links.remove_link(db, caller, case_id, kind, other_id)


@router.get("/history", response_model=HistoryOut, tags=["history"])
def get_history(case_id: CaseId, caller: Caller, db: Db) -> HistoryOut:
    """The audit trail (who changed what, from and to) and the status history."""
    return history.case_history(db, caller, case_id)
