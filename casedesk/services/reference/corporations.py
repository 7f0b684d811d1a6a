"""The caller's corporation: its name, case number prefix and time zone.

A caller sees exactly one corporation, their own; any other id is not found.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import StringConstraints
from sqlalchemy import func, select

from casedesk.domain.errors import Conflict, NotFound, ValidationFailed
from casedesk.domain.numbering import validate_prefix
from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.services.reference.common import (
    In,
    Name200,
    Out,
    flush,
    present,
    require_manager,
    snapshot,
)
from casedesk.store.db import Database
from casedesk.store.models import Corporation

_FIELDS = ("name", "case_prefix", "time_zone")


class CorporationOut(Out):
    id: int
    name: str
    case_prefix: str
    time_zone: str
    created_at: datetime


class CorporationPatch(In):
    name: Name200 | None = None
    case_prefix: Annotated[str, StringConstraints(max_length=16)] | None = None
    time_zone: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None


def list_corporations(db: Database, principal: Principal) -> list[CorporationOut]:
    return [get_corporation(db, principal, principal.corporation_id)]


def get_corporation(db: Database, principal: Principal, corporation_id: int) -> CorporationOut:
    with db.read() as s:
        return CorporationOut.model_validate(_own(s.get(Corporation, corporation_id), principal))


def update_corporation(
    db: Database, principal: Principal, corporation_id: int, patch: CorporationPatch
) -> CorporationOut:
    values = present(patch, _FIELDS)
    if "case_prefix" in values:
        validate_prefix(values["case_prefix"])
    if "time_zone" in values:
        _check_time_zone(values["time_zone"])
    with db.write() as s:
        corp = _own(s.get(Corporation, corporation_id, with_for_update=True), principal)
        require_manager(principal)
        if "name" in values:
            taken = s.scalar(
                select(Corporation.id).where(
                    func.lower(Corporation.name) == values["name"].lower(),
                    Corporation.id != corp.id,
                )
            )
            if taken is not None:
                raise Conflict(
                    f"a corporation named {values['name']!r} exists already", field="name"
                )
        before = snapshot(corp, _FIELDS)
        for name, value in values.items():
            setattr(corp, name, value)
        changes = audit.diff(before, snapshot(corp, _FIELDS))
        if changes:
            flush(s, "a corporation with that name exists already")
            audit.record(
                s,
                principal,
                corp.id,
                "corporation.updated",
                "corporation",
                corp.id,
                changes=changes,
            )
        return CorporationOut.model_validate(corp)


def _own(corp: Corporation | None, principal: Principal) -> Corporation:
    if corp is None or corp.id != principal.corporation_id:
        raise NotFound("corporation not found")
    return corp


def _check_time_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationFailed(
            f"unknown time zone {name!r}; use an IANA name such as Europe/Paris", field="time_zone"
        ) from None
