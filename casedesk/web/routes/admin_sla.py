"""/console/admin/sla-policies: SLA policies, their targets and alert levels.

Targets are written in minutes of office time; they count in the business calendar of
the case's priority, which the list shows beside a policy bound to a priority. Alert
levels are one per line, ``warning: 80%`` (a share of the target) or ``overdue: 60``
(minutes from the due date, negative before it), numbered in the order written; an
empty box keeps the shipped levels. Disabling a policy is its "active" box.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.reference import (
    calendars,
    categories,
    organizations,
    priorities,
    sla_policies,
)
from casedesk.services.reference.common import require_manager
from casedesk.services.reference.sla_policies import (
    AlertLevelOut,
    SlaPolicyCreate,
    SlaPolicyOut,
    SlaPolicyPatch,
)
from casedesk.store.db import Database
from casedesk.web.routes.admin_forms import (
    Posted,
    RowId,
    checked,
    done,
    lines,
    optional,
    options,
    parse,
    show,
    text,
)
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/sla-policies")
HOME = "/console/admin/sla-policies"
#: Organizations offered in the form's select (the API takes any id).
ORGANIZATION_CHOICES = 500


def levels_text(levels: list[AlertLevelOut]) -> str:
    """The levels as the form writes them, one per line."""
    out = []
    for level in levels:
        if level.fraction_of_target is not None:
            share = round(level.fraction_of_target * 100, 4)
            out.append(f"{level.name}: {share:g}%")
        else:
            out.append(f"{level.name}: {level.minutes_from_due}")
    return "\n".join(out)


def _levels(value: str) -> list[dict[str, object]] | None:
    """The textarea's levels as the service takes them; None (the defaults) when empty."""
    rows = lines(value)
    if not rows:
        return None
    levels: list[dict[str, object]] = []
    for number, row in enumerate(rows, start=1):
        name, colon, amount = row.rpartition(":")
        amount = amount.strip()
        try:
            if not colon or not name.strip():
                raise ValueError
            if amount.endswith("%"):
                share = float(amount[:-1]) / 100
                levels.append({"level": number, "name": name.strip(), "fraction_of_target": share})
            else:
                minutes = int(amount.removesuffix("min").strip())
                levels.append({"level": number, "name": name.strip(), "minutes_from_due": minutes})
        except ValueError:
            raise ValidationFailed(
                f"alert level {number}: write it as 'warning: 80%' or 'overdue: 60'",
                field="alert_levels",
            ) from None
    return levels


def _fields(form: Posted) -> dict[str, object]:
    return {
        "name": text(form, "name"),
        "priority_id": optional(form, "priority_id"),
        "category_id": optional(form, "category_id"),
        "organization_id": optional(form, "organization_id"),
        "first_response_minutes": optional(form, "first_response_minutes"),
        "next_response_minutes": optional(form, "next_response_minutes"),
        "resolution_minutes": optional(form, "resolution_minutes"),
        "alert_levels": _levels(text(form, "alert_levels")),
        "position": optional(form, "position") or "0",
        "is_active": checked(form, "is_active"),
    }


def _choices(db: Database, principal: Principal) -> dict[str, object]:
    """The selects' choices, and the calendar each priority counts in."""
    prios = priorities.list_priorities(db, principal)
    calendar_names = {c.id: c.name for c in calendars.list_calendars(db, principal)}
    orgs = organizations.list_organizations(db, principal, limit=ORGANIZATION_CHOICES)
    cats = categories.list_categories(db, principal)
    return {
        "priorities": options(prios),
        "categories": options(cats),
        "organizations": options(orgs),
        "names": {
            "priority": {p.id: p.name for p in prios},
            "category": {c.id: c.name for c in cats},
            "organization": {o.id: o.name for o in orgs},
        },
        "priority_calendar": {
            p.id: calendar_names.get(p.calendar_id, "") if p.calendar_id else "24x7" for p in prios
        },
    }


@router.get("")
def list_policies(request: Request, agent: Agent) -> Response:
    require_manager(agent.principal)
    db = database(request)
    rows = sla_policies.list_policies(db, agent.principal)
    return show(
        request,
        "admin/sla_policies.html",
        {"policies": rows, "policy": None, "levels_text": ""} | _choices(db, agent.principal),
    )


@router.post("")
def create_policy(request: Request, agent: Agent, form: Posted) -> Response:
    data = parse(SlaPolicyCreate, _fields(form))
    sla_policies.create_policy(database(request), agent.principal, data)
    return done(request, HOME, "created")


@router.get("/{policy_id}")
def edit_policy(request: Request, agent: Agent, policy_id: RowId) -> Response:
    require_manager(agent.principal)
    db = database(request)
    row: SlaPolicyOut = sla_policies.get_policy(db, agent.principal, policy_id)
    return show(
        request,
        "admin/sla_policy_edit.html",
        {"policy": row, "levels_text": levels_text(row.alert_levels)}
        | _choices(db, agent.principal),
    )


@router.post("/{policy_id}")
def update_policy(request: Request, agent: Agent, policy_id: RowId, form: Posted) -> Response:
    # Every field is sent, so an empty levels box (None) restores the shipped levels.
    patch = parse(SlaPolicyPatch, _fields(form))
    sla_policies.update_policy(database(request), agent.principal, policy_id, patch)
    return done(request, HOME, "saved")


@router.post("/{policy_id}/delete")
def delete_policy(request: Request, agent: Agent, policy_id: RowId) -> Response:
    sla_policies.delete_policy(database(request), agent.principal, policy_id)
    return done(request, HOME, "deleted")
