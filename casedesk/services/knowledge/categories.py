"""Knowledge-base categories: every agent reads them; editors create, change and delete
them (a category still holding articles cannot be deleted)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import Conflict, NotFound
from casedesk.domain.knowledge import check_category_slug, slugify
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.services.knowledge.schemas import CategoryCreate, CategoryOut, CategoryPatch
from casedesk.store.db import Database
from casedesk.store.models import KbArticle, KbCategory


def list_categories(db: Database, principal: Principal) -> list[CategoryOut]:
    with db.read() as s:
        rows = s.scalars(
            select(KbCategory)
            .where(KbCategory.corporation_id == principal.corporation_id)
            .order_by(KbCategory.position, KbCategory.name, KbCategory.id)
        )
        return [CategoryOut.model_validate(r) for r in rows]


def get_category(db: Database, principal: Principal, category_id: int) -> CategoryOut:
    with db.read() as s:
        return CategoryOut.model_validate(load(s, principal.corporation_id, category_id))


def create_category(db: Database, principal: Principal, data: CategoryCreate) -> CategoryOut:
    principal.require(Permission.MANAGE_KNOWLEDGE)
    slug = check_category_slug(data.slug or slugify(data.name))
    now = utcnow()
    with db.write() as s:
        _refuse_slug(s, principal.corporation_id, slug, 0)
        row = KbCategory(
            corporation_id=principal.corporation_id,
            slug=slug,
            name=data.name,
            description=data.description,
            position=data.position,
            created_at=now,
            updated_at=now,
        )
        s.add(row)
        s.flush()
        audit.record(
            s,
            principal,
            row.corporation_id,
            "kb_category.created",
            "kb_category",
            row.id,
            changes={"name": {"from": None, "to": row.name}},
        )
        return CategoryOut.model_validate(row)


def update_category(
    db: Database, principal: Principal, category_id: int, patch: CategoryPatch
) -> CategoryOut:
    principal.require(Permission.MANAGE_KNOWLEDGE)
    with db.write() as s:
        row = load(s, principal.corporation_id, category_id)
        before = _fields(row)
        if patch.slug is not None and patch.slug != row.slug:
            check_category_slug(patch.slug)
            _refuse_slug(s, row.corporation_id, patch.slug, row.id)
        for field in ("name", "slug", "description", "position"):
            value = getattr(patch, field)
            if value is not None:
                setattr(row, field, value)
        changes = audit.diff(before, _fields(row))
        if changes:
            row.updated_at = utcnow()
            audit.record(
                s,
                principal,
                row.corporation_id,
                "kb_category.updated",
                "kb_category",
                row.id,
                changes=changes,
            )
        s.flush()
        return CategoryOut.model_validate(row)


def delete_category(db: Database, principal: Principal, category_id: int) -> None:
    principal.require(Permission.MANAGE_KNOWLEDGE)
    with db.write() as s:
        row = load(s, principal.corporation_id, category_id)
        used = s.scalar(select(func.count()).where(KbArticle.category_id == row.id)) or 0
        if used:
            raise Conflict(f"the category holds {used} article(s); move them first")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "kb_category.deleted",
            "kb_category",
            row.id,
            changes={"name": {"from": row.name, "to": None}},
        )
        s.delete(row)


def load(s: Session, corporation_id: int, category_id: int) -> KbCategory:
    row = s.get(KbCategory, category_id)
    if row is None or row.corporation_id != corporation_id:
        raise NotFound(f"knowledge-base category {category_id} not found")
    return row


def _fields(row: KbCategory) -> dict[str, Any]:
    return {
        "name": row.name,
        "slug": row.slug,
        "description": row.description,
        "position": row.position,
    }


def _refuse_slug(s: Session, corporation_id: int, slug: str, own_id: int) -> None:
    clash = s.scalar(
        select(KbCategory.id).where(
            KbCategory.corporation_id == corporation_id,
            KbCategory.slug == slug,
            KbCategory.id != own_id,
        )
    )
    if clash is not None:
        raise Conflict(f"a category with the slug {slug!r} exists already", field="slug")
