"""The assist's tests tell few languages apart, to keep the detector small and quick."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.channels.email.intake import ingest_raw
from casedesk.config import Settings
from casedesk.services.assist import insights
from casedesk.services.kernel.clock import utcnow
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from tests.channels.email.conftest import LIMITS

os.environ.setdefault("CASEDESK_ASSIST_LANGUAGES", "en,de,fr")


def mail(sender: str, subject: str, body: str) -> bytes:
    return (
        f"From: {sender}\r\nTo: support@acme.example\r\nSubject: {subject}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@mail.example>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n"
    ).encode()


def take_mail(db: Database, corporation_id: int, raw: bytes, tmp_path: Path) -> int:
    result = ingest_raw(db, LocalBlobStore(tmp_path / "blobs"), corporation_id, raw, LIMITS)
    assert result.case_id is not None
    return result.case_id


def run_job(db: Database, now: datetime | None = None) -> int:
    """The ``assist`` job until nothing is left."""
    total = 0
    while handled := insights.run_insights(db, now or utcnow()):
        total += handled
    return total


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    """The app over the per-test database: the assist is checked through its faces."""
    with TestClient(create_app(settings, db)) as c:
        yield c
