"""/console/admin/templates: case templates, the starting values of new cases.

The form covers the common fields (title, description, status, priority, category,
queue, group, tags). A template may hold more, set through the API; editing it here
keeps those and changes only the fields the form shows.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.domain.permissions import Principal
from casedesk.services.cases import templates
from casedesk.services.cases.templates import TemplateCreate, TemplatePatch
from casedesk.services.reference import categories, groups, priorities, queues, statuses
from casedesk.services.reference.common import require_manager
from casedesk.store.db import Database
from casedesk.web.routes.admin_categories import tree_options
from casedesk.web.routes.admin_forms import (
    Posted,
    RowId,
    done,
    optional,
    options,
    parse,
    show,
    text,
)
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/templates")
HOME = "/console/admin/templates"
#: The template fields this form edits; others a template holds are kept.
FORM_FIELDS = (
    "title",
    "description",
    "status_id",
    "priority_id",
    "category_id",
    "queue_id",
    "group_id",
    "tags",
)


def _choices(db: Database, principal: Principal) -> dict[str, Any]:
    return {
        "statuses": options(statuses.list_statuses(db, principal)),
        "priorities": options(priorities.list_priorities(db, principal)),
        "categories": tree_options(categories.category_tree(db, principal)),
        "queues": options(queues.list_queues(db, principal)),
        "groups": options(groups.list_groups(db, principal)),
    }


def _form_fields(form: Posted) -> dict[str, Any]:
    """The fields the form sets; an empty one is left out of the template."""
    fields: dict[str, Any] = {
        "title": optional(form, "title"),
        "description": optional(form, "description"),
        **{name: optional(form, name) for name in FORM_FIELDS[2:7]},
        "tags": [tag.strip() for tag in text(form, "tags").split(",") if tag.strip()] or None,
    }
    return {name: value for name, value in fields.items() if value is not None}


@router.get("")
def list_templates(request: Request, agent: Agent) -> Response:
    require_manager(agent.principal)
    db = database(request)
    rows = templates.list_templates(db, agent.principal)
    return show(
        request, "admin/templates.html", {"templates": rows} | _choices(db, agent.principal)
    )


@router.post("")
def create_template(request: Request, agent: Agent, form: Posted) -> Response:
    data = parse(TemplateCreate, {"name": text(form, "name"), "fields": _form_fields(form)})
    templates.create_template(database(request), agent.principal, data)
    return done(request, HOME, "created")


@router.get("/{template_id}")
def edit_template(request: Request, agent: Agent, template_id: RowId) -> Response:
    require_manager(agent.principal)
    db = database(request)
    row = templates.get_template(db, agent.principal, template_id)
    kept = sorted(name for name in row.fields if name not in FORM_FIELDS)
    return show(
        request,
        "admin/template_edit.html",
        {"template": row, "values": row.fields, "kept": kept} | _choices(db, agent.principal),
    )


@router.post("/{template_id}")
def update_template(request: Request, agent: Agent, template_id: RowId, form: Posted) -> Response:
    db = database(request)
    current = templates.get_template(db, agent.principal, template_id)
    kept = {k: v for k, v in current.fields.items() if k not in FORM_FIELDS}
    patch = parse(TemplatePatch, {"name": text(form, "name"), "fields": kept | _form_fields(form)})
    templates.update_template(db, agent.principal, template_id, patch)
    return done(request, HOME, "saved")


@router.post("/{template_id}/delete")
def delete_template(request: Request, agent: Agent, template_id: RowId) -> Response:
    templates.delete_template(database(request), agent.principal, template_id)
    return done(request, HOME, "deleted")
