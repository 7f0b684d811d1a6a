"""A read replica: text searches, reports and exports read on a PostgreSQL hot standby
of the primary, everything else on the primary; a replica that does not answer leaves
those reads to the primary.

The PostgreSQL tests start a primary and a real streaming standby of their own
(``scripts/pg-test-server start`` and ``replica``). To show which server a search
reads, the standby's replay is paused: a case committed then is on the primary only.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.services.cases.schemas import CaseQuery
from casedesk.services.cases.search import count_matches, on_replica, reader, search_cases
from casedesk.store.db import Database
from casedesk.store.migrate import upgrade
from tests.factories import World, make_case, make_world

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = ["bash", str(ROOT / "scripts" / "pg-test-server")]


@dataclass
class Pair:
    primary_url: str
    replica_url: str

    def superuser(self, url: str) -> str:
        """``url`` as the clusters' superuser, for the replication settings."""
        return make_url(url).set(username="postgres").render_as_string(hide_password=False)

    def run(self, url: str, *statements: str) -> list[object]:
        engine = create_engine(self.superuser(url), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                results = [conn.execute(text(sql)) for sql in statements]
                return [r.scalar() if r.returns_rows else None for r in results]
        finally:
            engine.dispose()


def _start(*args: str) -> str:
    done = subprocess.run([*PG_SERVER, *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def clusters() -> Iterator[Path]:
    """A folder for the clusters that PostgreSQL's own user may enter (the script runs
    the servers as that user when the tests run as root)."""
    folder = Path(tempfile.mkdtemp(prefix="casedesk-replica-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pair(backend: str, clusters: Path) -> Iterator[Pair]:
    """A primary and a hot standby streaming from it, with commits on the primary
    waiting until the standby has applied them (``remote_apply``): what the primary
    has committed, the standby shows."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL only: a read replica is a PostgreSQL hot standby")
    primary_dir, replica_dir = clusters / "primary", clusters / "replica"
    primary = _start("start", str(primary_dir))
    try:
        replica = _start("replica", str(primary_dir), str(replica_dir))
        try:
            p = Pair(primary, replica)
            p.run(
                primary,
                "ALTER SYSTEM SET synchronous_standby_names = '*'",
                "SELECT pg_reload_conf()",
                # The server runs with synchronous_commit=off on its command line; a
                # role's setting comes after that.
                "ALTER ROLE casedesk SET synchronous_commit = 'remote_apply'",
            )
            upgrade(primary)
            yield p
        finally:
            subprocess.run([*PG_SERVER, "stop", str(replica_dir)], check=False)
    finally:
        subprocess.run([*PG_SERVER, "stop", str(primary_dir)], check=False)


def _titles(db: Database, world: World, q: str | None) -> set[str]:
    page = search_cases(db, world.agent_a.principal, CaseQuery(q=q, limit=100))
    return {c.title for c in page.items}


def test_a_text_search_reads_on_the_replica_and_a_list_on_the_primary(
    pair: Pair, tmp_path: Path
) -> None:
    db = Database(pair.primary_url, replica_url=pair.replica_url)
    try:
        with db.replica() as s:
            assert s.execute(text("SELECT pg_is_in_recovery()")).scalar() is True
        with db.read() as s:
            assert s.execute(text("SELECT pg_is_in_recovery()")).scalar() is False

        world = make_world(db)
        make_case(db, world.agent_a, group_id=world.group_a, title="Printer jammed")
        assert _titles(db, world, "printer") == {"Printer jammed"}  # applied on the standby

        # From now on the primary does not wait for the standby, whose replay stops.
        pair.run(pair.primary_url, "ALTER ROLE casedesk SET synchronous_commit = 'local'")
        db.engine.dispose()
        pair.run(pair.replica_url, "SELECT pg_wal_replay_pause()")
        make_case(db, world.agent_a, group_id=world.group_a, title="Printer on fire")

        assert "Printer on fire" in _titles(db, world, None)  # a list: the primary
        assert _titles(db, world, "printer") == {"Printer jammed"}  # a search: the standby

        settings = Settings(
            data_dir=tmp_path,
            database_url=pair.primary_url,
            database_replica_url=pair.replica_url,
        )
        with TestClient(create_app(settings, db)) as client:
            found = client.get(
                "/api/v1/cases", params={"q": "printer"}, headers=world.agent_a.headers
            )
            listed = client.get("/api/v1/cases", headers=world.agent_a.headers)
        assert found.status_code == listed.status_code == 200, found.text
        assert {c["title"] for c in found.json()["items"]} == {"Printer jammed"}
        assert "Printer on fire" in {c["title"] for c in listed.json()["items"]}
    finally:
        db.dispose()


def test_searches_read_on_the_primary_while_the_replica_is_down(pair: Pair, clusters: Path) -> None:
    db = Database(pair.primary_url, replica_url=pair.replica_url)
    try:
        world = make_world(db)
        make_case(db, world.agent_a, group_id=world.group_a, title="Scanner offline")
        pair.run(pair.primary_url, "ALTER ROLE casedesk SET synchronous_commit = 'local'")
        db.engine.dispose()
        subprocess.run([*PG_SERVER, "stop", str(clusters / "replica")], check=True)
        assert db.replica_engine is not None
        db.replica_engine.dispose()
        assert _titles(db, world, "scanner") == {"Scanner offline"}
    finally:
        db.dispose()


def _reads_on_the_primary(db: Database) -> None:
    """Every read of ``db`` sees what was committed a moment ago: a text search, its
    count, a list, and a replica transaction is one on the primary's engine."""
    world = make_world(db)
    make_case(db, world.agent_a, group_id=world.group_a, title="Badge reader")
    make_case(db, world.agent_a, group_id=world.group_a, title="Door stuck")

    assert _titles(db, world, "badge") == {"Badge reader"}
    assert _titles(db, world, None) == {"Badge reader", "Door stuck"}
    principal = world.agent_a.principal
    assert count_matches(db, principal, CaseQuery(q="badge")).count == 1
    assert count_matches(db, principal, CaseQuery()).count == 2

    for q in ("badge", None):
        with reader(db, q) as s:
            assert s.get_bind() is db.engine
    with db.replica() as s:
        assert s.get_bind() is db.engine
        # Written after the lists above: still seen, as the primary has it.
        make_case(db, world.agent_a, group_id=world.group_a, title="Badge printer")
    assert _titles(db, world, "badge") == {"Badge reader", "Badge printer"}


def test_without_a_replica_every_read_is_on_the_one_database(db: Database) -> None:
    assert not db.has_replica
    assert not on_replica(db, "badge")
    _reads_on_the_primary(db)


def test_a_replica_that_cannot_be_reached_leaves_every_read_to_the_primary(
    db: Database, tmp_path: Path
) -> None:
    # A replica configured at a socket folder where no server listens.
    nowhere = f"postgresql+psycopg://casedesk@/casedesk_test?host={tmp_path / 'no-server'}"
    with_replica = Database(db.url, replica_url=nowhere)
    try:
        assert with_replica.has_replica
        assert on_replica(with_replica, "badge")  # a search would read there...
        assert not on_replica(with_replica, None)
        _reads_on_the_primary(with_replica)  # ...but the primary answers it
    finally:
        with_replica.dispose()


def test_a_replica_must_be_postgresql(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="CASEDESK_DATABASE_REPLICA_URL"):
        Settings(data_dir=tmp_path, database_replica_url=f"sqlite:///{tmp_path / 'r.db'}")
