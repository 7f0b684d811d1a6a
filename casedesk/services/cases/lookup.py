"""Finding a case by what a person types: its number (``TCK-12`` or ``12``) or its id
(``id:57``), among the cases the caller may see. A hidden case is reported exactly
like a missing one."""

from __future__ import annotations

from datetime import datetime

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.escalation import Light
from casedesk.domain.numbering import parse_case_reference
from casedesk.domain.permissions import Principal
from casedesk.services.cases.schemas import CaseOut
from casedesk.services.kernel.access import readable_cases
from casedesk.store.db import Database
from casedesk.store.models import Case, Corporation

_MAX_ID = 2**53
#: Closed, Deleted, Merged and Spam cases have no running targets.
_FINISHED = frozenset({2, 4, 5, 6})


def find_case_id(db: Database, principal: Principal, text: str, field: str = "case") -> int:
    """The id of the visible case ``text`` names; ValidationFailed naming ``field``
    when there is none."""
    wanted = text.strip()
    with db.read() as s:
        stmt = readable_cases(principal).with_only_columns(Case.id)
        if wanted.lower().startswith("id:"):
            digits = wanted[3:].strip()
            if not digits.isdigit() or not 1 <= int(digits) <= _MAX_ID:
                raise ValidationFailed(f"{wanted!r} is not a case id", field=field)
            found = s.scalar(stmt.where(Case.id == int(digits)))
        else:
            corp = s.get(Corporation, principal.corporation_id)
            number = parse_case_reference(corp.case_prefix if corp else "", wanted)
            if number is None or number > 2**31 - 1:
                raise ValidationFailed(
                    f"{wanted!r} is not a case number (like 12 or its reference) "
                    "nor an id (like id:57)",
                    field=field,
                )
            found = s.scalar(stmt.where(Case.number == number))
    if found is None:
        raise ValidationFailed(f"there is no case {wanted}", field=field)
    return int(found)


def due_light(case: CaseOut, now: datetime) -> tuple[Light, datetime | None]:
    """A list row's SLA light from the stored targets: the earliest open due date, red
    once it has passed, yellow when the case has reached an alert level, else green.
    (The case page computes the full state with ``case_times``.)"""
    if case.status in _FINISHED:
        return Light.GREEN, None
    first = None if case.first_response_at is not None else case.first_response_due_at
    dues = [d for d in (first, case.next_response_due_at, case.resolution_due_at) if d]
    due = min(dues) if dues else None
    if due is not None and due <= now:
        return Light.RED, due
    if case.alert_level > 0:
        return Light.YELLOW, due
    return Light.GREEN, due
