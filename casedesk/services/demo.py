"""A small, realistic helpdesk to try casedesk with: "Demo Corp" with two groups, an
admin and two agents, a category tree, queues, three customer organizations with their
contacts and assets, two custom fields, and about forty cases over the last month in
every state a helpdesk sees, with their conversations.

Everything goes through the same use-cases the API uses, so the rules hold and the
audit log reads like a real one. Loading is idempotent: what exists (found by its
name, email address or case title) is left alone, so a second load adds nothing and a
load cut short is completed by the next one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select

from casedesk.domain.errors import Conflict
from casedesk.domain.permissions import Principal
from casedesk.services.cases import core as cases
from casedesk.services.cases import merging, messages
from casedesk.services.cases.schemas import CaseCreate, CasePatch, MessageCreate, Origin
from casedesk.services.identity.auth import principal_for
from casedesk.services.identity.users import add_user
from casedesk.services.kernel import audit
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.services.kernel.clock import utcnow
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
from casedesk.store.models import Case, Corporation, User

CORPORATION = "Demo Corp"
PREFIX = "TCK-"
ADMIN_EMAIL = "admin@demo.casedesk.test"
ADMIN_PASSWORD = "demo-admin-pw"
AGENT_PASSWORD = "demo-agent-pw"
#: The demo contact who can sign in to the customer portal, and their password.
PORTAL_EMAIL = "ann.lee@northwind.example"
PORTAL_PASSWORD = "demo-portal-pw"

#: email, name, groups
AGENTS = (
    ("sam@demo.casedesk.test", "Sam Rivera", ["Service Desk"]),
    ("priya@demo.casedesk.test", "Priya Natarajan", ["Network", "Service Desk"]),
)
CATEGORY_TREE = {"Hardware": ["Laptop", "Printer"], "Software": ["Email", "VPN"], "Access": []}
#: name, group
QUEUES = (("First line", "Service Desk"), ("Network operations", "Network"))
ORGANIZATIONS = (
    ("Northwind Traders", ["northwind.example"]),
    ("Contoso Ltd", ["contoso.example", "contoso-labs.example"]),
    ("Fabrikam Inc", ["fabrikam.example"]),
)
# fmt: off
#: key, first, last, title, department, location, organization, email, phone
CONTACTS = (
    ("ann", "Ann", "Lee", "Finance Manager", "Finance", "Seattle", "Northwind Traders",
     "ann.lee@northwind.example", "+1 206 555 0142"),
    ("omar", "Omar", "Haddad", "Warehouse Lead", "Logistics", "Tacoma", "Northwind Traders",
     "omar.haddad@northwind.example", "+1 253 555 0117"),
    ("julia", "Julia", "Berg", "Research Scientist", "R&D", "Oslo", "Contoso Ltd",
     "julia.berg@contoso-labs.example", "+47 21 55 01 23"),
    ("ken", "Ken", "Tanaka", "Office Manager", "Administration", "Osaka", "Contoso Ltd",
     "ken.tanaka@contoso.example", "+81 6 5550 1234"),
    ("maria", "María", "García", "Sales Director", "Sales", "Madrid", "Fabrikam Inc",
     "maria.garcia@fabrikam.example", "+34 91 555 0199"),
    ("li", "Li", "Wei", "Accountant", "Finance", "Singapore", "Fabrikam Inc",
     "li.wei@fabrikam.example", "+65 5550 1188"),
)
#: key, name, kind, serial, organization, notes
ASSETS = (
    ("ann-laptop", "Ann Lee's laptop", "laptop", "NW-LT-0142", "Northwind Traders",
     "ThinkPad T14 Gen 4"),
    ("nw-printer", "Warehouse printer", "printer", "NW-PR-0007", "Northwind Traders",
     "HP LaserJet M507, loading dock"),
    ("ct-gateway", "Lab VPN gateway", "network", "CT-FW-0001", "Contoso Ltd", "FortiGate 60F"),
    ("ct-reception", "Reception PC", "desktop", "CT-PC-0033", "Contoso Ltd", ""),
    ("fb-laptop", "Sales laptop #3", "laptop", "FB-LT-0303", "Fabrikam Inc", "MacBook Air M2"),
)

#: title, category, contact, asset (or ""), tags, how it went
CaseSpec = tuple[str, str, str, str, list[str], str]
CASES: tuple[CaseSpec, ...] = (
    ("Laptop will not boot after update", "Laptop", "ann", "ann-laptop", ["hardware"], "closed"),
    ("Cannot connect to VPN from home", "VPN", "julia", "", ["vpn"], "progress"),
    ("Printer jams on every second page", "Printer", "omar", "nw-printer", ["hardware"], "vendor"),
    ("New starter needs an account", "Access", "ken", "", ["onboarding"], "closed"),
    ("Outlook keeps asking for the password", "Email", "maria", "", ["vip"], "awaiting"),
    ("VPN drops every few minutes", "VPN", "julia", "ct-gateway", ["vpn", "outage"], "progress"),
    ("Shared mailbox missing in Outlook", "Email", "li", "", [], "open"),
    ("Laptop battery drains in an hour", "Laptop", "maria", "fb-laptop", ["hardware", "vip"],
     "hold"),
    ("Access to the finance share", "Access", "ann", "", [], "closed"),
    ("Printer shows offline for everyone", "Printer", "omar", "nw-printer", ["outage"], "closed"),
    ("Email to customers bounces", "Email", "maria", "", ["outage", "vip"], "progress"),
    ("Reception PC very slow", "Hardware", "ken", "ct-reception", [], "awaiting"),
    ("Request for a second monitor", "Hardware", "li", "", [], "open"),
    ("VPN certificate expired", "VPN", "julia", "ct-gateway", ["vpn"], "closed"),
    ("Password reset for the ERP", "Access", "omar", "", [], "closed"),
    ("Calendar invites arrive twice", "Email", "ken", "", [], "awaiting"),
    ("Laptop keyboard missing keys", "Laptop", "ann", "ann-laptop", ["hardware"], "vendor"),
    ("Cannot print to A3", "Printer", "omar", "nw-printer", [], "open"),
    ("Statistics package needs installing", "Software", "julia", "", [], "progress"),
    ("Account locked after holiday", "Access", "li", "", [], "closed"),
    ("Out-of-office reply not working", "Email", "maria", "", [], "closed"),
    ("VPN slow for the Oslo office", "VPN", "julia", "", ["vpn"], "hold"),
    ("Laptop for new sales hire", "Laptop", "maria", "", ["onboarding"], "progress"),
    ("Scanner sends empty PDFs", "Printer", "ken", "", [], "awaiting"),
    ("Phishing email received", "Email", "ann", "", ["security"], "closed"),
    ("Remove access for a leaver", "Access", "ken", "", ["offboarding"], "open"),
    ("Excel crashes when opening macros", "Software", "li", "", [], "progress"),
    ("Wi-Fi drops in meeting room 2", "Hardware", "omar", "", [], "open"),
    ("Mailbox almost full", "Email", "ann", "", [], "closed"),
    ("VPN client will not install on macOS", "VPN", "maria", "fb-laptop", ["vpn", "vip"],
     "awaiting"),
    ("Docking station not detected", "Laptop", "li", "", ["hardware"], "open"),
    ("Toner low on warehouse printer", "Printer", "omar", "nw-printer", [], "closed"),
    ("MFA phone replaced", "Access", "julia", "", ["security"], "closed"),
    ("Teams notifications missing", "Software", "ken", "", [], "open"),
    ("CRM licence for a contractor", "Software", "maria", "", [], "vendor"),
    ("Laptop fan is loud", "Laptop", "ann", "ann-laptop", ["hardware"], "open"),
    ("Cheap watches at unbeatable prices!!!", "Email", "", "", [], "spam"),
    ("VPN keeps disconnecting (again)", "VPN", "julia", "", ["vpn"], "merged"),
    ("Browser shows certificate warnings", "Software", "li", "", ["security"], "progress"),
    ("Shared drive mapped to the wrong letter", "Access", "ken", "", [], "closed"),
)
# fmt: on
#: The case a "merged" demo case is merged into.
MERGE_TARGET = "VPN drops every few minutes"


@dataclass(frozen=True, slots=True)
class DemoSummary:
    corporation_id: int
    admin_email: str
    admin_password: str
    cases_created: int
    cases_total: int
    portal_email: str = PORTAL_EMAIL
    portal_password: str = PORTAL_PASSWORD


def load_demo(db: Database, *, now: datetime | None = None, seed: int = 7) -> DemoSummary:
    """Load (or complete) the demo data set; see the module docstring."""
    now = now or utcnow()
    corp_id = _corporation(db)
    admin = _admin(db, corp_id)
    ids = _reference_data(db, admin)
    agents = _agents(db, admin)
    created = _cases(db, admin, agents, ids, now, seed)
    with db.read() as s:
        total = s.scalar(
            select(func.count()).select_from(Case).where(Case.corporation_id == corp_id)
        )
    return DemoSummary(corp_id, ADMIN_EMAIL, ADMIN_PASSWORD, created, int(total or 0))


# --------------------------------------------------------------------------- people


def _corporation(db: Database) -> int:
    with db.write() as s:
        corp = s.scalars(select(Corporation).where(Corporation.name == CORPORATION)).one_or_none()
        if corp is None:
            corp = create_corporation(s, CORPORATION, PREFIX)
            audit.record(
                s,
                None,
                corp.id,
                "corporation.created",
                "corporation",
                corp.id,
                changes={"name": {"from": None, "to": CORPORATION}},
                actor_label="demo",
            )
        return corp.id


def _principal(db: Database, email: str, corp_id: int) -> Principal:
    with db.read() as s:
        user = s.scalars(select(User).where(User.email == email)).one_or_none()
        if user is None:
            raise LookupError(email)
        if user.corporation_id != corp_id:
            raise Conflict(f"{email} is a user of another corporation; the demo needs it")
        return principal_for(s, user)


def _admin(db: Database, corp_id: int) -> Principal:
    try:
        return _principal(db, ADMIN_EMAIL, corp_id)
    except LookupError:
        add_user(
            db, ADMIN_EMAIL, "admin", ADMIN_PASSWORD, name="Dana Okafor", corporation_id=corp_id
        )
        return _principal(db, ADMIN_EMAIL, corp_id)


def _agents(db: Database, admin: Principal) -> dict[str, Principal]:
    out: dict[str, Principal] = {}
    for email, name, group_names in AGENTS:
        try:
            principal = _principal(db, email, admin.corporation_id)
        except LookupError:
            add_user(db, email, "agent", AGENT_PASSWORD, groups=group_names, name=name, actor=admin)
            principal = _principal(db, email, admin.corporation_id)
        out[email.split("@")[0]] = principal
    return out


# --------------------------------------------------------------------------- reference data


@dataclass
class _Ids:
    groups: dict[str, int]
    categories: dict[str, int]
    queues: dict[str, int]
    statuses: dict[str, int]
    priorities: dict[str, int]
    organizations: dict[str, int]
    contacts: dict[str, tuple[int, str, str]]  # key -> (id, first name, email)
    assets: dict[str, tuple[int, str]]  # key -> (id, serial)


def _reference_data(db: Database, admin: Principal) -> _Ids:
    _custom_fields(db, admin)
    orgs = _organizations(db, admin)
    return _Ids(
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


# --------------------------------------------------------------------------- cases


def _cases(
    db: Database,
    admin: Principal,
    agents: dict[str, Principal],
    ids: _Ids,
    now: datetime,
    seed: int,
) -> int:
    with db.read() as s:
        done = set(s.scalars(select(Case.title).where(Case.corporation_id == admin.corporation_id)))
    start = now - timedelta(days=30)
    created = 0
    for n, spec in enumerate(CASES):
        if spec[0] in done:
            continue
        rng = random.Random(seed * 1000 + n)  # per case: the same data whatever exists already
        at = start + timedelta(hours=17 * n + rng.randint(0, 9), minutes=rng.randint(0, 59))
        _Story(db, admin, agents, ids, rng).tell(n, spec, at)
        created += 1
    return created


class _Story:
    """One demo case from its opening to how it went, told through the use-cases."""

    def __init__(
        self,
        db: Database,
        admin: Principal,
        agents: dict[str, Principal],
        ids: _Ids,
        rng: random.Random,
    ) -> None:
        self.db, self.admin, self.agents, self.ids, self.rng = db, admin, agents, ids, rng
        self.case_id = 0
        self.contact_id: int | None = None
        self.t = utcnow()

    def tell(self, n: int, spec: CaseSpec, at: datetime) -> None:
        title, category, contact_key, asset_key, tags, outcome = spec
        ids, rng = self.ids, self.rng
        network = category == "VPN"
        assignee: Principal | None = (
            self.agents["priya"] if network or n % 3 == 0 else self.agents["sam"]
        )
        if outcome == "open" and n % 2:
            assignee = None
        contact = ids.contacts.get(contact_key)
        asset = ids.assets.get(asset_key)
        self.contact_id = contact[0] if contact else None
        first_name = contact[1] if contact else ""
        origin: Origin = "phone" if contact and n % 4 == 0 else "email"
        sender = contact[2] if contact else "offers@bargains.example"
        custom: dict[str, str | None] = {
            "impact": "high" if "outage" in tags else rng.choice(["low", "medium"])
        }
        if asset:
            custom["device_serial"] = asset[1]
        priority = "Critical" if "outage" in tags else rng.choice(["Low", "Medium", "High"])
        description = _description(title, first_name, spam=outcome == "spam")
        data = CaseCreate(
            title=title,
            description=description,
            category_id=ids.categories[category],
            queue_id=ids.queues["Network operations" if network else "First line"],
            group_id=ids.groups["Network" if network else "Service Desk"],
            priority_id=ids.priorities[priority],
            contact_id=self.contact_id,
            organization_id=_organization_of(ids, contact_key),
            asset_id=asset[0] if asset else None,
            assignee_id=assignee.user_id if assignee else None,
            tags=tags,
            custom_fields=custom,
            origin=origin,
            from_address=sender if origin == "email" else None,
        )
        self.case_id = cases.open_case(self.db, assignee or self.admin, data, now=at).id
        self.t = at
        agent = assignee or self.agents["sam"]
        if origin == "email":
            self.say(agent, description, direction="inbound", minutes=0)
        self.conclude(n, agent, outcome, first_name)

    def conclude(self, n: int, agent: Principal, outcome: str, first_name: str) -> None:
        statuses_ = self.ids.statuses
        if outcome == "spam":
            self.change(self.admin, CasePatch(status=6))
            return
        if outcome == "merged":
            self.say(agent, "Same problem as the open VPN case; merging.", internal=True)
            with self.db.read() as s:
                target = s.scalar(
                    select(Case.id).where(
                        Case.corporation_id == self.admin.corporation_id,
                        Case.title == MERGE_TARGET,
                    )
                )
            if target is not None:
                merging.merge_case(self.db, agent, self.case_id, target)
            return
        if outcome != "open" or n % 3 == 0:
            self.say(
                agent,
                f"Hi {first_name},\n\nthanks for letting us know. I am looking into it and "
                "will get back to you shortly.\n\nBest regards,\nIT Service Desk",
            )
        if n % 3 == 1:
            self.say(agent, "Checked the logs: nothing obvious yet.", internal=True, minutes=20)
        if outcome == "awaiting":
            self.say(agent, "Could you send a screenshot of the error and tell us when it started?")
            self.change(agent, CasePatch(status_id=statuses_["Awaiting customer"]))
        elif outcome == "closed":
            self.say(agent, "We have applied a fix. Please check that all works now.", minutes=180)
            self.say(agent, "Yes, it works again. Thank you!", direction="inbound", minutes=240)
            self.change(agent, CasePatch(status_id=statuses_["Closed"]))
        elif outcome == "vendor":
            self.say(
                agent, f"Opened a ticket with the vendor, reference V-{4711 + n}.", internal=True
            )
            self.change(agent, CasePatch(status_id=statuses_["Waiting for vendor"]))
        elif outcome == "hold":
            until = self.t + timedelta(days=40)
            patch = CasePatch(
                status_id=statuses_["On hold"],
                on_hold_until=until,
                on_hold_comment="Replacement part on order",
            )
            self.change(agent, patch)
        elif outcome == "progress":
            self.change(agent, CasePatch(status_id=statuses_["In progress"]))

    def say(
        self,
        who: Principal,
        body: str,
        *,
        direction: Literal["inbound", "outbound"] = "outbound",
        internal: bool = False,
        minutes: int = 45,
    ) -> None:
        self.t += timedelta(minutes=minutes + self.rng.randint(0, 30))
        data = MessageCreate(
            visibility="internal" if internal else "external",
            direction="note" if internal else direction,
            body_text=body,
            contact_id=self.contact_id if direction == "inbound" else None,
        )
        messages.add_message(self.db, who, self.case_id, data, now=self.t)

    def change(self, who: Principal, patch: CasePatch) -> None:
        self.t += timedelta(minutes=10)
        cases.update_case(self.db, who, self.case_id, patch, now=self.t)


def _organization_of(ids: _Ids, contact_key: str) -> int | None:
    for key, *_, org, _email, _phone in CONTACTS:
        if key == contact_key:
            return ids.organizations[org]
    return None


def _description(title: str, first_name: str, *, spam: bool = False) -> str:
    if spam:
        return "Best replicas, 90% off, today only. Click here to order."
    return (
        f"Hello,\n\n{title}. It started this morning and I cannot work properly. "
        f"Could you please help?\n\nThanks,\n{first_name}"
    )
