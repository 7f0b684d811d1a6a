"""Case categories: a tree (``parent_id``), names unique among siblings.

Moving a category under itself or one of its descendants is refused, so the tree stays
a tree; a category with subcategories or cases cannot be deleted.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.services.kernel.references import require_ref
from casedesk.services.reference.common import (
    Id,
    In,
    Name200,
    Out,
    created,
    deleted,
    ensure_unique,
    ensure_unused,
    flush,
    get_row,
    present,
    require_manager,
    snapshot,
)
from casedesk.store.db import Database
from casedesk.store.models import Category

_FIELDS = ("name", "parent_id")


class CategoryOut(Out):
    id: int
    name: str
    parent_id: int | None


class CategoryNode(CategoryOut):
    children: list[CategoryNode]


class CategoryCreate(In):
    name: Name200
    parent_id: Id | None = None


class CategoryPatch(In):
    name: Name200 | None = None
    parent_id: Id | None = None


def list_categories(db: Database, principal: Principal) -> list[CategoryOut]:
    with db.read() as s:
        rows = s.scalars(
            select(Category)
            .where(Category.corporation_id == principal.corporation_id)
            .order_by(Category.name, Category.id)
        )
        return [CategoryOut.model_validate(r) for r in rows]


def category_tree(db: Database, principal: Principal) -> list[CategoryNode]:
    """The categories nested under their parents, siblings by name."""
    nodes = {
        c.id: CategoryNode(**c.model_dump(), children=[]) for c in list_categories(db, principal)
    }
    roots: list[CategoryNode] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id is not None else None
        (parent.children if parent is not None else roots).append(node)
    return roots


def get_category(db: Database, principal: Principal, category_id: int) -> CategoryOut:
    with db.read() as s:
        return CategoryOut.model_validate(
            get_row(s, Category, category_id, principal.corporation_id, "category")
        )


def create_category(db: Database, principal: Principal, data: CategoryCreate) -> CategoryOut:
    require_manager(principal)
    corp = principal.corporation_id
    with db.write() as s:
        if data.parent_id is not None:
            require_ref(s, Category, data.parent_id, corp, "parent_id")
        ensure_unique(
            s, Category, corp, "name", data.name, "category", where=[_siblings(data.parent_id)]
        )
        row = Category(corporation_id=corp, name=data.name, parent_id=data.parent_id)
        s.add(row)
        flush(s, f"a category named {data.name!r} exists already there")
        audit.record(
            s,
            principal,
            corp,
            "category.created",
            "category",
            row.id,
            changes=created(snapshot(row, _FIELDS)),
        )
        return CategoryOut.model_validate(row)


def update_category(
    db: Database, principal: Principal, category_id: int, patch: CategoryPatch
) -> CategoryOut:
    values = present(patch, ("name",))
    with db.write() as s:
        row = get_row(s, Category, category_id, principal.corporation_id, "category")
        require_manager(principal)
        before = snapshot(row, _FIELDS)
        after = before | values
        if after == before:
            return CategoryOut.model_validate(row)
        if after["parent_id"] is not None:
            require_ref(s, Category, after["parent_id"], row.corporation_id, "parent_id")
            _refuse_cycle(s, row, after["parent_id"])
        ensure_unique(
            s,
            Category,
            row.corporation_id,
            "name",
            after["name"],
            "category",
            exclude_id=row.id,
            where=[_siblings(after["parent_id"])],
        )
        for name, value in values.items():
            setattr(row, name, value)
        changes = audit.diff(before, after)
        flush(s, f"a category named {row.name!r} exists already there")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "category.updated",
            "category",
            row.id,
            changes=changes,
        )
        return CategoryOut.model_validate(row)


def delete_category(db: Database, principal: Principal, category_id: int) -> None:
    with db.write() as s:
        row = get_row(s, Category, category_id, principal.corporation_id, "category")
        require_manager(principal)
        ensure_unused(s, Category, row.id, "category")
        before = snapshot(row, _FIELDS)
        s.delete(row)
        flush(s, f"category {category_id} is still in use")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "category.deleted",
            "category",
            category_id,
            changes=deleted(before),
        )


def _siblings(parent_id: int | None) -> ColumnElement[bool]:
    return Category.parent_id.is_(None) if parent_id is None else Category.parent_id == parent_id


def _refuse_cycle(s: Session, row: Category, parent_id: int) -> None:
    """ValidationFailed if ``parent_id`` is the category itself or lies below it."""
    parents = {
        cid: pid
        for cid, pid in s.execute(
            select(Category.id, Category.parent_id).where(
                Category.corporation_id == row.corporation_id
            )
        )
    }
    seen: set[int] = set()
    current: int | None = parent_id
    while current is not None and current not in seen:
        if current == row.id:
            raise ValidationFailed(
                f"category {row.id} cannot move under category {parent_id}: that is itself or "
                "one of its subcategories",
                field="parent_id",
            )
        seen.add(current)
        current = parents.get(current)
