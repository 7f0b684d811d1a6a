"""Plain factory functions for tests: a small world of one corporation, two groups and
users in each, with tokens and principals ready to use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from casedesk.domain.permissions import Principal
from casedesk.services.cases import core as cases
from casedesk.services.cases.schemas import CaseCreate, CaseOut
from casedesk.services.identity.auth import authenticate_token, create_token
from casedesk.services.identity.users import add_user
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store.db import Database
from casedesk.store.models import Group

PASSWORD = "correct horse battery"


@dataclass
class Actor:
    user_id: int
    email: str
    token: str
    principal: Principal

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    corporation_id: int
    group_a: int
    group_b: int
    admin: Actor
    agent_a: Actor
    agent_b: Actor


def make_actor(
    db: Database,
    email: str,
    role: str,
    groups: list[str],
    corporation_id: int,
    permissions: list[str] | None = None,
) -> Actor:
    uid = add_user(
        db,
        email,
        role,
        PASSWORD,
        groups=groups,
        corporation_id=corporation_id,
        permissions=permissions,
    )
    _, token = create_token(db, email)
    return Actor(uid, email, token, authenticate_token(db, token))


def make_world(db: Database) -> World:
    with db.write() as s:
        corp = create_corporation(s, "Acme", "TCK-")
        a = Group(corporation_id=corp.id, name="A")
        b = Group(corporation_id=corp.id, name="B")
        s.add_all([a, b])
        s.flush()
        corp_id, ga, gb = corp.id, a.id, b.id
    return World(
        corporation_id=corp_id,
        group_a=ga,
        group_b=gb,
        admin=make_actor(db, "admin@acme.test", "admin", [], corp_id),
        agent_a=make_actor(db, "alice@acme.test", "agent", ["A"], corp_id),
        agent_b=make_actor(db, "bob@acme.test", "agent", ["B"], corp_id),
    )


def make_case(db: Database, actor: Actor, **fields: Any) -> CaseOut:
    fields.setdefault("title", "Printer does not print")
    return cases.open_case(db, actor.principal, CaseCreate(**fields))
