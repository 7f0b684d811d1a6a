"""The columns a case export may have, and turning a case into a row of them.

A column is a field of the case as the API shows it (``id``, ``reference``, ``title``,
``created_at``, …), a name looked up for one of its references (``status_name``,
``group_name``, ``assignee_email``, …), ``tags``, a time metric in minutes
(``first_response_minutes``, ``resolution_minutes``, ``age_minutes``: wall-clock time
from the case's creation), or a custom field as ``custom.<key>``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.services.cases import custom_fields
from casedesk.services.cases.schemas import CaseOut
from casedesk.store.models import CaseStatus, Category, Group, Priority, Queue, User

Cell = str | int | float | bool | datetime | date | None

#: Fields of ``CaseOut`` that hold one plain value.
CASE_FIELDS = tuple(
    name for name in CaseOut.model_fields if name not in ("tags", "custom_fields", "members")
)
DEFAULT_COLUMNS = (
    "reference",
    "title",
    "status_name",
    "priority_name",
    "group_name",
    "assignee_email",
    "created_at",
    "updated_at",
    "closed_at",
)
MAX_COLUMNS = 100


@dataclass
class Names:
    """Names of a corporation's reference rows, loaded once per export."""

    statuses: dict[int, str] = field(default_factory=dict)
    priorities: dict[int, str] = field(default_factory=dict)
    categories: dict[int, str] = field(default_factory=dict)
    queues: dict[int, str] = field(default_factory=dict)
    groups: dict[int, str] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)
    now: datetime | None = None


def load_names(s: Session, corporation_id: int, now: datetime) -> Names:
    def pairs(model: Any, attr: str = "name") -> dict[int, str]:
        col = getattr(model, attr)
        rows = s.execute(select(model.id, col).where(model.corporation_id == corporation_id))
        return {i: v for i, v in rows}

    return Names(
        statuses=pairs(CaseStatus),
        priorities=pairs(Priority),
        categories=pairs(Category),
        queues=pairs(Queue),
        groups=pairs(Group),
        users=pairs(User, "email"),
        now=now,
    )


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 60, 2)


def _looked(table: str, attr: str) -> Callable[[CaseOut, Names], Cell]:
    def get(case: CaseOut, names: Names) -> Cell:
        ref = getattr(case, attr)
        return None if ref is None else getattr(names, table).get(ref, f"#{ref}")

    return get


DERIVED: dict[str, Callable[[CaseOut, Names], Cell]] = {
    "status_name": _looked("statuses", "status_id"),
    "priority_name": _looked("priorities", "priority_id"),
    "category_name": _looked("categories", "category_id"),
    "queue_name": _looked("queues", "queue_id"),
    "group_name": _looked("groups", "group_id"),
    "assignee_email": _looked("users", "assignee_id"),
    "creator_email": _looked("users", "creator_id"),
    "tags": lambda c, _n: ", ".join(c.tags),
    "first_response_minutes": lambda c, _n: _minutes(c.created_at, c.first_response_at),
    "resolution_minutes": lambda c, _n: _minutes(c.created_at, c.closed_at),
    "age_minutes": lambda c, n: _minutes(c.created_at, c.closed_at or n.now),
}
CUSTOM = "custom."


def known_columns() -> list[str]:
    return [*CASE_FIELDS, *DERIVED]


def parse_columns(s: Session, corporation_id: int, text: str | None) -> list[str]:
    """The columns asked for (comma-separated), or the defaults; a name that is not a
    column is a ValidationFailed naming it."""
    if text is None or not text.strip():
        return list(DEFAULT_COLUMNS)
    wanted = [c.strip() for c in text.split(",") if c.strip()]
    if len(wanted) > MAX_COLUMNS:
        raise ValidationFailed(f"at most {MAX_COLUMNS} columns", field="columns")
    defined = custom_fields.specs(s, corporation_id)
    for name in wanted:
        if name in CASE_FIELDS or name in DERIVED:
            continue
        if name.startswith(CUSTOM) and name.removeprefix(CUSTOM) in defined:
            continue
        raise ValidationFailed(f"unknown column {name!r}", field="columns", column=name)
    return wanted


def row_of(case: CaseOut, columns: list[str], names: Names) -> list[Cell]:
    out: list[Cell] = []
    for name in columns:
        if name.startswith(CUSTOM):
            out.append(case.custom_fields.get(name.removeprefix(CUSTOM)))
        elif name in DERIVED:
            out.append(DERIVED[name](case, names))
        else:
            out.append(getattr(case, name))
    return out
