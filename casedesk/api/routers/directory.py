"""/corporations, /groups, /users, /tokens: who works in the corporation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from casedesk.api.deps import MAX_ID, Caller, Db
from casedesk.api.routers.reference_params import ERRORS, Limit, Offset, RowId, UserId
from casedesk.api.routing import NativeRoute
from casedesk.services.reference import accounts, corporations, groups, tokens
from casedesk.services.reference.accounts import UserCreate, UserOut, UserPatch, UserSummary
from casedesk.services.reference.corporations import CorporationOut, CorporationPatch
from casedesk.services.reference.groups import GroupCreate, GroupOut, GroupPatch
from casedesk.services.reference.tokens import TokenCreate, TokenCreated, TokenOut, TokenRotated

router = APIRouter(route_class=NativeRoute, responses=ERRORS)


@router.get("/corporations", response_model=list[CorporationOut], tags=["corporations"])
def list_corporations(caller: Caller, db: Db) -> list[CorporationOut]:
    """Your own corporation, the only one you see."""
    return corporations.list_corporations(db, caller)


@router.get("/corporations/{corporation_id}", response_model=CorporationOut, tags=["corporations"])
def get_corporation(corporation_id: RowId, caller: Caller, db: Db) -> CorporationOut:
    return corporations.get_corporation(db, caller, corporation_id)


@router.patch(
    "/corporations/{corporation_id}", response_model=CorporationOut, tags=["corporations"]
)
def update_corporation(
    corporation_id: RowId, patch: CorporationPatch, caller: Caller, db: Db
) -> CorporationOut:
    """Rename, or change the case number prefix (new numbers use it) or time zone."""
    return corporations.update_corporation(db, caller, corporation_id, patch)


@router.get("/groups", response_model=list[GroupOut], tags=["groups"])
def list_groups(caller: Caller, db: Db) -> list[GroupOut]:
    return groups.list_groups(db, caller)


@router.post("/groups", status_code=201, response_model=GroupOut, tags=["groups"])
def create_group(data: GroupCreate, caller: Caller, db: Db) -> GroupOut:
    return groups.create_group(db, caller, data)


@router.get("/groups/{group_id}", response_model=GroupOut, tags=["groups"])
def get_group(group_id: RowId, caller: Caller, db: Db) -> GroupOut:
    return groups.get_group(db, caller, group_id)


@router.patch("/groups/{group_id}", response_model=GroupOut, tags=["groups"])
def update_group(group_id: RowId, patch: GroupPatch, caller: Caller, db: Db) -> GroupOut:
    """Setting `is_default` makes this the one default group."""
    return groups.update_group(db, caller, group_id, patch)


@router.delete("/groups/{group_id}", status_code=204, tags=["groups"])
def delete_group(group_id: RowId, caller: Caller, db: Db) -> None:
    """Refused (409) while cases, queues or organizations use the group."""
    groups.delete_group(db, caller, group_id)


@router.put("/groups/{group_id}/members/{user_id}", response_model=GroupOut, tags=["groups"])
def add_group_member(group_id: RowId, user_id: UserId, caller: Caller, db: Db) -> GroupOut:
    """Admins only. Adding a member twice changes nothing."""
    return groups.add_member(db, caller, group_id, user_id)


@router.delete("/groups/{group_id}/members/{user_id}", response_model=GroupOut, tags=["groups"])
def remove_group_member(group_id: RowId, user_id: UserId, caller: Caller, db: Db) -> GroupOut:
    """Admins only. Removing a non-member changes nothing."""
    return groups.remove_member(db, caller, group_id, user_id)


@router.get("/users", response_model=list[UserOut] | list[UserSummary], tags=["users"])
def list_users(
    caller: Caller,
    db: Db,
    is_active: bool | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[UserOut] | list[UserSummary]:
    """Admins see everything about a user; agents see id, email, name and role."""
    return accounts.list_users(db, caller, is_active=is_active, limit=limit, offset=offset)


@router.post("/users", status_code=201, response_model=UserOut, tags=["users"])
def create_user(data: UserCreate, caller: Caller, db: Db) -> UserOut:
    """Admins only."""
    return accounts.create_user(db, caller, data)


@router.get("/users/{user_id}", response_model=UserOut | UserSummary, tags=["users"])
def get_user(user_id: UserId, caller: Caller, db: Db) -> UserOut | UserSummary:
    return accounts.get_user(db, caller, user_id)


@router.patch("/users/{user_id}", response_model=UserOut, tags=["users"])
def update_user(user_id: UserId, patch: UserPatch, caller: Caller, db: Db) -> UserOut:
    """Admins only. Users are deactivated (`is_active: false`), never deleted; the last
    active admin stays one."""
    return accounts.update_user(db, caller, user_id, patch)


@router.post("/tokens", status_code=201, response_model=TokenCreated, tags=["tokens"])
def create_token(data: TokenCreate, caller: Caller, db: Db) -> TokenCreated:
    """A new API token for you (admins: for `user_email`). The token is in this answer
    only; store it now."""
    return tokens.create_token(db, caller, data)


@router.get("/tokens", response_model=list[TokenOut], tags=["tokens"])
def list_tokens(
    caller: Caller,
    db: Db,
    user_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Admins: another user's tokens")
    ] = None,
) -> list[TokenOut]:
    """Your tokens, without the secrets."""
    return tokens.list_tokens(db, caller, user_id)


@router.delete("/tokens/{token_id}", status_code=204, tags=["tokens"])
def revoke_token(token_id: RowId, caller: Caller, db: Db) -> None:
    """Revoke one of your tokens (admins: any token of their corporation)."""
    tokens.revoke_token(db, caller, token_id)


@router.post("/tokens/{token_id}/rotate", response_model=TokenRotated, tags=["tokens"])
def rotate_token(token_id: RowId, caller: Caller, db: Db) -> TokenRotated:
    """A new secret for one of your tokens (admins: any of their corporation), with the
    same scopes, expiry and limits; the old secret stops working at once."""
    return tokens.rotate_token(db, caller, token_id)
