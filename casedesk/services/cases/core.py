"""Case use-cases: open, update, get, soft delete (merging is in ``merging``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from casedesk.domain import members as rules
from casedesk.domain.errors import PreconditionFailed, ValidationFailed
from casedesk.domain.members import Member, MemberRole
from casedesk.domain.permissions import Permission, Principal
from casedesk.domain.statuses import InternalStatus, resolve_status
from casedesk.services.attachments.uploads import UploadRef, attach_uploads_in
from casedesk.services.cases import (
    assignment,
    custom_fields,
    extra_values,
    links,
    members,
    messages,
    secondary_contacts,
    tags,
)
from casedesk.services.cases.opening import PLAIN_FIELDS, open_case_in
from casedesk.services.cases.schemas import CaseCreate, CaseOut, CasePatch, MessageCreate
from casedesk.services.cases.search_text import index_case
from casedesk.services.cases.views import build_one
from casedesk.services.kernel import audit, memberships
from casedesk.services.kernel.access import load_case, read_case
from casedesk.services.kernel.case_state import (
    check_status_permission,
    current_status,
    ensure_updatable,
    enter_status,
    touch,
)
from casedesk.services.kernel.clock import utcnow
from casedesk.services.kernel.references import (
    check_case_refs,
    require_agent,
    status_catalog,
)
from casedesk.services.sla import state as sla
from casedesk.store.db import Database
from casedesk.store.models import Case

_NOT_NULL = {"title", "priority_id", "group_id", "description"}


def open_case(
    db: Database,
    principal: Principal,
    data: CaseCreate,
    *,
    notes: Sequence[MessageCreate] = (),
    uploads: Sequence[UploadRef] = (),
    custom_values: extra_values.Values | None = None,
    secondary_contact_ids: Sequence[int] = (),
    now: datetime | None = None,
) -> CaseOut:
    """Open a case; ``notes`` are added to it and ``uploads`` (the caller's pending
    uploads) attached to it in the same transaction. ``custom_values``: values by key
    from a face that does not tell custom fields from free values; those of defined
    custom fields join ``data.custom_fields``, the others are kept as free values
    (``extra_values``). ``secondary_contact_ids``: further contacts of the case
    (``secondary_contacts``)."""
    now = now or utcnow()
    with db.write() as s:
        free: dict[str, str | None] = {}
        if custom_values is not None:
            data, free = _with_custom_values(s, principal, data, custom_values)
        opened = open_case_in(s, principal, data, now, notes=notes)
        if free:
            extra_values.replace_in(s, opened.id, free)
        if secondary_contact_ids:
            corporation_id = principal.corporation_id
            secondary_contacts.replace_in(s, corporation_id, opened.id, secondary_contact_ids)
        if not uploads:
            return opened
        case = s.get_one(Case, opened.id)
        attach_uploads_in(s, principal, case, uploads, now)
        return build_one(s, case, principal)


_Input = TypeVar("_Input", CaseCreate, CasePatch)


def _with_custom_values(
    s: Session, principal: Principal, data: _Input, values: extra_values.Values
) -> tuple[_Input, dict[str, str | None]]:
    """``data`` with the defined custom fields of ``values`` added, and the free rest."""
    known, free = extra_values.split(s, principal.corporation_id, values)
    if not known:
        return data, free
    merged = dict(data.custom_fields or {}) | known
    given = data.model_dump(exclude_unset=True) | {"custom_fields": merged}
    return type(data).model_validate(given), free


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
    custom_values: extra_values.Values | None = None,
    secondary_contact_ids: Sequence[int] | None = None,
    now: datetime | None = None,
) -> CaseOut:
    """Apply the fields present in ``patch``, then add ``notes``, in one transaction.
    With ``expected_versions`` (If-Match) a case changed since the caller read it is
    refused with PreconditionFailed. ``custom_values`` as in :func:`open_case`; when
    given, the free values replace the case's free values. ``secondary_contact_ids``,
    when given, replaces the case's secondary contacts."""
    now = now or utcnow()
    with db.write() as s:
        return update_case_in(
            s,
            principal,
            case_id,
            patch,
            expected_versions=expected_versions,
            notes=notes,
            custom_values=custom_values,
            secondary_contact_ids=secondary_contact_ids,
            now=now,
        )


def update_case_in(
    s: Session,
    principal: Principal,
    case_id: int,
    patch: CasePatch,
    *,
    expected_versions: Collection[int] | None = None,
    notes: Sequence[MessageCreate] = (),
    custom_values: extra_values.Values | None = None,
    secondary_contact_ids: Sequence[int] | None = None,
    now: datetime,
) -> CaseOut:
    """``update_case`` in the caller's transaction (rules acting on a case's event)."""
    free: dict[str, str | None] | None = None
    if custom_values is not None:
        patch, free = _with_custom_values(s, principal, patch, custom_values)
    fields = patch.model_fields_set
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
    if fields & {"organization_id", "contact_id"}:
        organization = memberships.organization_after(
            s,
            principal,
            case,
            ("contact_id" in fields, patch.contact_id),
            ("organization_id" in fields, patch.organization_id),
        )
        patch = patch.model_copy(update={"organization_id": organization})
        fields = fields | {"organization_id"}
    if "parent_id" in fields and patch.parent_id == case.id:
        raise ValidationFailed("a case cannot be its own parent", field="parent_id")
    if "parent_id" in fields and patch.parent_id is not None:
        links.check_no_cycle(s, case.id, patch.parent_id, field="parent_id")
    before = _snapshot(case)
    for name in PLAIN_FIELDS:
        if name in fields:
            setattr(case, name, getattr(patch, name))
    changes: dict[str, dict[str, Any]] = audit.diff(before, _snapshot(case))
    if fields & {"status", "status_id"}:
        catalog = status_catalog(s, case.corporation_id)
        previous = current_status(catalog, case)
        new = resolve_status(catalog, patch.status, patch.status_id, previous)
        if new.id != previous.id:
            check_status_permission(principal, new)
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
    if free is not None:
        changes |= extra_values.replace_in(s, case.id, free)
    if secondary_contact_ids is not None:
        changes |= secondary_contacts.replace_in(
            s, case.corporation_id, case.id, secondary_contact_ids
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
    return {name: getattr(case, name) for name in PLAIN_FIELDS}
