"""/console/admin/single-sign-on: the corporation's OpenID providers and whether its
agents may still sign in with a password, for admins.

Group rules are typed one a line as ``claim value = group name``; the page turns the
names into the group ids the service takes (the API takes ids), and a name that is no
group is refused naming the line.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from casedesk.domain.errors import ValidationFailed
from casedesk.services.identity import sso_providers
from casedesk.services.identity.sso_providers import (
    PasswordSignIn,
    ProviderCreate,
    ProviderOut,
    ProviderPatch,
)
from casedesk.services.reference import groups
from casedesk.web.routes.admin_forms import (
    Posted,
    RowId,
    checked,
    done,
    lines,
    parse,
    show,
    text,
)
from casedesk.web.routes.console_security import settings
from casedesk.web.session import Agent, database

router = APIRouter(prefix="/console/admin/single-sign-on")
HOME = "/console/admin/single-sign-on"


def _group_ids(request: Request, agent: Agent) -> dict[str, int]:
    return {g.name: g.id for g in groups.list_groups(database(request), agent.principal)}


def _rules(request: Request, agent: Agent, typed: str) -> list[dict[str, Any]]:
    by_name = _group_ids(request, agent)
    rules = []
    for line in lines(typed):
        value, sep, name = line.rpartition("=")
        if not sep or not value.strip() or name.strip() not in by_name:
            raise ValidationFailed(
                f"group rules: {line!r} is not 'claim value = group name' of a group",
                field="group_rules",
            )
        rules.append({"value": value.strip(), "group_id": by_name[name.strip()]})
    return rules


def _fields(request: Request, agent: Agent, form: Posted) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": text(form, "name"),
        "audience": text(form, "audience") or "agents",
        "issuer": text(form, "issuer"),
        "client_id": text(form, "client_id"),
        "scopes": text(form, "scopes") or "openid email profile",
        "groups_claim": text(form, "groups_claim") or "groups",
        "group_rules": _rules(request, agent, text(form, "group_rules")),
        "admin_claim": text(form, "admin_claim") or "groups",
        "admin_values": lines(text(form, "admin_values")),
        "provider_mfa_counts": checked(form, "provider_mfa_counts"),
        "sign_out_at_provider": checked(form, "sign_out_at_provider"),
        "is_active": checked(form, "is_active"),
    }
    if text(form, "client_secret"):
        fields["client_secret"] = text(form, "client_secret")
    return fields


def _typed_rules(request: Request, agent: Agent, provider: ProviderOut | None) -> str:
    if provider is None:
        return ""
    names = {gid: name for name, gid in _group_ids(request, agent).items()}
    return "\n".join(
        f"{rule.value} = {names.get(rule.group_id, rule.group_id)}" for rule in provider.group_rules
    )


@router.get("")
def providers_page(request: Request, agent: Agent) -> Response:
    db = database(request)
    context = {
        "providers": sso_providers.list_providers(db, agent.principal),
        "password": sso_providers.get_password_sign_in(db, agent.principal),
        "public_url": settings(request).link_base_url,
        "provider": None,
        "typed_rules": "",
    }
    return show(request, "admin/sso_providers.html", context)


@router.post("")
def create_provider(request: Request, agent: Agent, form: Posted) -> Response:
    data = parse(ProviderCreate, _fields(request, agent, form))
    created = sso_providers.create_provider(
        database(request), agent.principal, data, settings(request).secret_key
    )
    return done(request, f"{HOME}/{created.id}", "created")


@router.post("/password")
def set_password(request: Request, agent: Agent, form: Posted) -> Response:
    data = PasswordSignIn(allowed=checked(form, "password_allowed"))
    sso_providers.set_password_sign_in(database(request), agent.principal, data)
    return done(request, HOME, "saved")


@router.get("/{provider_id}")
def provider_page(request: Request, agent: Agent, provider_id: RowId) -> Response:
    provider = sso_providers.get_provider(database(request), agent.principal, provider_id)
    context = {
        "provider": provider,
        "public_url": settings(request).link_base_url,
        "typed_rules": _typed_rules(request, agent, provider),
    }
    return show(request, "admin/sso_provider_edit.html", context)


@router.post("/{provider_id}")
def update_provider(request: Request, agent: Agent, provider_id: RowId, form: Posted) -> Response:
    patch = parse(ProviderPatch, _fields(request, agent, form))
    sso_providers.update_provider(
        database(request), agent.principal, provider_id, patch, settings(request).secret_key
    )
    return done(request, f"{HOME}/{provider_id}", "saved")


@router.post("/{provider_id}/delete")
def delete_provider(request: Request, agent: Agent, provider_id: RowId) -> Response:
    sso_providers.delete_provider(database(request), agent.principal, provider_id)
    return done(request, HOME, "deleted")
