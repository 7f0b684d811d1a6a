"""Surveys tests run with the survey listener installed, as the app, worker and CLI do."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from casedesk.domain.permissions import ContactCaller
from casedesk.services.cases import core as cases
from casedesk.services.cases.schemas import CasePatch
from casedesk.services.surveys import sending
from casedesk.services.surveys.settings import SurveySettingsIn, update_settings
from casedesk.store.db import Database
from casedesk.store.models import OutboxEvent, Survey
from tests.services.portal.world import PortalWorld, make_portal_world

BASE = "https://support.example.com"


@pytest.fixture(autouse=True)
def survey_listener() -> Iterator[None]:
    sending.install(BASE)
    yield
    sending.uninstall()


@pytest.fixture
def pw(db: Database) -> PortalWorld:
    world = make_portal_world(db)
    enable(db, world)
    return world


def enable(db: Database, pw: PortalWorld, **fields: Any) -> None:
    fields.setdefault("enabled", True)
    update_settings(db, pw.base.admin.principal, SurveySettingsIn(**fields))


def close(db: Database, pw: PortalWorld, case_id: int) -> None:
    cases.update_case(db, pw.base.agent_a.principal, case_id, CasePatch(status=2))


def closed_case_for(db: Database, pw: PortalWorld, contact: ContactCaller, title: str = "") -> int:
    case = pw.case_for(contact, title or "Printer jammed")
    close(db, pw, case.id)
    return case.id


def requested(db: Database) -> list[dict[str, Any]]:
    with db.read() as s:
        rows = s.scalars(
            select(OutboxEvent).where(OutboxEvent.topic == sending.TOPIC).order_by(OutboxEvent.id)
        )
        return [dict(r.payload) for r in rows]


def token_of(payload: dict[str, Any]) -> str:
    return str(payload["url"]).rsplit("/", 1)[1]


def survey_of(db: Database, case_id: int) -> Survey | None:
    with db.read() as s:
        return s.scalars(select(Survey).where(Survey.case_id == case_id)).one_or_none()
