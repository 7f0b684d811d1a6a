"""/organizations, /contacts, /assets: who cases are for and what they are about.
Everyone reads; writing needs the manage_reference permission."""

from __future__ import annotations

from fastapi import APIRouter

from casedesk.api.deps import Caller, Db
from casedesk.api.routers.reference_params import (
    ERRORS,
    Limit,
    Offset,
    OrganizationFilter,
    RowId,
    Search,
)
from casedesk.api.routing import NativeRoute
from casedesk.services.reference import assets, contacts, organizations
from casedesk.services.reference.assets import AssetCreate, AssetOut, AssetPatch
from casedesk.services.reference.contacts import ContactCreate, ContactOut, ContactPatch
from casedesk.services.reference.organizations import (
    OrganizationCreate,
    OrganizationOut,
    OrganizationPatch,
)

router = APIRouter(route_class=NativeRoute, responses=ERRORS)


@router.get("/organizations", response_model=list[OrganizationOut], tags=["organizations"])
def list_organizations(
    caller: Caller, db: Db, q: Search = None, limit: Limit = 100, offset: Offset = 0
) -> list[OrganizationOut]:
    return organizations.list_organizations(db, caller, q=q, limit=limit, offset=offset)


@router.post(
    "/organizations", status_code=201, response_model=OrganizationOut, tags=["organizations"]
)
def create_organization(data: OrganizationCreate, caller: Caller, db: Db) -> OrganizationOut:
    """`domains` are email domains; each belongs to one organization (409 otherwise)."""
    return organizations.create_organization(db, caller, data)


@router.get(
    "/organizations/{organization_id}", response_model=OrganizationOut, tags=["organizations"]
)
def get_organization(organization_id: RowId, caller: Caller, db: Db) -> OrganizationOut:
    return organizations.get_organization(db, caller, organization_id)


@router.patch(
    "/organizations/{organization_id}", response_model=OrganizationOut, tags=["organizations"]
)
def update_organization(
    organization_id: RowId, patch: OrganizationPatch, caller: Caller, db: Db
) -> OrganizationOut:
    return organizations.update_organization(db, caller, organization_id, patch)


@router.delete("/organizations/{organization_id}", status_code=204, tags=["organizations"])
def delete_organization(organization_id: RowId, caller: Caller, db: Db) -> None:
    """Refused (409) while contacts, assets or cases belong to it."""
    organizations.delete_organization(db, caller, organization_id)


@router.get("/contacts", response_model=list[ContactOut], tags=["contacts"])
def list_contacts(
    caller: Caller,
    db: Db,
    q: Search = None,
    organization_id: OrganizationFilter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[ContactOut]:
    """`q` matches part of the name or of an email address."""
    return contacts.list_contacts(
        db, caller, q=q, organization_id=organization_id, limit=limit, offset=offset
    )


@router.post("/contacts", status_code=201, response_model=ContactOut, tags=["contacts"])
def create_contact(data: ContactCreate, caller: Caller, db: Db) -> ContactOut:
    """An email address belongs to one contact of the corporation (409 otherwise)."""
    return contacts.create_contact(db, caller, data)


@router.get("/contacts/{contact_id}", response_model=ContactOut, tags=["contacts"])
def get_contact(contact_id: RowId, caller: Caller, db: Db) -> ContactOut:
    return contacts.get_contact(db, caller, contact_id)


@router.patch("/contacts/{contact_id}", response_model=ContactOut, tags=["contacts"])
def update_contact(contact_id: RowId, patch: ContactPatch, caller: Caller, db: Db) -> ContactOut:
    """`emails` and `phones`, when sent, replace the lists."""
    return contacts.update_contact(db, caller, contact_id, patch)


@router.delete("/contacts/{contact_id}", status_code=204, tags=["contacts"])
def delete_contact(contact_id: RowId, caller: Caller, db: Db) -> None:
    """Refused (409) while cases name the contact."""
    contacts.delete_contact(db, caller, contact_id)


@router.get("/assets", response_model=list[AssetOut], tags=["assets"])
def list_assets(
    caller: Caller,
    db: Db,
    q: Search = None,
    organization_id: OrganizationFilter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[AssetOut]:
    """`q` matches part of the name or the serial number."""
    return assets.list_assets(
        db, caller, q=q, organization_id=organization_id, limit=limit, offset=offset
    )


@router.post("/assets", status_code=201, response_model=AssetOut, tags=["assets"])
def create_asset(data: AssetCreate, caller: Caller, db: Db) -> AssetOut:
    return assets.create_asset(db, caller, data)


@router.get("/assets/{asset_id}", response_model=AssetOut, tags=["assets"])
def get_asset(asset_id: RowId, caller: Caller, db: Db) -> AssetOut:
    return assets.get_asset(db, caller, asset_id)


@router.patch("/assets/{asset_id}", response_model=AssetOut, tags=["assets"])
def update_asset(asset_id: RowId, patch: AssetPatch, caller: Caller, db: Db) -> AssetOut:
    return assets.update_asset(db, caller, asset_id, patch)


@router.delete("/assets/{asset_id}", status_code=204, tags=["assets"])
def delete_asset(asset_id: RowId, caller: Caller, db: Db) -> None:
    """Refused (409) while cases are about it."""
    assets.delete_asset(db, caller, asset_id)
