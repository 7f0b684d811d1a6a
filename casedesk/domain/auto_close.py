"""Auto-close with a chaser (ITFlow): quiet cases in an auto-close status close themselves.

A case put into an auto-close status is waiting for the customer. After ``chaser_after`` a
friendly chaser goes out ("is this solved for you?"); ``close_after`` later, if the case is
still in the status, it is closed for good. With no chaser (``chaser_after`` None or zero)
the case closes ``close_after`` after entering the status.

The rule looks only at two instants: when the case *entered* the auto-close status and when
the chaser was sent. "Nothing happened" is therefore expressed by the caller: a customer
reply (or anything else that should stop the countdown) moves the case out of the status,
and putting it back starts a new countdown with a new ``entered_at``. A chaser sent before
``entered_at`` belongs to an earlier stay in the status and is ignored, so a forgotten reset
of ``chaser_sent_at`` cannot close a case without warning.

The customer always gets the whole ``close_after`` after the chaser: if the job was down
and both periods have passed, the chaser is sent first and the case closes later.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum

from casedesk.domain.errors import ValidationFailed


class Action(StrEnum):
    NOTHING = "nothing"
    SEND_CHASER = "send_chaser"
    CLOSE = "close"


def auto_close_step(
    entered_at: datetime,
    chaser_sent_at: datetime | None,
    now: datetime,
    chaser_after: timedelta | None,
    close_after: timedelta,
) -> Action:
    """What the job does now with a case that is in an auto-close status.

    Deadlines are inclusive: at exactly ``entered_at + chaser_after`` the chaser is due.
    After SEND_CHASER the caller records ``chaser_sent_at`` (the instant it was queued);
    after CLOSE it closes the case.
    """
    now = _as_utc(now, "now")
    if now < next_check_at(entered_at, chaser_sent_at, chaser_after, close_after):
        return Action.NOTHING
    if _chaser_delay(chaser_after) and _current_chaser(entered_at, chaser_sent_at) is None:
        return Action.SEND_CHASER
    return Action.CLOSE


def next_check_at(
    entered_at: datetime,
    chaser_sent_at: datetime | None,
    chaser_after: timedelta | None,
    close_after: timedelta,
) -> datetime:
    """When :func:`auto_close_step` next answers something other than NOTHING.

    A job can store this per case and look only at cases whose time has come; a value in
    the past means "now".
    """
    entered_at = _as_utc(entered_at, "entered_at")
    _validate(chaser_after, close_after)
    sent = _current_chaser(entered_at, chaser_sent_at)
    if sent is not None:
        # Also when the chaser has since been switched off: the customer was promised time.
        return sent + close_after
    delay = _chaser_delay(chaser_after)
    if delay is not None:
        return entered_at + delay
    return entered_at + close_after


def _chaser_delay(chaser_after: timedelta | None) -> timedelta | None:
    """None or zero both mean "no chaser"."""
    return chaser_after if chaser_after is not None and chaser_after > timedelta(0) else None


def _current_chaser(entered_at: datetime, chaser_sent_at: datetime | None) -> datetime | None:
    if chaser_sent_at is None:
        return None
    sent = _as_utc(chaser_sent_at, "chaser_sent_at")
    return sent if sent >= _as_utc(entered_at, "entered_at") else None


def _validate(chaser_after: timedelta | None, close_after: timedelta) -> None:
    if chaser_after is not None and chaser_after < timedelta(0):
        raise ValidationFailed("chaser_after cannot be negative", field="chaser_after")
    if close_after <= timedelta(0):
        raise ValidationFailed("close_after must be positive", field="close_after")


def _as_utc(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationFailed(f"{field} must be timezone-aware", field=field)
    return value.astimezone(UTC)
