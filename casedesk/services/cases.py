"""Case use-cases: open, update, get, soft delete (merging is in ``merging``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from casedesk.domain import members as rules
from casedesk.domain.errors import PreconditionFailed, ValidationFailed
from casedesk.domain.members import Member, MemberRole
from casedesk.domain.permissions import Permission, Principal
from casedesk.domain.statuses import InternalStatus, UserStatus, resolve_status
from casedesk.services import (
    assignment,
    audit,
    custom_fields,
    links,
    members,
    messages,
    sla,
    tags,
)
from casedesk.services.access import load_case, read_case
from casedesk.services.case_state import (
    apply_status,
    current_status,
    ensure_updatable,
    enter_status,
    record_status_change,
    touch,
)
from casedesk.services.case_views import build_new, build_one
from casedesk.services.clock import utcnow
from casedesk.services.references import (
    check_case_refs,
    default_group_id,
    new_case_defaults,
    require_agent,
    require_default_priority,
    status_catalog,
)
from casedesk.services.schemas import CaseCreate, CaseOut, CasePatch, MessageCreate
from casedesk.services.search_text import index_case
from casedesk.services.uploads import UploadRef, attach_uploads_in
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseCounter

#: Plain columns copied from input to the row as they are.
_PLAIN = (
    "title",
    "description",
    "priority_id",
    "category_id",
    "queue_id",
    "group_id",
    "organization_id",
    "asset_id",
    "deadline_at",
    "on_hold_until",
    "on_hold_comment",
    "primary_reference",
    "secondary_reference",
    "customer_reference",
    "occurred_at",
    "code",
    "parent_id",
)
_NOT_NULL = {"title", "priority_id", "group_id", "description"}


def open_case(
    db: Database,
    principal: Principal,
    data: CaseCreate,
    *,
    notes: Sequence[MessageCreate] = (),
    uploads: Sequence[UploadRef] = (),
    now: datetime | None = None,
) -> CaseOut:
    """Open a case; ``notes`` are added to it and ``uploads`` (the caller's pending
    uploads) attached to it in the same transaction."""
    now = now or utcnow()
    with db.write() as s:
        if not uploads:
            return open_case_in(s, principal, data, now, notes=notes)
        opened = open_case_in(s, principal, data, now, notes=notes)
        case = s.get_one(Case, opened.id)
        attach_uploads_in(s, principal, case, uploads, now)
        return build_one(s, case, principal)


def open_case_in(
    s: Session,
    principal: Principal,
    data: CaseCreate,
    now: datetime,
    *,
    source: dict[str, int] | None = None,
    notes: Sequence[MessageCreate] = (),
) -> CaseOut:
    """``open_case`` inside a transaction the caller owns (used by idempotent creates,
    templates and splits). ``source`` says where the case came from (e.g. the template
    it was opened from); it goes into the audit record and the outbox event.

    Everything that can be checked is checked before the case number is taken: on
    PostgreSQL taking it locks the corporation's counter row until commit."""
    principal.require(Permission.CREATE_CASE)
    corp = principal.corporation_id
    if principal.organization_id is not None and data.organization_id is None:
        data = data.model_copy(update={"organization_id": principal.organization_id})
    check_case_refs(s, principal, data, data.model_fields_set | {"title"})
    catalog = status_catalog(s, corp)
    status = resolve_status(catalog, data.status, data.status_id, None)
    _check_status_permission(principal, status)
    defaults = new_case_defaults(s, corp)
    group_id = data.group_id or default_group_id(s, principal, data.queue_id, defaults)
    priority_id = data.priority_id or require_default_priority(defaults)
    roster: list[Member] = []  # a new case has no members yet
    if data.assignee_id:
        roster = members.set_single(roster, MemberRole.ASSIGNED_USER, data.assignee_id, now)
    if data.contact_id:
        roster = members.set_single(roster, MemberRole.CONTACT, data.contact_id, now)
    for uid in dict.fromkeys(data.follower_ids):
        require_agent(s, uid, corp, "follower_ids")
        roster = members.set_single(roster, MemberRole.FOLLOWER, uid, now)
    case = Case(
        corporation_id=corp,
        title=data.title,
        description=data.description or "",
        status=int(status.internal),
        status_id=status.id,
        priority_id=priority_id,
        group_id=group_id,
        creator_id=principal.user_id,
        origin=data.origin,
        from_address=data.from_address,
        created_at=now,
        updated_at=now,
        status_changed_at=now,
    )
    for name in _PLAIN:
        if name not in {"title", "description", "priority_id", "group_id"}:
            setattr(case, name, getattr(data, name))
    apply_status(case, status, now, None)
    case.number = _next_number(s, corp)
    s.add(case)
    s.flush()
    record_status_change(
        s,
        case_id=case.id,
        status_id=status.id,
        internal_status=case.status,
        changed_at=now,
        changed_by_id=principal.user_id,
        reason="created",
    )
    members.persist(s, case.id, roster, {})
    assigned = assignment.assign_if_asked(s, case, data, now)
    if data.tags:
        tags.replace_tags(s, corp, case.id, data.tags)
    if data.custom_fields or defaults.requires_custom_fields:
        custom_fields.set_values(s, corp, case.id, data.custom_fields or {}, creating=True)
    index_case(s, case, new=True)
    sla.refresh(s, case, now)
    audit.record(
        s,
        principal,
        corp,
        "case.created",
        "case",
        case.id,
        case_id=case.id,
        changes={
            k: {"from": None, "to": audit.jsonable(v)}
            for k, v in data.model_dump(exclude_none=True).items()
        }
        | {k: {"from": None, "to": v} for k, v in (source or {}).items()}
        | assigned,
        at=now,
    )
    audit.emit(
        s, corp, "case.created", {"case_id": case.id, "number": case.number} | (source or {})
    )
    if notes:
        for note in notes:
            messages.add_message_in(s, principal, case, note, now)
        return build_one(s, case, principal)
    if roster or data.tags or data.custom_fields or data.auto_assign:
        s.flush()
        return build_one(s, case, principal)
    return build_new(case, defaults.case_prefix)


