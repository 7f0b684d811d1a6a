"""/console/admin/categories: the category tree, and per category the rules that assign
its cases automatically (a strategy and the agents who take turns)."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.services.cases import assignment
from casedesk.services.cases.assignment import AssignmentRules
from casedesk.services.reference import accounts, categories
from casedesk.services.reference.categories import CategoryCreate, CategoryNode, CategoryPatch
from casedesk.services.reference.common import require_manager
from casedesk.web.routes.admin_forms import (
    Posted,
    RowId,
    done,
    optional,
    parse,
    show,
    text,
    values,
)
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/categories")
HOME = "/console/admin/categories"
STRATEGIES = [
    ("round_robin", "Round robin: the agents take turns"),
    ("least_open", "Least open: the agent with the fewest open cases"),
]


def tree_options(
    nodes: Iterable[CategoryNode], depth: int = 0, skip: int | None = None
) -> list[tuple[str, str]]:
    """The tree as select options, indented by depth; ``skip`` leaves out a category and
    everything below it (it cannot move under itself)."""
    out: list[tuple[str, str]] = []
    for node in nodes:
        if node.id == skip:
            continue
        out.append((str(node.id), "\u2014 " * depth + node.name))
        out.extend(tree_options(node.children, depth + 1, skip))
    return out


@router.get("")
def list_categories(request: Request, agent: Agent) -> Response:
    require_manager(agent.principal)
    tree = categories.category_tree(database(request), agent.principal)
    return show(request, "admin/categories.html", {"tree": tree, "parents": tree_options(tree)})


def _fields(form: Posted) -> dict[str, object]:
    return {"name": text(form, "name"), "parent_id": optional(form, "parent_id")}


@router.post("")
def create_category(request: Request, agent: Agent, form: Posted) -> Response:
    data = parse(CategoryCreate, _fields(form))
    categories.create_category(database(request), agent.principal, data)
    return done(request, HOME, "created")


@router.get("/{category_id}")
def edit_category(request: Request, agent: Agent, category_id: RowId) -> Response:
    require_manager(agent.principal)
    db = database(request)
    category = categories.get_category(db, agent.principal, category_id)
    tree = categories.category_tree(db, agent.principal)
    rules = assignment.get_rules(db, agent.principal, category_id)
    users = accounts.list_users(db, agent.principal, is_active=True, limit=500)
    return show(
        request,
        "admin/category_edit.html",
        {
            "category": category,
            "parents": tree_options(tree, skip=category.id),
            "rules": rules,
            "strategies": STRATEGIES,
            "agents": [(str(u.id), f"{u.name} ({u.email})") for u in users],
            "chosen": [str(uid) for uid in rules.agent_ids],
        },
    )


@router.post("/{category_id}")
def update_category(request: Request, agent: Agent, category_id: RowId, form: Posted) -> Response:
    patch = parse(CategoryPatch, _fields(form))
    categories.update_category(database(request), agent.principal, category_id, patch)
    return done(request, HOME, "saved")


@router.post("/{category_id}/assignment")
def set_assignment(request: Request, agent: Agent, category_id: RowId, form: Posted) -> Response:
    rules = parse(
        AssignmentRules,
        {"strategy": optional(form, "strategy"), "agent_ids": values(form, "agent_ids")},
    )
    assignment.set_rules(database(request), agent.principal, category_id, rules)
    return done(request, HOME, "saved")


@router.post("/{category_id}/delete")
def delete_category(request: Request, agent: Agent, category_id: RowId) -> Response:
    categories.delete_category(database(request), agent.principal, category_id)
    return done(request, HOME, "deleted")
