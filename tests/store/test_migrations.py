"""The migrations build exactly the schema the models describe, on each backend, and
can be undone and run concurrently."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, pool

from casedesk.store.migrate import alembic_config, downgrade, upgrade
from casedesk.store.models import Base
from casedesk.store.search_index import is_index_object


def _include_name(name: str | None, type_: str, _parent: Any) -> bool:
    return not is_index_object(name, type_)


def _differences(url: str) -> list[Any]:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_name": _include_name, "compare_type": True}
            )
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrations_match_the_models(fresh_database_url: str) -> None:
    upgrade(fresh_database_url)

    assert _differences(fresh_database_url) == []


def test_there_is_one_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))

    assert len(script.get_heads()) == 1


def test_downgrade_removes_everything_and_upgrade_rebuilds(fresh_database_url: str) -> None:
    upgrade(fresh_database_url)
    downgrade(fresh_database_url, "base")

    assert _tables(fresh_database_url) == {"alembic_version"}

    upgrade(fresh_database_url)
    assert _tables(fresh_database_url) >= {"cases", "search_documents"}


def test_upgrade_twice_is_a_no_op(fresh_database_url: str) -> None:
    upgrade(fresh_database_url)
    upgrade(fresh_database_url)

    assert _differences(fresh_database_url) == []


def test_processes_starting_together_migrate_once(fresh_database_url: str) -> None:
    # Separate processes: Alembic's op/context proxies are process globals.
    code = "import sys; from casedesk.store.migrate import upgrade; upgrade(sys.argv[1])"
    processes = [
        subprocess.Popen([sys.executable, "-c", code, fresh_database_url], stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    errors = [p.communicate(timeout=120)[1].decode() for p in processes]

    assert [p.returncode for p in processes] == [0, 0], errors
    assert _differences(fresh_database_url) == []
