"""The demo's reference data: groups, categories, queues, statuses, priorities, custom
fields, organizations, contacts and assets. Each is found by its name (or email
address, or serial number) and created through its use-case when missing."""

from __future__ import annotations

from dataclasses import dataclass

from casedesk.domain.permissions import Principal
from casedesk.services.demo.data import (
    ASSETS,
    CATEGORY_TREE,
    CONTACTS,
    ORGANIZATIONS,
    PORTAL_EMAIL,
    PORTAL_PASSWORD,
    QUEUES,
)
from casedesk.services.reference import (
    assets,
    categories,
    contacts,
    field_definitions,
    groups,
    organizations,
    priorities,
    queues,
    statuses,
)
from casedesk.store.db import Database


@dataclass
class Ids:
    """The ids of the reference data, by name (contacts and assets by their key)."""

    groups: dict[str, int]
    categories: dict[str, int]
    queues: dict[str, int]
    statuses: dict[str, int]
    priorities: dict[str, int]
    organizations: dict[str, int]
    contacts: dict[str, tuple[int, str, str]]  # key -> (id, first name, email)
    assets: dict[str, tuple[int, str]]  # key -> (id, serial)


def reference_data(db: Database, admin: Principal) -> Ids:
    _custom_fields(db, admin)
    orgs = _organizations(db, admin)
    return Ids(
        groups=_groups(db, admin),
        categories=_categories(db, admin),
        queues=_queues(db, admin),
        statuses=_statuses(db, admin),
        priorities=_priorities(db, admin),
        organizations=orgs,
        contacts=_contacts(db, admin, orgs),
        assets=_assets(db, admin, orgs),
    )


def _groups(db: Database, admin: Principal) -> dict[str, int]:
    have = {g.name: g.id for g in groups.list_groups(db, admin)}
    if "Service Desk" not in have and "Support" in have:
        # a new corporation's default group, renamed rather than left empty beside ours
        groups.update_group(db, admin, have["Support"], groups.GroupPatch(name="Service Desk"))
        have = {g.name: g.id for g in groups.list_groups(db, admin)}
    for name in ("Service Desk", "Network"):
        if name not in have:
            data = groups.GroupCreate(name=name, is_default=name == "Service Desk")
            have[name] = groups.create_group(db, admin, data).id
    return have


def _categories(db: Database, admin: Principal) -> dict[str, int]:
    existing = {(c.parent_id, c.name): c.id for c in categories.list_categories(db, admin)}
    out: dict[str, int] = {}
    for top, children in CATEGORY_TREE.items():
        for parent, name in [(None, top), *((top, child) for child in children)]:
            parent_id = out[parent] if parent else None
            if (parent_id, name) not in existing:
                data = categories.CategoryCreate(name=name, parent_id=parent_id)
                existing[(parent_id, name)] = categories.create_category(db, admin, data).id
            out[name] = existing[(parent_id, name)]
    return out


def _queues(db: Database, admin: Principal) -> dict[str, int]:
    have = {q.name: q.id for q in queues.list_queues(db, admin)}
    group_ids = {g.name: g.id for g in groups.list_groups(db, admin)}
    for name, group in QUEUES:
        if name not in have:
            data = queues.QueueCreate(name=name, group_id=group_ids[group])
            have[name] = queues.create_queue(db, admin, data).id
    return have


def _statuses(db: Database, admin: Principal) -> dict[str, int]:
    have = {st.name: st.id for st in statuses.list_statuses(db, admin)}
    for name, internal in (("In progress", 1), ("Waiting for vendor", 7)):
        if name not in have:
            data = statuses.StatusCreate(name=name, internal_status=internal)
            have[name] = statuses.create_status(db, admin, data).id
    return have


def _priorities(db: Database, admin: Principal) -> dict[str, int]:
    have = {p.name: p.id for p in priorities.list_priorities(db, admin)}
    if "Critical" not in have:
        data = priorities.PriorityCreate(name="Critical", rank=0)
        have["Critical"] = priorities.create_priority(db, admin, data).id
    return have


def _custom_fields(db: Database, admin: Principal) -> None:
    have = {f.key for f in field_definitions.list_fields(db, admin)}
    wanted = (
        field_definitions.FieldDefinitionCreate(
            key="impact", label="Business impact", type="select", options=["low", "medium", "high"]
        ),
        field_definitions.FieldDefinitionCreate(
            key="device_serial", label="Device serial number", type="text"
        ),
    )
    for data in wanted:
        if data.key not in have:
            field_definitions.create_field(db, admin, data)


def _organizations(db: Database, admin: Principal) -> dict[str, int]:
    have = {o.name: o.id for o in organizations.list_organizations(db, admin, limit=500)}
    for name, domains in ORGANIZATIONS:
        if name not in have:
            data = organizations.OrganizationCreate(name=name, domains=domains)
            have[name] = organizations.create_organization(db, admin, data).id
    return have


def _contacts(
    db: Database, admin: Principal, orgs: dict[str, int]
) -> dict[str, tuple[int, str, str]]:
    known = {e: c.id for c in contacts.list_contacts(db, admin, limit=500) for e in c.emails}
    out: dict[str, tuple[int, str, str]] = {}
    for key, first, last, title, dept, location, org, email, phone in CONTACTS:
        if email not in known:
            data = contacts.ContactCreate(
                first_name=first,
                last_name=last,
                title=title,
                department=dept,
                location=location,
                organization_id=orgs[org],
                emails=[email],
                phones=[contacts.Phone(number=phone)],
                portal_password=PORTAL_PASSWORD if email == PORTAL_EMAIL else None,
                sees_organization_cases=email == PORTAL_EMAIL,
            )
            known[email] = contacts.create_contact(db, admin, data).id
        out[key] = (known[email], first, email)
    return out


def _assets(db: Database, admin: Principal, orgs: dict[str, int]) -> dict[str, tuple[int, str]]:
    known = {a.serial: a.id for a in assets.list_assets(db, admin, limit=500)}
    out: dict[str, tuple[int, str]] = {}
    for key, name, kind, serial, org, notes in ASSETS:
        if serial not in known:
            data = assets.AssetCreate(
                name=name, kind=kind, serial=serial, notes=notes, organization_id=orgs[org]
            )
            known[serial] = assets.create_asset(db, admin, data).id
        out[key] = (known[serial], serial)
    return out


def organization_of(ids: Ids, contact_key: str) -> int | None:
    for key, *_, org, _email, _phone in CONTACTS:
        if key == contact_key:
            return ids.organizations[org]
    return None
