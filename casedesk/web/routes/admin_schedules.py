"""/console/admin/schedules: cases opened from a template on a recurrence.

The form has every recurrence field; only those filled in are sent, and the service
refuses one that does not belong to the chosen kind (a day of the month on a weekly
schedule), naming it. Pausing is a schedule's "active" flag, also behind a button on
its page, and resuming starts afresh: occurrences missed while paused do not run.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.domain.permissions import Principal
from casedesk.services.cases import templates
from casedesk.services.kernel.translations import N_
from casedesk.services.reference.accounts import list_users
from casedesk.services.reference.common import require_manager
from casedesk.services.scheduling import schedules
from casedesk.services.scheduling.schedules import ScheduleCreate, ScheduleOut, SchedulePatch
from casedesk.store.db import Database
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

router = APIRouter(prefix="/console/admin/schedules")
HOME = "/console/admin/schedules"
KINDS = [
    ("daily", N_("Every day")),
    ("weekly", N_("Every week, on the days ticked")),
    ("monthly", N_("Every month, on a day")),
    ("yearly", N_("Every year, on a day of a month")),
    ("cron", N_("A cron expression")),
]
WEEKDAYS = [
    ("1", N_("Mon")),
    ("2", N_("Tue")),
    ("3", N_("Wed")),
    ("4", N_("Thu")),
    ("5", N_("Fri")),
    ("6", N_("Sat")),
    ("7", N_("Sun")),
]


def _recurrence(form: Posted) -> dict[str, object]:
    """The recurrence's filled-in fields (the kind's, if the form was filled in right)."""
    fields: dict[str, object] = {
        "kind": text(form, "kind"),
        "at": optional(form, "at"),
        "weekdays": values(form, "weekdays") or None,
        "day": optional(form, "day"),
        "month": optional(form, "month"),
        "expression": optional(form, "expression"),
    }
    return {k: v for k, v in fields.items() if v is not None}


def _fields(form: Posted) -> dict[str, object]:
    return {
        "name": text(form, "name"),
        "template_id": optional(form, "template_id"),
        "run_as_user_id": optional(form, "run_as_user_id"),
        "recurrence": _recurrence(form),
        "time_zone": optional(form, "time_zone"),
        "is_active": checked(form, "is_active"),
    }


def describe(schedule: ScheduleOut) -> str:
    """The recurrence in words: "weekly on 1, 5 at 09:00"."""
    rule = schedule.recurrence
    parts = [str(rule.get("kind", ""))]
    if rule.get("weekdays"):
        names = dict(WEEKDAYS)
        parts.append("on " + ", ".join(names.get(str(d), str(d)) for d in rule["weekdays"]))
    if rule.get("month"):
        parts.append(f"in month {rule['month']}")
    if rule.get("day"):
        parts.append(f"on day {rule['day']}")
    if rule.get("expression"):
        parts.append(f"'{rule['expression']}'")
    if rule.get("at"):
        parts.append(f"at {rule['at']}")
    return " ".join(parts)


def _choices(db: Database, principal: Principal) -> dict[str, object]:
    template_rows = templates.list_templates(db, principal)
    users = list_users(db, principal, is_active=True, limit=1000)
    return {
        "templates": options(template_rows),
        "users": [(str(u.id), u.name or u.email) for u in users],
        "template_names": {t.id: t.name for t in template_rows},
        "kinds": KINDS,
        "weekdays": WEEKDAYS,
    }


@router.get("")
def list_schedules(request: Request, agent: Agent) -> Response:
    require_manager(agent.principal)
    db = database(request)
    rows = [(row, describe(row)) for row in schedules.list_schedules(db, agent.principal)]
    return show(
        request,
        "admin/schedules.html",
        {"schedules": rows, "schedule": None} | _choices(db, agent.principal),
    )


@router.post("")
def create_schedule(request: Request, agent: Agent, form: Posted) -> Response:
    data = parse(ScheduleCreate, _fields(form))
    schedules.create_schedule(database(request), agent.principal, data)
    return done(request, HOME, "created")


@router.get("/{schedule_id}")
def edit_schedule(request: Request, agent: Agent, schedule_id: RowId) -> Response:
    require_manager(agent.principal)
    db = database(request)
    row = schedules.get_schedule(db, agent.principal, schedule_id)
    return show(
        request,
        "admin/schedule_edit.html",
        {"schedule": row, "summary": describe(row)} | _choices(db, agent.principal),
    )


@router.post("/{schedule_id}")
def update_schedule(request: Request, agent: Agent, schedule_id: RowId, form: Posted) -> Response:
    require_manager(agent.principal)  # before the form is read: an agent learns nothing
    fields = _fields(form)
    for kept in ("time_zone", "run_as_user_id"):
        if fields[kept] is None:
            del fields[kept]  # keep the stored value
    patch = parse(SchedulePatch, fields)
    schedules.update_schedule(database(request), agent.principal, schedule_id, patch)
    return done(request, HOME, "saved")


@router.post("/{schedule_id}/pause")
def pause_schedule(request: Request, agent: Agent, schedule_id: RowId) -> Response:
    patch = SchedulePatch(is_active=False)
    schedules.update_schedule(database(request), agent.principal, schedule_id, patch)
    return done(request, HOME, "paused")


@router.post("/{schedule_id}/resume")
def resume_schedule(request: Request, agent: Agent, schedule_id: RowId) -> Response:
    patch = SchedulePatch(is_active=True)
    schedules.update_schedule(database(request), agent.principal, schedule_id, patch)
    return done(request, HOME, "resumed")


@router.post("/{schedule_id}/delete")
def delete_schedule(request: Request, agent: Agent, schedule_id: RowId) -> Response:
    schedules.delete_schedule(database(request), agent.principal, schedule_id)
    return done(request, HOME, "deleted")
