"""The OpenID providers a corporation's agents sign in through, as its admins set them
up, and whether the corporation still allows password sign-in.

Only admins manage them: a provider decides who becomes an agent or an admin. The
client secret is kept sealed (``sealing``) and never shown again; a change that leaves
it out keeps the one stored. Group rules may name only the corporation's own groups.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import Conflict, Forbidden, NotFound
from casedesk.domain.permissions import Principal
from casedesk.domain.single_sign_on import GroupRule
from casedesk.services.identity.sealing import seal
from casedesk.services.kernel import audit
from casedesk.services.kernel.references import require_ref
from casedesk.store.db import Database
from casedesk.store.models import Corporation, Group, PasswordSignInPolicy, SignInProvider

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
ClaimName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
ClaimValue = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Secret = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
ClientId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Scopes = Annotated[str, StringConstraints(strip_whitespace=True, min_length=6, max_length=500)]
Issuer = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=1000)]
GroupId = Annotated[int, Field(ge=1, le=2**53)]
Audience = Literal["agents", "contacts"]
#: Hosts an issuer may be reached on over plain http (a provider on the same machine).
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def _no_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    if isinstance(value, list):
        for item in value:
            _no_nul(item)
    if isinstance(value, BaseModel):
        for item in value.__dict__.values():
            _no_nul(item)
    return value


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _check_nul(cls, value: Any) -> Any:
        return _no_nul(value)


class GroupRuleIn(_In):
    """Users whose groups claim holds ``value`` belong to group ``group_id``."""

    value: ClaimValue
    group_id: GroupId


def _issuer(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ValueError("an issuer is an https address without a query")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        # The client secret and the tokens would cross the network in the clear.
        raise ValueError("an issuer is an https address (http only on the loopback)")
    return value.rstrip("/")


def _scopes(value: str | None) -> str | None:
    if value is not None and "openid" not in value.split():
        raise ValueError("the scopes must include openid")
    return value


class ProviderCreate(_In):
    name: Name = Field(description="Shown on the sign-in button")
    audience: Audience = Field(
        "agents", description="agents sign in to the console, contacts to the portal"
    )
    issuer: Issuer = Field(description="Its discovery document is ISSUER/.well-known/…")
    client_id: ClientId
    client_secret: Secret = Field(description="Stored encrypted, never shown again")
    scopes: Scopes = "openid email profile"
    groups_claim: ClaimName = "groups"
    group_rules: list[GroupRuleIn] = Field(default_factory=list, max_length=200)
    admin_claim: ClaimName = "groups"
    admin_values: list[ClaimValue] = Field(default_factory=list, max_length=50)
    provider_mfa_counts: bool = Field(
        False, description="A multi-factor sign-in at the provider (amr) is the second factor"
    )
    sign_out_at_provider: bool = True
    is_active: bool = True

    _check_issuer = field_validator("issuer")(_issuer)
    _check_scopes = field_validator("scopes")(_scopes)


class ProviderPatch(_In):
    name: Name | None = None
    audience: Audience | None = None
    issuer: Issuer | None = None
    client_id: ClientId | None = None
    client_secret: Secret | None = None
    scopes: Scopes | None = None
    groups_claim: ClaimName | None = None
    group_rules: list[GroupRuleIn] | None = Field(None, max_length=200)
    admin_claim: ClaimName | None = None
    admin_values: list[ClaimValue] | None = Field(None, max_length=50)
    provider_mfa_counts: bool | None = None
    sign_out_at_provider: bool | None = None
    is_active: bool | None = None

    _check_issuer = field_validator("issuer")(_issuer)
    _check_scopes = field_validator("scopes")(_scopes)


class ProviderOut(BaseModel):
    id: int
    name: str
    audience: str
    issuer: str
    client_id: str
    scopes: str
    groups_claim: str
    group_rules: list[GroupRuleIn]
    admin_claim: str
    admin_values: list[str]
    provider_mfa_counts: bool
    sign_out_at_provider: bool
    is_active: bool
    created_at: datetime
    #: The path of the address to register at the provider as its redirect URI (after
    #: CASEDESK_PUBLIC_URL); the same for every provider.
    redirect_path: str


class PasswordSignIn(_In):
    """Whether the corporation's agents and admins may sign in with a password."""

    allowed: bool


