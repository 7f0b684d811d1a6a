"""Clock classes and the time metrics of a case, computed from its status history.

Seed 001 reports, per case, how long it took to reply and to close, and how long it spent
being worked on (internally), waiting for the customer (externally) and waiting to be
picked up (queue), each once in the priority's office hours and once 24x7 ("Real").
Those metrics only make sense if every status says which clock it runs, so each status
has a *clock class*. The internal status gives a default; a user-defined status may
override it (a "New" status that counts as queue, a "Waiting for vendor" Open status that
counts as external, ...).

The status history is the single source: a list of ``(entered_at, clock_class)`` pairs in
order, the first at creation. A span runs from one entry to the next; the last, open-ended
span is the *current state*, which the time-spent metrics do not include (seed 001: "not
including current state"), so they only change when the status does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from types import MappingProxyType

from casedesk.domain.calendars import ALWAYS, BusinessCalendar, require_aware
from casedesk.domain.statuses import InternalStatus

_MINUTE = timedelta(minutes=1)
_SECOND = timedelta(seconds=1)


class ClockClass(StrEnum):
    """Which clock a status runs."""

    INTERNAL = "internal"  # someone here is working on it
    EXTERNAL = "external"  # waiting on the customer
    QUEUE = "queue"  # not yet picked up
    STOPPED = "stopped"  # no clock runs: on hold, closed, deleted, merged, spam


#: The clock class of each internal status unless its user status says otherwise.
DEFAULT_CLOCK_CLASSES: Mapping[InternalStatus, ClockClass] = MappingProxyType(
    {
        InternalStatus.OPEN: ClockClass.INTERNAL,
        InternalStatus.AWAITING_INTERNAL: ClockClass.INTERNAL,
        InternalStatus.AWAITING_EXTERNAL: ClockClass.EXTERNAL,
        InternalStatus.ON_HOLD: ClockClass.STOPPED,
        InternalStatus.CLOSED: ClockClass.STOPPED,
        InternalStatus.DELETED: ClockClass.STOPPED,
        InternalStatus.MERGED: ClockClass.STOPPED,
        InternalStatus.SPAM: ClockClass.STOPPED,
    }
)

#: One status-history entry: when the status was entered and the clock class it runs.
HistoryEntry = tuple[datetime, ClockClass]


def clock_class_for(internal: InternalStatus, override: ClockClass | None = None) -> ClockClass:
    """The clock class of a status: the user status's own choice, else its internal default."""
    return override if override is not None else DEFAULT_CLOCK_CLASSES[internal]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of time in one clock class; ``current`` marks the open-ended last one."""

    start: datetime
    end: datetime
    clock: ClockClass
    current: bool


def spans(history: Sequence[HistoryEntry], now: datetime) -> list[Span]:
    """The history as spans up to ``now``; the current state's span ends at ``now``.

    Entries after ``now`` are ignored (a clock a little behind another process's must not
    produce negative spans). Raises ``ValueError`` for naive datetimes or an unordered
    history, which are programming errors in the caller, not user input.
    """
    now = require_aware(now, "now")
    entries = [(require_aware(at, "history entry"), clock) for at, clock in history]
    for (earlier, _), (later, _) in pairwise(entries):
        if later < earlier:
            raise ValueError("the status history must be ordered by entered_at")
    result: list[Span] = []
    for index, (start, clock) in enumerate(entries):
        if start > now:
            break
        is_last = index + 1 == len(entries) or entries[index + 1][0] > now
        end = now if is_last else entries[index + 1][0]
        result.append(Span(start, end, clock, is_last))
    return result


@dataclass(frozen=True, slots=True)
class CaseTimes:
    """Seed 001's computed time fields for one case.

    ``time_to_*`` are whole minutes (floored) of office time in the priority's calendar,
    ``real_time_to_*`` whole minutes of wall time; both are ``None`` while the case has no
    reply / is not closed. ``time_spent_*`` are whole seconds (floored) of office time,
    ``real_time_spent_*`` of wall time, summed over every span but the current one.
    """

    first_response_at: datetime | None
    closed_at: datetime | None
    time_to_reply: int | None
    real_time_to_reply: int | None
    time_to_close: int | None
    real_time_to_close: int | None
    time_spent_internally: int
    time_spent_externally: int
    time_spent_queue: int
    real_time_spent_internally: int
    real_time_spent_externally: int
    real_time_spent_queue: int


def case_times(
    created_at: datetime,
    history: Sequence[HistoryEntry],
    first_response_at: datetime | None,
    closed_at: datetime | None,
    calendar: BusinessCalendar,
    now: datetime,
) -> CaseTimes:
    """Compute :class:`CaseTimes` as of ``now``.

    ``calendar`` is the calendar of the case's priority ("calculated based on priority's
    timeframe"). ``closed_at`` is when the case was last closed, ``None`` while it is not
    closed. A reply or close stamped before creation (imported data) counts as zero.
    Time before the first history entry belongs to no class.
    """
    created_at = require_aware(created_at, "created_at")
    office: dict[ClockClass, timedelta] = dict.fromkeys(ClockClass, timedelta(0))
    real: dict[ClockClass, timedelta] = dict.fromkeys(ClockClass, timedelta(0))
    for span in spans(history, now):
        if span.current:
            continue
        office[span.clock] += calendar.working_time(span.start, span.end)
        real[span.clock] += ALWAYS.working_time(span.start, span.end)
    reply = _minutes(created_at, first_response_at, calendar, "first_response_at")
    close = _minutes(created_at, closed_at, calendar, "closed_at")
    return CaseTimes(
        first_response_at=reply[0],
        closed_at=close[0],
        time_to_reply=reply[1],
        real_time_to_reply=reply[2],
        time_to_close=close[1],
        real_time_to_close=close[2],
        time_spent_internally=office[ClockClass.INTERNAL] // _SECOND,
        time_spent_externally=office[ClockClass.EXTERNAL] // _SECOND,
        time_spent_queue=office[ClockClass.QUEUE] // _SECOND,
        real_time_spent_internally=real[ClockClass.INTERNAL] // _SECOND,
        real_time_spent_externally=real[ClockClass.EXTERNAL] // _SECOND,
        real_time_spent_queue=real[ClockClass.QUEUE] // _SECOND,
    )


def _minutes(
    created_at: datetime, at: datetime | None, calendar: BusinessCalendar, name: str
) -> tuple[datetime | None, int | None, int | None]:
    """``(at in UTC, office minutes, wall minutes)`` from creation to ``at``, or Nones."""
    if at is None:
        return None, None, None
    at = require_aware(at, name)
    return (
        at,
        calendar.working_time(created_at, at) // _MINUTE,
        ALWAYS.working_time(created_at, at) // _MINUTE,
    )
