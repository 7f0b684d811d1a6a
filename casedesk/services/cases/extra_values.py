"""Free extra values of a case: what an integration sends along under keys that are no
defined custom field, kept as text and given back on read so its data round-trips.

Values under a key that names a defined custom field (in any case) are that custom
field's, validated by its type as always; the others are free. Setting free values
replaces the case's free values with the ones given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.cases import custom_fields
from casedesk.services.kernel.access import load_case
from casedesk.store.db import Database
from casedesk.store.models import CaseExtraValue

MAX_KEYS = 50
MAX_KEY_LENGTH = 64
MAX_VALUE_LENGTH = 4000

Values = Mapping[str, str | None]


def split(
    session: Session, corporation_id: int, values: Values, *, field: str = "custom_fields"
) -> tuple[dict[str, Any], dict[str, str | None]]:
    """``values`` as (defined custom fields by their key, free extra values)."""
    defined = {key.lower(): key for key in custom_fields.specs(session, corporation_id)}
    known: dict[str, Any] = {}
    free: dict[str, str | None] = {}
    for key, value in values.items():
        if key.lower() in defined:
            known[defined[key.lower()]] = value
        else:
            free[key] = value
    _check(free, field)
    return known, free


def _check(free: dict[str, str | None], field: str) -> None:
    if len(free) > MAX_KEYS:
        raise ValidationFailed(f"at most {MAX_KEYS} extra values per case", field=field)
    for key, value in free.items():
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            raise ValidationFailed(
                f"an extra value's key is 1 to {MAX_KEY_LENGTH} characters", field=field
            )
        if value is not None and len(value) > MAX_VALUE_LENGTH:
            raise ValidationFailed(
                f"extra value {key!r} is longer than {MAX_VALUE_LENGTH} characters",
                field=f"{field}.{key}",
            )


def replace_in(session: Session, case_id: int, free: dict[str, str | None]) -> dict[str, Any]:
    """Make the case's free values exactly ``free``; returns the audit changes."""
    current = read_in(session, case_id)
    if current == free:
        return {}
    session.execute(delete(CaseExtraValue).where(CaseExtraValue.case_id == case_id))
    session.add_all(CaseExtraValue(case_id=case_id, key=k, value=v) for k, v in free.items())
    return {
        f"extra_values.{key}": {"from": current.get(key), "to": free.get(key)}
        for key in sorted(current.keys() | free.keys())
        if current.get(key) != free.get(key) or (key in current) != (key in free)
    }


def read_in(session: Session, case_id: int) -> dict[str, str | None]:
    rows = session.execute(
        select(CaseExtraValue.key, CaseExtraValue.value)
        .where(CaseExtraValue.case_id == case_id)
        .order_by(CaseExtraValue.key)
    ).all()
    return {key: value for key, value in rows}


def read_extra_values(db: Database, principal: Principal, case_id: int) -> dict[str, str | None]:
    """The case's free values, for a caller who may read the case."""
    with db.read() as s:
        load_case(s, principal, case_id)
        return read_in(s, case_id)