#: Where every provider sends the browser back (the provider is in the flow's cookie),
#: by audience.
CALLBACK_PATHS = {
    "agents": "/console/sign-in/oidc/callback",
    "contacts": "/portal/sign-in/oidc/callback",
}


def group_rules(row: SignInProvider) -> list[GroupRule]:
    return [GroupRule(str(r["value"]), int(r["group_id"])) for r in row.group_map]


def _out(row: SignInProvider) -> ProviderOut:
    return ProviderOut(
        id=row.id,
        name=row.name,
        audience=row.audience,
        issuer=row.issuer,
        client_id=row.client_id,
        scopes=row.scopes,
        groups_claim=row.groups_claim,
        group_rules=[GroupRuleIn(value=r.value, group_id=r.group_id) for r in group_rules(row)],
        admin_claim=row.admin_claim,
        admin_values=list(row.admin_values),
        provider_mfa_counts=row.provider_mfa_counts,
        sign_out_at_provider=row.sign_out_at_provider,
        is_active=row.is_active,
        created_at=row.created_at,
        redirect_path=CALLBACK_PATHS[row.audience],
    )


def _require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("only admins manage sign-in providers")


def _row(s: Session, principal: Principal, provider_id: int) -> SignInProvider:
    row = s.get(SignInProvider, provider_id)
    if row is None or row.corporation_id != principal.corporation_id:
        raise NotFound(f"sign-in provider {provider_id} not found")
    return row


def _check_groups(s: Session, principal: Principal, rules: list[GroupRuleIn]) -> None:
    for rule in rules:
        require_ref(s, Group, rule.group_id, principal.corporation_id, "group_rules.group_id")


def list_providers(db: Database, principal: Principal) -> list[ProviderOut]:
    _require_admin(principal)
    with db.read() as s:
        rows = s.scalars(
            select(SignInProvider)
            .where(SignInProvider.corporation_id == principal.corporation_id)
            .order_by(SignInProvider.id)
        )
        return [_out(row) for row in rows]


def get_provider(db: Database, principal: Principal, provider_id: int) -> ProviderOut:
    _require_admin(principal)
    with db.read() as s:
        return _out(_row(s, principal, provider_id))


def _unique_name(s: Session, principal: Principal, name: str, provider_id: int = 0) -> None:
    taken = s.scalar(
        select(SignInProvider.id).where(
            SignInProvider.corporation_id == principal.corporation_id,
            SignInProvider.name == name,
            SignInProvider.id != provider_id,
        )
    )
    if taken is not None:
        raise Conflict(f"a sign-in provider named {name!r} exists already")


def create_provider(
    db: Database, principal: Principal, data: ProviderCreate, secret_key: str
) -> ProviderOut:
    _require_admin(principal)
    with db.write() as s:
        _check_groups(s, principal, data.group_rules)
        _unique_name(s, principal, data.name)
        row = SignInProvider(
            corporation_id=principal.corporation_id,
            name=data.name,
            audience=data.audience,
            issuer=data.issuer,
            client_id=data.client_id,
            client_secret_sealed=seal(secret_key, data.client_secret),
            scopes=data.scopes,
            groups_claim=data.groups_claim,
            group_map=[rule.model_dump() for rule in data.group_rules],
            admin_claim=data.admin_claim,
            admin_values=list(data.admin_values),
            provider_mfa_counts=data.provider_mfa_counts,
            sign_out_at_provider=data.sign_out_at_provider,
            is_active=data.is_active,
        )
        s.add(row)
        s.flush()
        audit.record(
            s,
            principal,
            principal.corporation_id,
            "sign_in_provider.created",
            "sign_in_provider",
            row.id,
            changes={"issuer": {"from": None, "to": row.issuer}},
        )
        return _out(row)


