"""SLA policies: first-response, next-response and resolution targets in office minutes,
for the cases matching a priority, category and/or organization, with the alert levels
the escalation sweep acts on.

The most specific matching policy applies (``domain.sla.choose_policy``). Targets count
in the calendar of the case's priority. A change to the policies is applied to the open
cases of the corporation by the next sweep: their ``sla_check_at`` is set to now, so the
write itself stays one small transaction however many cases there are.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.escalation import DEFAULT_LEVELS, AlertLevel, validate_levels
from casedesk.domain.permissions import Principal
from casedesk.domain.statuses import InternalStatus
from casedesk.services.kernel import audit
from casedesk.services.kernel.references import require_ref
from casedesk.services.reference.common import (
    Id,
    In,
    Name100,
    Out,
    Text50,
    created,
    deleted,
    ensure_unique,
    flush,
    get_row,
    present,
    require_manager,
    snapshot,
)
from casedesk.services.sla.state import case_table
from casedesk.store.db import Database
from casedesk.store.models import Category, Organization, Priority, SlaPolicy

_FIELDS = (
    "name",
    "priority_id",
    "category_id",
    "organization_id",
    "first_response_minutes",
    "next_response_minutes",
    "resolution_minutes",
    "alert_levels",
    "position",
    "is_active",
)
_CONDITIONS = {"priority_id": Priority, "category_id": Category, "organization_id": Organization}
_TARGETS = ("first_response_minutes", "next_response_minutes", "resolution_minutes")
#: Cases whose clocks can still run: a policy change is re-applied to these.
_OPEN = (
    InternalStatus.OPEN,
    InternalStatus.AWAITING_EXTERNAL,
    InternalStatus.AWAITING_INTERNAL,
    InternalStatus.ON_HOLD,
)

#: Up to ten years of minutes.
Minutes = Annotated[int, Field(ge=1, le=5_256_000)]
Position = Annotated[int, Field(ge=-1_000_000, le=1_000_000)]


class AlertLevelIn(In):
    level: Annotated[int, Field(ge=1, le=100)]
    name: Text50
    fraction_of_target: Annotated[
        float | None, Field(gt=0, le=100, allow_inf_nan=False, examples=[0.8])
    ] = None
    minutes_from_due: Annotated[int | None, Field(ge=-5_256_000, le=5_256_000)] = None


class AlertLevelOut(Out):
    level: int
    name: str
    fraction_of_target: float | None
    minutes_from_due: int | None


class SlaPolicyOut(Out):
    id: int
    name: str
    priority_id: int | None
    category_id: int | None
    organization_id: int | None
    first_response_minutes: int | None
    next_response_minutes: int | None
    resolution_minutes: int | None
    alert_levels: list[AlertLevelOut]
    position: int
    is_active: bool


class SlaPolicyCreate(In):
    name: Name100
    priority_id: Id | None = None
    category_id: Id | None = Field(None, description="Also matches its subcategories.")
    organization_id: Id | None = None
    first_response_minutes: Minutes | None = None
    next_response_minutes: Minutes | None = None
    resolution_minutes: Minutes | None = None
    alert_levels: Annotated[list[AlertLevelIn], Field(max_length=20)] | None = Field(
        None, description="Omitted: warning at 80 %, due, one hour overdue."
    )
    position: Position = 0
    is_active: bool = True


class SlaPolicyPatch(In):
    name: Name100 | None = None
    priority_id: Id | None = None
    category_id: Id | None = None
    organization_id: Id | None = None
    first_response_minutes: Minutes | None = None
    next_response_minutes: Minutes | None = None
    resolution_minutes: Minutes | None = None
    alert_levels: Annotated[list[AlertLevelIn], Field(max_length=20)] | None = None
    position: Position | None = None
    is_active: bool | None = None


def _levels(given: list[AlertLevelIn] | None) -> list[dict[str, Any]]:
    """The levels as stored, checked by the rules; none given means the defaults."""
    try:
        levels = validate_levels(
            DEFAULT_LEVELS
            if given is None
            else (AlertLevel(**level.model_dump()) for level in given)
        )
    except ValidationFailed as exc:
        raise ValidationFailed(str(exc), field="alert_levels") from None
    return [
        {
            "level": lv.level,
            "name": lv.name,
            "fraction_of_target": lv.fraction_of_target,
            "minutes_from_due": lv.minutes_from_due,
        }
        for lv in levels
    ]


def _check(s: Session, corporation_id: int, values: dict[str, Any]) -> None:
    for name, model in _CONDITIONS.items():
        if values[name] is not None:
            require_ref(s, model, values[name], corporation_id, name)
    if all(values[name] is None for name in _TARGETS):
        raise ValidationFailed("a policy needs at least one target", field="first_response_minutes")


def _reapply(s: Session, corporation_id: int) -> None:
    """Have the next sweep re-evaluate the corporation's open cases under the changed
    policies: each is marked due since its creation, an instant every clock has passed."""
    table = case_table()
    cases = table.c
    s.execute(
        update(table)
        .where(cases.corporation_id == corporation_id, cases.status.in_([int(x) for x in _OPEN]))
        .values(sla_check_at=cases.created_at)
    )


def _out(row: SlaPolicy) -> SlaPolicyOut:
    return SlaPolicyOut.model_validate(row)


def list_policies(db: Database, principal: Principal) -> list[SlaPolicyOut]:
    with db.read() as s:
        rows = s.scalars(
            select(SlaPolicy)
            .where(SlaPolicy.corporation_id == principal.corporation_id)
            .order_by(SlaPolicy.position, SlaPolicy.name, SlaPolicy.id)
        )
        return [_out(r) for r in rows]


def get_policy(db: Database, principal: Principal, policy_id: int) -> SlaPolicyOut:
    with db.read() as s:
        return _out(get_row(s, SlaPolicy, policy_id, principal.corporation_id, "SLA policy"))


def create_policy(db: Database, principal: Principal, data: SlaPolicyCreate) -> SlaPolicyOut:
    require_manager(principal)
    corp = principal.corporation_id
    values = data.model_dump() | {"alert_levels": _levels(data.alert_levels)}
    with db.write() as s:
        _check(s, corp, values)
        ensure_unique(s, SlaPolicy, corp, "name", data.name, "SLA policy")
        row = SlaPolicy(corporation_id=corp, **values)
        s.add(row)
        flush(s, f"an SLA policy named {data.name!r} exists already")
        _reapply(s, corp)
        audit.record(
            s,
            principal,
            corp,
            "sla_policy.created",
            "sla_policy",
            row.id,
            changes=created(snapshot(row, _FIELDS)),
        )
        return _out(row)


def update_policy(
    db: Database, principal: Principal, policy_id: int, patch: SlaPolicyPatch
) -> SlaPolicyOut:
    values = present(patch, ("name", "position", "is_active"))
    if "alert_levels" in values:
        values["alert_levels"] = _levels(patch.alert_levels)
    with db.write() as s:
        row = get_row(s, SlaPolicy, policy_id, principal.corporation_id, "SLA policy")
        require_manager(principal)
        before = snapshot(row, _FIELDS)
        after = before | values
        if after == before:
            return _out(row)
        _check(s, row.corporation_id, after)
        ensure_unique(
            s,
            SlaPolicy,
            row.corporation_id,
            "name",
            after["name"],
            "SLA policy",
            exclude_id=row.id,
        )
        for name in _FIELDS:
            setattr(row, name, after[name])
        flush(s, f"an SLA policy named {row.name!r} exists already")
        _reapply(s, row.corporation_id)
        audit.record(
            s,
            principal,
            row.corporation_id,
            "sla_policy.updated",
            "sla_policy",
            row.id,
            changes=audit.diff(before, after),
        )
        return _out(row)


def delete_policy(db: Database, principal: Principal, policy_id: int) -> None:
    """Cases under the policy keep their recorded breaches; the sweep re-evaluates them."""
    with db.write() as s:
        row = get_row(s, SlaPolicy, policy_id, principal.corporation_id, "SLA policy")
        require_manager(principal)
        before = snapshot(row, _FIELDS)
        corp = row.corporation_id
        s.delete(row)
        flush(s, f"SLA policy {policy_id} could not be deleted")
        _reapply(s, corp)
        audit.record(
            s,
            principal,
            corp,
            "sla_policy.deleted",
            "sla_policy",
            policy_id,
            changes=deleted(before),
        )
