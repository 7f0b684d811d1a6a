"""What a SQLite connection may hold in memory is what the settings say."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.store.db import Database, SqliteLimits


def pragmas(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            name: int(conn.exec_driver_sql(f"PRAGMA {name}").scalar_one())
            for name in ("cache_size", "mmap_size", "temp_store", "soft_heap_limit")
        }


def test_every_connection_is_bounded_as_configured(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        sqlite_cache_mb=3,
        sqlite_mmap_mb=2,
        sqlite_temp_store="memory",
        sqlite_heap_mb=64,
    )
    db = Database(settings.effective_database_url, sqlite=SqliteLimits(**settings.sqlite_limits))
    try:
        assert pragmas(db) == {
            "cache_size": -3 * 1024,  # negative: KiB
            "mmap_size": 2 * 1024 * 1024,
            "temp_store": 2,  # MEMORY
            "soft_heap_limit": 64 * 1024 * 1024,
        }
    finally:
        db.dispose()


def test_the_server_opens_its_database_with_the_configured_limits(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, sqlite_cache_mb=3, sqlite_heap_mb=64)
    app = create_app(settings)
    db: Database = app.state.db
    try:
        assert db.url == settings.effective_database_url
        got = pragmas(db)
        assert (got["cache_size"], got["soft_heap_limit"]) == (-3 * 1024, 64 * 1024 * 1024)
    finally:
        db.dispose()


def test_the_defaults_keep_a_worker_small(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'd.db'}")
    try:
        assert pragmas(db) == {
            "cache_size": -8 * 1024,
            "mmap_size": 0,
            "temp_store": 1,  # FILE
            "soft_heap_limit": 256 * 1024 * 1024,
        }
    finally:
        db.dispose()


def test_settings_out_of_bounds_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEDESK_SQLITE_TEMP_STORE", "disk")
    with pytest.raises(ValidationError):
        Settings()
    monkeypatch.setenv("CASEDESK_SQLITE_TEMP_STORE", "file")
    monkeypatch.setenv("CASEDESK_SQLITE_CACHE_MB", "0")
    with pytest.raises(ValidationError):
        Settings()
