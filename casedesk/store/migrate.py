"""Alembic, configured in code: the migrations ship inside the package, so a deployed
``casedesk`` needs no ``alembic.ini`` and finds its scripts wherever it is installed.

``upgrade(url)`` is what ``casedesk migrate`` and first start run. For writing new
migrations, ``python -m casedesk.store.migrate`` is the full Alembic command line bound
to the configured database (``CASEDESK_DATABASE_URL``), e.g.
``python -m casedesk.store.migrate revision --autogenerate --rev-id 0002 -m "add x"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import CommandLine, Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    # Options go through configparser interpolation: a literal % must be doubled.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (creating a SQLite file if needed).

    Safe to run from several processes at once: on PostgreSQL the migration takes an
    advisory lock, on SQLite the write transaction serialises them.
    """
    command.upgrade(alembic_config(url), revision)


def current_revision(url: str) -> str | None:
    """The revision the database at ``url`` is at, or None for one never migrated
    (so ``casedesk migrate`` can say whether it created or updated it)."""
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def main(argv: Sequence[str] | None = None) -> None:
    from casedesk.config import Settings

    cli = CommandLine(prog="python -m casedesk.store.migrate")
    options = cli.parser.parse_args(argv)
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")
    cli.run_cmd(alembic_config(Settings().effective_database_url), options)


if __name__ == "__main__":
    main()