def get_case(db: Database, principal: Principal, case_id: int) -> CaseOut:
    with db.read() as s:
        return get_case_in(s, principal, case_id)


def get_case_in(s: Session, principal: Principal, case_id: int) -> CaseOut:
    return build_one(s, read_case(s, principal, case_id), principal)


def update_case(
    db: Database,
    principal: Principal,
    case_id: int,
    patch: CasePatch,
    *,
    expected_versions: Collection[int] | None = None,
    notes: Sequence[MessageCreate] = (),
    now: datetime | None = None,
) -> CaseOut:
    """Apply the fields present in ``patch``, then add ``notes``, in one transaction.
    With ``expected_versions`` (If-Match) a case changed since the caller read it is
    refused with PreconditionFailed."""
    now = now or utcnow()
    fields = patch.model_fields_set
    with db.write() as s:
        case = load_case(s, principal, case_id, Permission.EDIT_CASE, for_update=True)
        if expected_versions is not None and case.version not in expected_versions:
            raise PreconditionFailed(
                f"case {case_id} has changed; it is at version {case.version}",
                current_version=case.version,
            )
        ensure_updatable(case)
        for name in _NOT_NULL & fields:
            if getattr(patch, name) is None:
                raise ValidationFailed(f"{name} cannot be null", field=name)
        check_case_refs(s, principal, patch, fields)
        if "parent_id" in fields and patch.parent_id == case.id:
            raise ValidationFailed("a case cannot be its own parent", field="parent_id")
        if "parent_id" in fields and patch.parent_id is not None:
            links.check_no_cycle(s, case.id, patch.parent_id, field="parent_id")
        before = _snapshot(case)
        for name in _PLAIN:
            if name in fields:
                setattr(case, name, getattr(patch, name))
        changes: dict[str, dict[str, Any]] = audit.diff(before, _snapshot(case))
        if fields & {"status", "status_id"}:
            catalog = status_catalog(s, case.corporation_id)
            previous = current_status(catalog, case)
            new = resolve_status(catalog, patch.status, patch.status_id, previous)
            if new.id != previous.id:
                _check_status_permission(principal, new)
                enter_status(
                    s,
                    case,
                    new,
                    now,
                    actor_id=principal.user_id,
                    reason="manual",
                    previous=previous,
                )
                changes["status_id"] = {"from": previous.id, "to": new.id}
                changes["status"] = {"from": int(previous.internal), "to": int(new.internal)}
        changes |= _update_members(s, case, patch, fields, now)
        changes |= assignment.assign_if_asked(s, case, patch, now)
        if "tags" in fields:
            changes |= tags.replace_tags(s, case.corporation_id, case.id, patch.tags or [])  # type: ignore[arg-type]
        if "custom_fields" in fields and patch.custom_fields:
            changes |= custom_fields.set_values(
                s, case.corporation_id, case.id, patch.custom_fields, creating=False
            )
        if changes:
            touch(case, now)
            sla.refresh(s, case, now)
            if fields & {"title", "description"}:
                index_case(s, case)
            audit.record(
                s,
                principal,
                case.corporation_id,
                "case.updated",
                "case",
                case.id,
                case_id=case.id,
                changes=changes,
                at=now,
            )
            audit.emit(
                s,
                case.corporation_id,
                "case.updated",
                {"case_id": case.id, "fields": sorted(changes)},
            )
            s.flush()
        for note in notes:
            messages.add_message_in(s, principal, case, note, now)
        return build_one(s, case, principal)