def update_provider(
    db: Database, principal: Principal, provider_id: int, patch: ProviderPatch, secret_key: str
) -> ProviderOut:
    _require_admin(principal)
    fields = patch.model_dump(exclude_unset=True)
    with db.write() as s:
        row = _row(s, principal, provider_id)
        changes: dict[str, dict[str, Any]] = {}
        if fields.get("name") is not None:
            _unique_name(s, principal, fields["name"], row.id)
        if patch.group_rules is not None:
            _check_groups(s, principal, patch.group_rules)
            fields["group_map"] = [rule.model_dump() for rule in patch.group_rules]
        fields.pop("group_rules", None)
        secret = fields.pop("client_secret", None)
        if secret is not None:
            row.client_secret_sealed = seal(secret_key, secret)
            changes["client_secret"] = {"from": "…", "to": "…"}
        for name, value in fields.items():
            if value is None or getattr(row, name) == value:
                continue
            changes[name] = {"from": getattr(row, name), "to": value}
            setattr(row, name, value)
        if changes:
            audit.record(
                s,
                principal,
                principal.corporation_id,
                "sign_in_provider.updated",
                "sign_in_provider",
                row.id,
                changes=changes,
            )
        s.flush()
        return _out(row)


def delete_provider(db: Database, principal: Principal, provider_id: int) -> None:
    """Remove the provider: its users keep their accounts (and API tokens) but can no
    longer sign in through it; their sessions that came through it go on until they
    end."""
    _require_admin(principal)
    with db.write() as s:
        row = _row(s, principal, provider_id)
        s.delete(row)
        audit.record(
            s,
            principal,
            principal.corporation_id,
            "sign_in_provider.deleted",
            "sign_in_provider",
            provider_id,
        )


def password_allowed(s: Session, corporation_id: int) -> bool:
    """Whether the corporation's users may sign in with a password (the default)."""
    allowed = s.scalar(
        select(PasswordSignInPolicy.allowed).where(
            PasswordSignInPolicy.corporation_id == corporation_id
        )
    )
    return allowed is None or bool(allowed)


def get_password_sign_in(db: Database, principal: Principal) -> PasswordSignIn:
    _require_admin(principal)
    with db.read() as s:
        return PasswordSignIn(allowed=password_allowed(s, principal.corporation_id))


def set_password_sign_in(
    db: Database, principal: Principal, data: PasswordSignIn
) -> PasswordSignIn:
    """Allow or refuse password sign-in for the corporation's agents and admins. With it
    refused, they sign in through a provider; their API tokens keep working, HTTP Basic
    does not. Sessions already open are not ended."""
    _require_admin(principal)
    with db.write() as s:
        row = s.get(PasswordSignInPolicy, principal.corporation_id)
        before = row is None or row.allowed
        if row is None:
            row = PasswordSignInPolicy(corporation_id=principal.corporation_id)
            s.add(row)
        row.allowed = data.allowed
        if before != data.allowed:
            audit.record(
                s,
                principal,
                principal.corporation_id,
                "corporation.password_sign_in",
                "corporation",
                principal.corporation_id,
                changes={"allowed": {"from": before, "to": data.allowed}},
            )
        s.flush()
        return PasswordSignIn(allowed=data.allowed)


def active_providers(db: Database, audience: str = "agents") -> list[tuple[int, str]]:
    """Every active provider of the installation for ``audience`` (id, name), for the
    sign-in page: it does not know yet which corporation the person belongs to."""
    with db.read() as s:
        rows = s.execute(
            select(SignInProvider.id, SignInProvider.name)
            .where(SignInProvider.is_active.is_(True), SignInProvider.audience == audience)
            .order_by(SignInProvider.id)
        ).all()
        return [(row.id, row.name) for row in rows]


def password_form_shown(db: Database) -> bool:
    """Whether the sign-in page shows the password form: unless every corporation
    turned password sign-in off."""
    with db.read() as s:
        refusing = s.scalar(
            select(PasswordSignInPolicy.corporation_id).where(
                PasswordSignInPolicy.allowed.is_(False)
            )
        )
        if refusing is None:
            return True
        corporations = s.scalars(select(Corporation.id)).all()
        return any(password_allowed(s, corporation) for corporation in corporations)
