"""Automatic assignment by a category's rules.

When a case asks to be assigned "by the rules" (SuperOffice owner 2147483647), the
category names a strategy and a set of agents; this module picks one of them. The caller
decides who the candidates are (members of the category's group, active accounts) and
whether each is available right now (present, not on leave); this module only chooses.

Two strategies:

- ``round_robin``: agents take turns in a stable order (by user id), starting after the
  agent assigned last; unavailable agents are passed over without losing their place in the
  order. If the last assignee is no longer a candidate, the turn goes to the next id after
  theirs, so removing an agent does not send the turn back to the start.
- ``least_open``: the available agent with the fewest open cases; on a tie the one who was
  assigned least recently (never assigned counts as longest ago), then the lowest id, so
  the answer never depends on the order the candidates were listed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from casedesk.domain.errors import ValidationFailed


class Strategy(StrEnum):
    ROUND_ROBIN = "round_robin"
    LEAST_OPEN = "least_open"


@dataclass(frozen=True, slots=True)
class Candidate:
    user_id: int
    open_cases: int
    last_assigned_at: datetime | None
    available: bool = True


def parse_strategy(value: str) -> Strategy:
    """The strategy named ``value``; refuses unknown names so a typo is not a silent default."""
    try:
        return Strategy(value)
    except ValueError:
        names = ", ".join(s.value for s in Strategy)
        raise ValidationFailed(
            f"unknown assignment strategy {value!r}; one of {names}", field="assignment_strategy"
        ) from None


def pick_assignee(
    strategy: Strategy,
    candidates: Sequence[Candidate],
    last_assigned_user_id: int | None = None,
) -> int | None:
    """The user id to assign, or None when no candidate is available.

    ``last_assigned_user_id`` is the agent the category's rules assigned last (round robin
    only); the caller records the new pick as the next one's ``last_assigned_user_id``.
    """
    _validate(candidates)
    available = sorted((c for c in candidates if c.available), key=lambda c: c.user_id)
    if not available:
        return None
    if strategy == Strategy.ROUND_ROBIN:
        if last_assigned_user_id is None:
            return available[0].user_id
        after = [c for c in available if c.user_id > last_assigned_user_id]
        return (after or available)[0].user_id
    return min(available, key=_least_open_key).user_id


def _least_open_key(c: Candidate) -> tuple[int, bool, datetime, int]:
    # Never assigned sorts first (False < True); the datetime is a placeholder then.
    assigned = c.last_assigned_at is not None
    return (c.open_cases, assigned, c.last_assigned_at or _EPOCH, c.user_id)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _validate(candidates: Sequence[Candidate]) -> None:
    seen: set[int] = set()
    for c in candidates:
        if c.user_id in seen:
            raise ValidationFailed(f"user {c.user_id} is listed twice", field="candidates")
        seen.add(c.user_id)
        if c.open_cases < 0:
            raise ValidationFailed("open_cases cannot be negative", field="open_cases")
        if c.last_assigned_at is not None and c.last_assigned_at.utcoffset() is None:
            raise ValidationFailed(
                "last_assigned_at must be timezone-aware", field="last_assigned_at"
            )
