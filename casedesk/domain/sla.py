"""SLA targets, which policy applies to a case, and due dates with a clock that pauses.

A policy promises three things in office minutes of a business calendar: a first
response, a next response to every customer message after that, and a resolution
(Track-It's "Expected Response" and "Expected Fix" dates are the first and the last).
The clock of a target runs only while the case is in a *running* clock class (internal
or queue) and pauses while it waits on the customer (external) or no clock runs
(stopped: on hold, closed, ...), Track-It's "stop the clock" statuses. Pausing the
first-response clock too is deliberate: a case parked as waiting-on-customer or on hold
before anyone answered is not one the desk is late on.

Everything is computed from the status history and ``now``; nothing is stored, so a
sweep, a case view and a report agree on the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from casedesk.domain.calendars import BusinessCalendar, require_aware
from casedesk.domain.clock import ClockClass, HistoryEntry, spans
from casedesk.domain.errors import ValidationFailed

#: Clock classes in which SLA clocks run; every other class pauses them.
RUNNING = frozenset({ClockClass.INTERNAL, ClockClass.QUEUE})

_SECOND = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class SlaTargets:
    """Targets in minutes of office time; ``None`` means no promise for that one."""

    first_response: int | None = None
    next_response: int | None = None
    resolution: int | None = None

    def __post_init__(self) -> None:
        for name in ("first_response", "next_response", "resolution"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value <= 0
            ):
                raise ValidationFailed(f"{name} must be a positive number of minutes", field=name)


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """Targets that apply to cases matching every condition that is set.

    ``position`` orders policies that are equally specific (lower first), then ``id``.
    """

    id: int
    targets: SlaTargets
    priority_id: int | None = None
    category_id: int | None = None
    organization_id: int | None = None
    position: int = 0


def choose_policy(
    policies: Iterable[SlaPolicy],
    *,
    priority_id: int | None,
    category_id: int | None,
    organization_id: int | None,
    category_ancestors: Sequence[int] = (),
) -> SlaPolicy | None:
    """The most specific policy whose conditions all match the case, or ``None``.

    A policy matches when each condition it sets equals the case's value; a category
    condition also matches a case in a sub-category (``category_ancestors`` lists the
    case category's parents, nearest first). Precedence among matches:

    1. more conditions set wins (organization + priority beats organization alone);
    2. then by the kind of condition: organization (a customer's contract) over category
       over priority;
    3. then the nearer category (the case's own over a parent's);
    4. then lower ``position``, then lower ``id``, so the choice is always deterministic.
    """
    lineage = ([category_id] if category_id is not None else []) + list(category_ancestors)
    best: tuple[tuple[int, ...], SlaPolicy] | None = None
    for policy in policies:
        if policy.priority_id is not None and policy.priority_id != priority_id:
            continue
        if policy.organization_id is not None and policy.organization_id != organization_id:
            continue
        distance = 0
        if policy.category_id is not None:
            if policy.category_id not in lineage:
                continue
            distance = lineage.index(policy.category_id)
        has = (
            policy.organization_id is not None,
            policy.category_id is not None,
            policy.priority_id is not None,
        )
        key = (-sum(has), *(not h for h in has), distance, policy.position, policy.id)
        if best is None or key < best[0]:
            best = (key, policy)
    return best[1] if best is not None else None


@dataclass(frozen=True, slots=True)
class TargetState:
    """Where one target's clock stands at ``now``.

    ``elapsed_seconds`` is running office time since ``started_at`` (floored);
    ``remaining_seconds`` is the target minus that, negative once overdue. ``due_at`` is
    when the target runs out if the clock keeps running: ``None`` while ``paused`` (the
    remaining time is still reported) and once ``completed_at`` is set; for an overdue,
    running clock it is the past instant of the breach. ``breached_at`` is the instant
    the target ran out before completion, if it did, whether or not it is still running.
    """

    target_minutes: int
    started_at: datetime
    elapsed_seconds: int
    remaining_seconds: int
    paused: bool
    due_at: datetime | None
    breached_at: datetime | None
    completed_at: datetime | None

    @property
    def breached(self) -> bool:
        return self.breached_at is not None


def target_state(
    calendar: BusinessCalendar,
    history: Sequence[HistoryEntry],
    started_at: datetime,
    target_minutes: int,
    completed_at: datetime | None,
    now: datetime,
) -> TargetState:
    """Run one target's clock from ``started_at`` until ``completed_at`` or ``now``.

    Completion exactly when the target runs out meets it; a completion after ``now``
    (a clock slightly behind) is not yet a completion.
    """
    started_at = require_aware(started_at, "started_at")
    now = require_aware(now, "now")
    if completed_at is not None:
        completed_at = require_aware(completed_at, "completed_at")
        if completed_at > now:
            completed_at = None
    target = timedelta(minutes=target_minutes)
    stop = completed_at if completed_at is not None else now
    elapsed = timedelta(0)
    breached_at: datetime | None = None
    running_now = False
    for span in spans(history, stop):
        start = max(span.start, started_at)
        if span.clock not in RUNNING:
            continue
        if span.current:
            running_now = True
        if start >= span.end:
            continue
        worked = calendar.working_time(start, span.end)
        if breached_at is None and elapsed + worked >= target:
            instant = calendar.add_working_time(start, target - elapsed)
            if completed_at is None or instant < completed_at:
                breached_at = instant
        elapsed += worked
    paused = completed_at is None and not running_now
    due_at: datetime | None = None
    if completed_at is None and not paused:
        due_at = breached_at or calendar.add_working_time(now, target - elapsed)
    elapsed_seconds = elapsed // _SECOND
    return TargetState(
        target_minutes=target_minutes,
        started_at=started_at,
        elapsed_seconds=elapsed_seconds,
        remaining_seconds=target_minutes * 60 - elapsed_seconds,
        paused=paused,
        due_at=due_at,
        breached_at=breached_at,
        completed_at=completed_at,
    )


def exchanges(
    inbound_at: Iterable[datetime], replies_at: Iterable[datetime]
) -> list[tuple[datetime, datetime | None]]:
    """The next-response exchanges of a case: ``(asked_at, answered_at or None)``.

    An exchange starts at the first customer message after the desk's last reply and ends
    at the desk's next reply. Customer messages before the first reply belong to the
    first-response target, so there are no exchanges until the desk has replied once. A
    reply stamped at the same instant as a customer message answers it.
    """
    inbound = sorted(require_aware(at, "inbound_at") for at in inbound_at)
    replies = sorted(require_aware(at, "replies_at") for at in replies_at)
    if not replies:
        return []
    result: list[tuple[datetime, datetime | None]] = []
    waiting_since: datetime | None = None
    events = sorted([(at, 0) for at in inbound] + [(at, 1) for at in replies])
    for at, is_reply in events:
        if at <= replies[0]:
            continue
        if is_reply:
            if waiting_since is not None:
                result.append((waiting_since, at))
                waiting_since = None
        elif waiting_since is None:
            waiting_since = at
    if waiting_since is not None:
        result.append((waiting_since, None))
    return result


@dataclass(frozen=True, slots=True)
class SlaStatus:
    """Each target's state; ``None`` where the policy sets no such target.

    ``next_response`` describes the latest exchange (``None`` also when there is none).
    """

    first_response: TargetState | None
    next_response: TargetState | None
    resolution: TargetState | None


def sla_status(
    targets: SlaTargets,
    calendar: BusinessCalendar,
    created_at: datetime,
    history: Sequence[HistoryEntry],
    first_response_at: datetime | None,
    closed_at: datetime | None,
    inbound_at: Sequence[datetime],
    replies_at: Sequence[datetime],
    now: datetime,
) -> SlaStatus:
    """All three targets of a case at ``now``.

    The first-response clock runs from creation to ``first_response_at``; the resolution
    clock from creation to ``closed_at`` (``None`` while the case is not closed; after a
    reopen pass ``None`` again and the clock resumes, with the closed time paused);
    the next-response clock from the latest unanswered customer message after the first
    reply (see :func:`exchanges`) to the reply to it.
    """
    first = resolution = following = None
    if targets.first_response is not None:
        first = target_state(
            calendar, history, created_at, targets.first_response, first_response_at, now
        )
    if targets.resolution is not None:
        resolution = target_state(calendar, history, created_at, targets.resolution, closed_at, now)
    if targets.next_response is not None:
        latest = exchanges(inbound_at, replies_at)
        if latest:
            asked_at, answered_at = latest[-1]
            following = target_state(
                calendar, history, asked_at, targets.next_response, answered_at, now
            )
    return SlaStatus(first, following, resolution)
