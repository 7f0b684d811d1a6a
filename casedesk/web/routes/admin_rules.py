"""/console/admin/triggers, /automations, /macros: the rules that run the desk.

Conditions and actions are edited as JSON in the vocabulary of docs/rules.md; the
services check them as the API does. Each rule's page can test it against a case
("which conditions matched, what would change"), which changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.rules import TRIGGER_EVENTS
from casedesk.services.reference import groups
from casedesk.services.reference.common import require_admin
from casedesk.services.rules import definitions, dry_run
from casedesk.services.rules.definitions import Kind, RuleIn, RulePatch
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

KINDS: tuple[tuple[Kind, str, str], ...] = (
    ("trigger", "triggers", "Triggers"),
    ("automation", "automations", "Automations"),
    ("macro", "macros", "Macros"),
)


def _json(form: FormData, name: str, empty: object) -> Any:
    raw = text(form, name)
    if not raw:
        return empty
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"{name}: not JSON ({exc.msg})", field=name) from None


def _fields(kind: Kind, form: FormData) -> dict[str, object]:
    data: dict[str, object] = {
        "name": text(form, "name"),
        "position": text(form, "position") or "0",
        "is_active": checked(form, "is_active"),
        "conditions": _json(form, "conditions", {}),
        "actions": _json(form, "actions", []),
    }
    if kind == "trigger":
        data["events"] = values(form, "events")
    if kind == "macro":
        data["group_id"] = optional(form, "group_id")
        data["reply_text"] = optional(form, "reply_text")
    return data


def _router(kind: Kind, path: str, title: str) -> APIRouter:
    router = APIRouter(prefix=f"/console/admin/{path}")
    home = f"/console/admin/{path}"

    def page(request: Request, agent: Agent, template: str, **extra: object) -> Response:
        db = database(request)
        context = {
            "kind": kind,
            "path": path,
            "title": title,
            "events": [(e, e.replace("_", " ")) for e in TRIGGER_EVENTS],
            "groups": options(groups.list_groups(db, agent.principal)),
        }
        return show(request, template, context | extra)

    @router.get("")
    def list_rules(request: Request, agent: Agent) -> Response:
        require_admin(agent.principal, f"manage {path}")
        rules = definitions.list_rules(database(request), agent.principal, kind)
        return page(request, agent, "admin/rules.html", rules=rules)

    @router.post("")
    def create_rule(request: Request, agent: Agent, form: Posted) -> Response:
        data = parse(RuleIn, _fields(kind, form))
        definitions.create_rule(database(request), agent.principal, kind, data)
        return done(request, home, "created")

    @router.get("/{rule_id}")
    def edit_rule(request: Request, agent: Agent, rule_id: RowId) -> Response:
        require_admin(agent.principal, f"manage {path}")
        rule = definitions.get_rule(database(request), agent.principal, kind, rule_id)
        return page(request, agent, "admin/rule_edit.html", rule=rule, result=None)

    @router.post("/{rule_id}")
    def update_rule(request: Request, agent: Agent, rule_id: RowId, form: Posted) -> Response:
        data = parse(RulePatch, _fields(kind, form))
        definitions.update_rule(database(request), agent.principal, kind, rule_id, data)
        return done(request, home, "saved")

    @router.post("/{rule_id}/delete")
    def delete_rule(request: Request, agent: Agent, rule_id: RowId) -> Response:
        definitions.delete_rule(database(request), agent.principal, kind, rule_id)
        return done(request, home, "deleted")

    @router.post("/{rule_id}/test")
    def test_rule(request: Request, agent: Agent, rule_id: RowId, form: Posted) -> Response:
        case_id = text(form, "case_id")
        if not case_id.isdigit() or not 0 < int(case_id) <= 2**53:
            raise ValidationFailed("case_id: a case id", field="case_id")
        db = database(request)
        result = dry_run.test_rule(db, agent.principal, kind, rule_id, int(case_id))
        rule = definitions.get_rule(db, agent.principal, kind, rule_id)
        return page(request, agent, "admin/rule_edit.html", rule=rule, result=result)

    return router


ROUTERS = tuple(_router(kind, path, title) for kind, path, title in KINDS)
