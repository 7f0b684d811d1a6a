"""Fixtures for the dialect tests: the app over the per-test database, a small world,
the seed samples, and a way to give the next case or contact the id a sample refers to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, insert, select, text

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.store.db import Database
from casedesk.store.models import Case, Contact
from tests.factories import World, make_world


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def app(settings: Settings, db: Database) -> FastAPI:
    return create_app(settings, db)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def fixture_text(where: str, name: str) -> str:
    """A seed sample: ``where`` is a dialect's folder name or a test file in it."""
    folder = Path(where).parent if where.endswith(".py") else Path(__file__).parent / where
    return (folder / "fixtures" / name).read_text()


def next_id_will_be(db: Database, model: type[Case] | type[Contact], wanted: int) -> None:
    """Make the next row of ``model`` get id ``wanted`` (ids must only grow): a sample
    that updates ticket 389 needs a ticket 389. PostgreSQL moves the sequence; SQLite
    takes max(id) + 1, so a placeholder row is put at ``wanted - 1``."""
    table = model.__table__
    with db.write() as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(
                text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"),
                {"t": table.name, "v": wanted - 1},
            )
            return
        template = s.execute(select(table).order_by(table.c.id.desc()).limit(1)).mappings().one()
        row = dict(template) | {"id": wanted - 1}
        if model is Case:
            row["number"] = 10_000_000 + wanted
        s.execute(insert(table).values(row))
    _placeholders.setdefault(id(db), []).append((table, wanted - 1))


_placeholders: dict[int, list[object]] = {}


def drop_placeholders(db: Database) -> None:
    """Remove the SQLite placeholder rows once the real rows exist."""
    for table, row_id in _placeholders.pop(id(db), []):  # type: ignore[misc]
        with db.write() as s:
            s.execute(delete(table).where(table.c.id == row_id))  # type: ignore[attr-defined]
