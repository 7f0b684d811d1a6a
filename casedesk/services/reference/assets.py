"""Assets a case can be about (laptops, printers, licences), optionally owned by a
customer organization."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.services.kernel.references import require_ref
from casedesk.services.reference.common import (
    Id,
    In,
    LongText,
    Name200,
    Out,
    Text50,
    Text100,
    created,
    deleted,
    ensure_unused,
    flush,
    get_row,
    no_nul,
    present,
    require_manager,
    snapshot,
)
from casedesk.store.db import Database
from casedesk.store.models import Asset, Organization

_FIELDS = ("name", "kind", "serial", "notes", "organization_id")


class AssetOut(Out):
    id: int
    name: str
    kind: str
    serial: str
    notes: str
    organization_id: int | None


class AssetCreate(In):
    name: Name200
    kind: Text50 = ""
    serial: Text100 = ""
    notes: LongText = ""
    organization_id: Id | None = None


class AssetPatch(In):
    name: Name200 | None = None
    kind: Text50 | None = None
    serial: Text100 | None = None
    notes: LongText | None = None
    organization_id: Id | None = None


def list_assets(
    db: Database,
    principal: Principal,
    *,
    q: str | None = None,
    organization_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AssetOut]:
    """Assets by name; ``q`` matches a part of the name or the serial number."""
    q = no_nul(q)
    with db.read() as s:
        stmt = select(Asset).where(Asset.corporation_id == principal.corporation_id)
        if organization_id is not None:
            stmt = stmt.where(Asset.organization_id == organization_id)
        if q:
            needle = q.lower()
            stmt = stmt.where(
                or_(
                    func.lower(Asset.name).contains(needle, autoescape=True),
                    func.lower(Asset.serial).contains(needle, autoescape=True),
                )
            )
        rows = s.scalars(stmt.order_by(Asset.name, Asset.id).limit(limit).offset(offset))
        return [AssetOut.model_validate(r) for r in rows]


def get_asset(db: Database, principal: Principal, asset_id: int) -> AssetOut:
    with db.read() as s:
        return AssetOut.model_validate(
            get_row(s, Asset, asset_id, principal.corporation_id, "asset")
        )


def create_asset(db: Database, principal: Principal, data: AssetCreate) -> AssetOut:
    require_manager(principal)
    corp = principal.corporation_id
    with db.write() as s:
        if data.organization_id is not None:
            require_ref(s, Organization, data.organization_id, corp, "organization_id")
        row = Asset(corporation_id=corp, **data.model_dump())
        s.add(row)
        flush(s, "the asset could not be stored")
        audit.record(
            s, principal, corp, "asset.created", "asset", row.id, changes=created(data.model_dump())
        )
        return AssetOut.model_validate(row)


def update_asset(db: Database, principal: Principal, asset_id: int, patch: AssetPatch) -> AssetOut:
    values = present(patch, _FIELDS[:-1])
    with db.write() as s:
        row = get_row(s, Asset, asset_id, principal.corporation_id, "asset")
        require_manager(principal)
        before = snapshot(row, _FIELDS)
        after = before | values
        if after == before:
            return AssetOut.model_validate(row)
        if after["organization_id"] is not None:
            require_ref(
                s, Organization, after["organization_id"], row.corporation_id, "organization_id"
            )
        for name in _FIELDS:
            setattr(row, name, after[name])
        flush(s, "the asset could not be stored")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "asset.updated",
            "asset",
            row.id,
            changes=audit.diff(before, after),
        )
        return AssetOut.model_validate(row)


def delete_asset(db: Database, principal: Principal, asset_id: int) -> None:
    with db.write() as s:
        row = get_row(s, Asset, asset_id, principal.corporation_id, "asset")
        require_manager(principal)
        ensure_unused(s, Asset, row.id, "asset")
        before = snapshot(row, _FIELDS)
        s.delete(row)
        flush(s, f"asset {asset_id} is still in use")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "asset.deleted",
            "asset",
            asset_id,
            changes=deleted(before),
        )
