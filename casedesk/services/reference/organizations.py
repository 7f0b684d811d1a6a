"""Customer organizations and the email domains that identify them (the email channel
files a message from ``someone@example.com`` under the organization owning
``example.com``, so a domain belongs to at most one organization of a corporation)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

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
    ensure_not_taken,
    ensure_unique,
    ensure_unused,
    flush,
    get_row,
    no_nul,
    present,
    require_manager,
    snapshot,
)
from casedesk.store.db import Database
from casedesk.store.models import Group, Organization, OrganizationDomain

_FIELDS = ("name", "group_id")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"^(?:{_LABEL}\.)+[a-z](?:[a-z0-9-]{{0,61}}[a-z0-9])?$")


def domain_name(value: str) -> str:
    """A lowercase DNS name of at least two labels (``example.com``, ``xn--bcher-kva.ch``)."""
    value = value.strip().lower().removesuffix(".")
    if len(value) > 253 or not _DOMAIN.match(value):
        raise ValueError(f"{value!r} is not a domain name such as example.com")
    return value


DomainName = Annotated[
    str, StringConstraints(min_length=1, max_length=254), AfterValidator(domain_name)
]
Domains = Annotated[list[DomainName], Field(max_length=50)]


class OrganizationOut(Out):
    id: int
    name: str
    group_id: int | None
    domains: list[str]
    created_at: datetime


class OrganizationCreate(In):
    name: Name200
    group_id: Id | None = None
    domains: Domains = Field(default_factory=list)


class OrganizationPatch(In):
    name: Name200 | None = None
    group_id: Id | None = None
    domains: Domains | None = Field(default=None, description="Replaces the list.")


def list_organizations(
    db: Database, principal: Principal, *, q: str | None = None, limit: int = 100, offset: int = 0
) -> list[OrganizationOut]:
    q = no_nul(q)
    with db.read() as s:
        stmt = select(Organization).where(Organization.corporation_id == principal.corporation_id)
        if q:
            stmt = stmt.where(func.lower(Organization.name).contains(q.lower(), autoescape=True))
        rows = s.scalars(
            stmt.order_by(Organization.name, Organization.id).limit(limit).offset(offset)
        )
        return _out(s, rows.all())


def get_organization(db: Database, principal: Principal, organization_id: int) -> OrganizationOut:
    with db.read() as s:
        row = get_row(s, Organization, organization_id, principal.corporation_id, "organization")
        return _out(s, [row])[0]


def create_organization(
    db: Database, principal: Principal, data: OrganizationCreate
) -> OrganizationOut:
    require_manager(principal)
    corp = principal.corporation_id
    with db.write() as s:
        if data.group_id is not None:
            require_ref(s, Group, data.group_id, corp, "group_id")
        ensure_unique(s, Organization, corp, "name", data.name, "organization")
        row = Organization(corporation_id=corp, name=data.name, group_id=data.group_id)
        s.add(row)
        flush(s, f"an organization named {data.name!r} exists already")
        domains = _set_domains(s, row, data.domains)
        audit.record(
            s,
            principal,
            corp,
            "organization.created",
            "organization",
            row.id,
            changes=created(snapshot(row, _FIELDS) | {"domains": domains}),
        )
        return _out(s, [row])[0]


def update_organization(
    db: Database, principal: Principal, organization_id: int, patch: OrganizationPatch
) -> OrganizationOut:
    values = present(patch, ("name", "domains"))
    with db.write() as s:
        row = get_row(s, Organization, organization_id, principal.corporation_id, "organization")
        require_manager(principal)
        before = snapshot(row, _FIELDS) | {"domains": _domains(s, [row.id]).get(row.id, [])}
        after = before | values
        if "domains" in values:
            after["domains"] = sorted(dict.fromkeys(values["domains"]))
        if after == before:
            return _out(s, [row])[0]
        if after["group_id"] is not None:
            require_ref(s, Group, after["group_id"], row.corporation_id, "group_id")
        ensure_unique(
            s,
            Organization,
            row.corporation_id,
            "name",
            after["name"],
            "organization",
            exclude_id=row.id,
        )
        row.name, row.group_id = after["name"], after["group_id"]
        _set_domains(s, row, after["domains"])
        flush(s, f"an organization named {row.name!r} exists already")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "organization.updated",
            "organization",
            row.id,
            changes=audit.diff(before, after),
        )
        return _out(s, [row])[0]


def delete_organization(db: Database, principal: Principal, organization_id: int) -> None:
    with db.write() as s:
        row = get_row(s, Organization, organization_id, principal.corporation_id, "organization")
        require_manager(principal)
        ensure_unused(
            s, Organization, row.id, "organization", owned=frozenset({"organization_domains"})
        )
        before = snapshot(row, _FIELDS) | {"domains": _domains(s, [row.id]).get(row.id, [])}
        s.execute(delete(OrganizationDomain).where(OrganizationDomain.organization_id == row.id))
        s.delete(row)
        flush(s, f"organization {organization_id} is still in use")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "organization.deleted",
            "organization",
            organization_id,
            changes=deleted(before),
        )


def _set_domains(s: Session, org: Organization, wanted: list[str]) -> list[str]:
    """Make the organization's domains exactly ``wanted``; Conflict naming a domain that
    another organization of the corporation has."""
    target = sorted(dict.fromkeys(wanted))
    ensure_not_taken(
        s,
        OrganizationDomain,
        org.corporation_id,
        "domain",
        target,
        owner="organization",
        owner_id=org.id,
        field="domains",
    )
    s.execute(
        delete(OrganizationDomain).where(
            OrganizationDomain.organization_id == org.id, OrganizationDomain.domain.not_in(target)
        )
    )
    have = set(_domains(s, [org.id]).get(org.id, []))
    for domain in target:
        if domain not in have:
            s.add(
                OrganizationDomain(
                    corporation_id=org.corporation_id, organization_id=org.id, domain=domain
                )
            )
    flush(s, "one of the domains belongs to another organization already")
    return target


def _domains(s: Session, org_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if org_ids:
        rows = s.execute(
            select(OrganizationDomain.organization_id, OrganizationDomain.domain)
            .where(OrganizationDomain.organization_id.in_(org_ids))
            .order_by(OrganizationDomain.domain)
        )
        for oid, domain in rows:
            out.setdefault(oid, []).append(domain)
    return out


def _out(s: Session, rows: Sequence[Organization]) -> list[OrganizationOut]:
    domains = _domains(s, [r.id for r in rows])
    return [
        OrganizationOut(
            id=r.id,
            name=r.name,
            group_id=r.group_id,
            domains=domains.get(r.id, []),
            created_at=r.created_at,
        )
        for r in rows
    ]
