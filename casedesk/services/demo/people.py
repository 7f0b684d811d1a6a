"""The demo's corporation, its admin and its agents, found by name or email address and
created when missing."""

from __future__ import annotations

from sqlalchemy import select

from casedesk.domain.errors import Conflict
from casedesk.domain.permissions import Principal
from casedesk.services.demo.data import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    AGENT_PASSWORD,
    AGENTS,
    CORPORATION,
    PREFIX,
)
from casedesk.services.identity.auth import principal_for
from casedesk.services.identity.users import add_user
from casedesk.services.kernel import audit
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store.db import Database
from casedesk.store.models import Corporation, User


def corporation(db: Database) -> int:
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


def admin(db: Database, corp_id: int) -> Principal:
    try:
        return _principal(db, ADMIN_EMAIL, corp_id)
    except LookupError:
        add_user(
            db, ADMIN_EMAIL, "admin", ADMIN_PASSWORD, name="Dana Okafor", corporation_id=corp_id
        )
        return _principal(db, ADMIN_EMAIL, corp_id)


def agents(db: Database, admin: Principal) -> dict[str, Principal]:
    """The agents by the local part of their email address (``sam``, ``priya``)."""
    out: dict[str, Principal] = {}
    for email, name, group_names in AGENTS:
        try:
            principal = _principal(db, email, admin.corporation_id)
        except LookupError:
            add_user(db, email, "agent", AGENT_PASSWORD, groups=group_names, name=name, actor=admin)
            principal = _principal(db, email, admin.corporation_id)
        out[email.split("@")[0]] = principal
    return out
