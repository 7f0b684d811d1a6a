"""Every test here runs with the rules engine installed, as the app, worker and CLI do."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from casedesk.services.cases import tags
from casedesk.services.rules import definitions, engine
from casedesk.services.rules.definitions import Kind, RuleIn
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry
from tests.factories import World, make_world


@pytest.fixture(autouse=True)
def rules_engine() -> Iterator[None]:
    engine.install()
    engine._cache.clear()
    yield
    engine._cache.clear()
    engine.uninstall()


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


def add_rule(db: Database, world: World, kind: Kind = "trigger", **fields: Any) -> int:
    fields.setdefault("name", f"rule {len(fields)}-{id(fields)}")
    return definitions.create_rule(db, world.admin.principal, kind, RuleIn(**fields)).id


def tags_of(db: Database, case_id: int) -> list[str]:
    with db.read() as s:
        return tags.names(s, [case_id]).get(case_id, [])


def audits(db: Database, action: str) -> list[AuditEntry]:
    with db.read() as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
        )