def delete_case(db: Database, principal: Principal, case_id: int) -> CaseOut:
    """Soft delete: the case moves to the default Deleted status and stays there until
    someone changes it by hand."""
    now = utcnow()
    with db.write() as s:
        case = load_case(s, principal, case_id, Permission.DELETE_CASE, for_update=True)
        ensure_updatable(case)
        catalog = status_catalog(s, case.corporation_id)
        previous = current_status(catalog, case)
        new = resolve_status(catalog, int(InternalStatus.DELETED), None, previous)
        if enter_status(
            s, case, new, now, actor_id=principal.user_id, reason="deleted", previous=previous
        ):
            touch(case, now)
            sla.refresh(s, case, now)
            audit.record(
                s,
                principal,
                case.corporation_id,
                "case.deleted",
                "case",
                case.id,
                case_id=case.id,
                changes={"status_id": {"from": previous.id, "to": new.id}},
            )
            audit.emit(s, case.corporation_id, "case.deleted", {"case_id": case.id})
            s.flush()
        return build_one(s, case, principal)


_BUMP_COUNTER = (
    update(CaseCounter)
    .where(CaseCounter.corporation_id == bindparam("of_corporation"))
    .values(last_number=CaseCounter.last_number + 1)
    .returning(CaseCounter.last_number)
)


def _next_number(s: Session, corporation_id: int) -> int:
    """Bump the corporation's counter. The UPDATE takes the row lock (PostgreSQL) or runs
    under the write lock (SQLite), so concurrent creates get distinct, consecutive numbers."""
    connection = s.connection()
    number = connection.execute(_BUMP_COUNTER, {"of_corporation": corporation_id}).scalar()
    if number is None:
        connection.execute(insert(CaseCounter).values(corporation_id=corporation_id, last_number=1))
        return 1
    return int(number)


def _check_status_permission(principal: Principal, status: UserStatus) -> None:
    if status.internal == InternalStatus.CLOSED:
        principal.require(Permission.CLOSE_CASE)
    elif status.internal == InternalStatus.DELETED:
        principal.require(Permission.DELETE_CASE)
    elif status.internal == InternalStatus.MERGED:
        raise ValidationFailed("use the merge operation to merge a case", field="status")


def _update_members(
    s: Session, case: Case, patch: CasePatch, fields: set[str], now: datetime
) -> dict[str, dict[str, Any]]:
    wanted = {
        MemberRole.ASSIGNED_USER: ("assignee_id", patch.assignee_id),
        MemberRole.CONTACT: ("contact_id", patch.contact_id),
    }
    if not any(name in fields for name, _ in wanted.values()) and "follower_ids" not in fields:
        return {}
    roster, rows = members.load(s, case.id)
    changes: dict[str, dict[str, Any]] = {}
    if "follower_ids" in fields:
        roster, changes = _replace_followers(s, case, roster, patch.follower_ids or [], now)
    for role, (name, party) in wanted.items():
        if name not in fields:
            continue
        before = members.active_party(roster, role)
        if before != party:
            roster = members.set_single(roster, role, party, now)
            changes[name] = {"from": before, "to": party}
    members.persist(s, case.id, roster, rows)
    return changes


def _replace_followers(
    s: Session, case: Case, roster: list[Member], wanted: list[int], now: datetime
) -> tuple[list[Member], dict[str, dict[str, Any]]]:
    before = [m.party for m in rules.active_of_role(roster, MemberRole.FOLLOWER)]
    keep = list(dict.fromkeys(wanted))
    for uid in keep:
        if uid not in before:
            require_agent(s, uid, case.corporation_id, "follower_ids")
            roster = rules.add_member(roster, MemberRole.FOLLOWER, uid, now)
    for uid in before:
        if uid not in keep:
            roster = rules.end_member(roster, MemberRole.FOLLOWER, uid, now)
    if sorted(before) == sorted(keep):
        return roster, {}
    return roster, {"follower_ids": {"from": sorted(before), "to": sorted(keep)}}


def _snapshot(case: Case) -> dict[str, Any]:
    return {name: getattr(case, name) for name in _PLAIN}
