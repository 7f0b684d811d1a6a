"""Fixtures shared by the whole suite.

The store backend is chosen by ``CASEDESK_TEST_DB``: ``sqlite`` (default) or
``postgresql``, the latter at ``CASEDESK_TEST_PG_URL`` (``scripts/pg-test-server start``
prints one; ``scripts/test`` runs the suite on both).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from casedesk.config import Settings
from casedesk.store.db import Database
from tests.support import databases, shared_routes

# --------------------------------------------------------------------------- backend

BACKEND = os.environ.get("CASEDESK_TEST_DB", "sqlite")
PG_URL = os.environ.get("CASEDESK_TEST_PG_URL", "")


def pytest_configure(config: pytest.Config) -> None:
    if BACKEND not in databases.BACKENDS:
        raise pytest.UsageError(f"CASEDESK_TEST_DB must be one of {databases.BACKENDS}")
    if BACKEND == "postgresql" and not PG_URL:
        raise pytest.UsageError("CASEDESK_TEST_DB=postgresql needs CASEDESK_TEST_PG_URL")
    shared_routes.install()


def pytest_report_header(config: pytest.Config) -> str:
    return f"casedesk store backend: {BACKEND}"


@pytest.fixture(scope="session")
def backend() -> str:
    """``"sqlite"`` or ``"postgresql"``: the backend this run tests."""
    return BACKEND


# --------------------------------------------------------------------------- database


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.make_sqlite_template(tmp_path_factory.mktemp("template") / "casedesk.db")


@pytest.fixture(scope="session")
def _postgres() -> Iterator[Engine]:
    databases.reset_postgres(PG_URL)
    engine = create_engine(PG_URL, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


@pytest.fixture
def db(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A migrated, empty database of the selected backend, for this test alone."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        url = databases.copy_sqlite_template(template, tmp_path / "casedesk.db")
    else:
        databases.empty_postgres(request.getfixturevalue("_postgres"))
        url = PG_URL
    database = Database(url)
    yield database
    database.dispose()


@pytest.fixture
def fresh_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty, unmigrated database (for migration tests)."""
    if backend == "sqlite":
        yield databases.sqlite_url(tmp_path / "fresh.db")
    else:
        with databases.postgres_scratch_schema(PG_URL) as url:
            yield url


# --------------------------------------------------------------------------- settings


@pytest.fixture
def settings(tmp_path: Path, db: Database) -> Settings:
    """Settings for an instance whose data lives in ``tmp_path`` and database is ``db``."""
    return Settings(
        data_dir=tmp_path,
        database_url=db.url,
        secret_key="test-secret-key",
        smtp_url=None,
        imap_url=None,
    )


# --------------------------------------------------------------------------- passwords


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> None:
    """argon2's production parameters cost ~100 ms a hash by design; the suite hashes
    thousands of passwords, so it uses the cheapest profile. The code path is the same."""
    from argon2 import PasswordHasher
    from argon2.profiles import CHEAPEST

    from casedesk.services.identity.auth import use_password_hasher

    use_password_hasher(PasswordHasher.from_parameters(CHEAPEST))
