"""/sign-in-providers and /sign-in-rules/password: the corporation's OpenID providers
for single sign-on, and whether its agents may still sign in with a password. Admins
only: a provider decides who becomes an agent or an admin."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from casedesk.api.deps import Caller, Db, get_settings
from casedesk.api.routers.reference_params import ERRORS, RowId
from casedesk.api.routing import NativeRoute
from casedesk.config import Settings
from casedesk.services.identity import sso_providers
from casedesk.services.identity.sso_providers import (
    PasswordSignIn,
    ProviderCreate,
    ProviderOut,
    ProviderPatch,
)

_ERRORS: dict[int | str, dict[str, Any]] = ERRORS | {
    403: {**ERRORS[403], "description": "Only admins manage sign-in providers"},
    409: {**ERRORS[409], "description": "Another provider of the corporation has that name"},
}

router = APIRouter(route_class=NativeRoute, responses=_ERRORS, tags=["sign-in"])

Config = Annotated[Settings, Depends(get_settings)]


@router.get("/sign-in-providers", response_model=list[ProviderOut])
def list_providers(caller: Caller, db: Db) -> list[ProviderOut]:
    """The corporation's OpenID providers, oldest first. Client secrets are not shown."""
    return sso_providers.list_providers(db, caller)


@router.post("/sign-in-providers", status_code=201, response_model=ProviderOut)
def create_provider(data: ProviderCreate, caller: Caller, db: Db, config: Config) -> ProviderOut:
    """Add an OpenID provider. Register `CASEDESK_PUBLIC_URL` + `redirect_path` of the
    answer as a redirect URI at the provider. `group_rules` map values of the
    `groups_claim` to groups; `admin_values` of the `admin_claim` make an admin. The
    client secret is stored encrypted and never shown again."""
    return sso_providers.create_provider(db, caller, data, config.secret_key)


@router.get("/sign-in-providers/{provider_id}", response_model=ProviderOut)
def get_provider(provider_id: RowId, caller: Caller, db: Db) -> ProviderOut:
    return sso_providers.get_provider(db, caller, provider_id)


@router.patch("/sign-in-providers/{provider_id}", response_model=ProviderOut)
def update_provider(
    provider_id: RowId, patch: ProviderPatch, caller: Caller, db: Db, config: Config
) -> ProviderOut:
    """Change the fields given; without `client_secret` the stored secret stays."""
    return sso_providers.update_provider(db, caller, provider_id, patch, config.secret_key)


@router.delete("/sign-in-providers/{provider_id}", status_code=204)
def delete_provider(provider_id: RowId, caller: Caller, db: Db) -> None:
    """Remove the provider; its users keep their accounts and API tokens."""
    sso_providers.delete_provider(db, caller, provider_id)


@router.get("/sign-in-rules/password", response_model=PasswordSignIn)
def get_password_sign_in(caller: Caller, db: Db) -> PasswordSignIn:
    return sso_providers.get_password_sign_in(db, caller)


@router.put("/sign-in-rules/password", response_model=PasswordSignIn)
def set_password_sign_in(data: PasswordSignIn, caller: Caller, db: Db) -> PasswordSignIn:
    """`allowed: false` turns password sign-in off for the corporation's agents and
    admins: the console's sign-in page shows the providers' buttons, HTTP Basic is
    refused on every face, API tokens keep working."""
    return sso_providers.set_password_sign_in(db, caller, data)
