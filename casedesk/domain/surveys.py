"""Rules of satisfaction surveys that need no I/O: the ratings, how long a survey may
be answered and an answer changed, which addresses never get one (machines, as for
automatic mail: a survey to an auto-responder or a bounce address would start a loop
or go nowhere), and the satisfaction figure reports show."""

from __future__ import annotations

from datetime import datetime, timedelta

RATINGS = ("good", "bad")
#: An answer may be changed for this long after it was first given.
CHANGE_WINDOW = timedelta(days=7)
#: A survey not answered in this time is closed.
ANSWER_WINDOW = timedelta(days=30)
#: What happens on its own after a bad rating (beside any trigger an admin builds).
BAD_RATING_ACTIONS = ("nothing", "reopen", "notify")
DEFAULT_CAP_DAYS = 14
MAX_CAP_DAYS = 365
MAX_COMMENT = 2000
#: Local parts of addresses that no person reads (RFC 2142 roles and the usual no-reply).
NO_REPLY_LOCALS = frozenset(
    {
        "noreply",
        "no-reply",
        "no_reply",
        "donotreply",
        "do-not-reply",
        "do_not_reply",
        "mailer-daemon",
        "postmaster",
        "bounce",
        "bounces",
        "notifications",
        "notification",
        "daemon",
    }
)
#: Reasons the email channel gives for automatic mail (``domain.mail.automatic_reason``).
AUTOMATIC_REASONS = frozenset({"bounce", "empty-return-path", "auto-submitted", "bulk"})


def is_no_reply_address(address: str) -> bool:
    """Whether ``address`` belongs to a machine: a no-reply or bounce address."""
    local = address.strip().lower().partition("@")[0]
    base = local.partition("+")[0]
    return not local or base in NO_REPLY_LOCALS or base.startswith(("noreply", "no-reply"))


def may_answer(sent_at: datetime, first_answered_at: datetime | None, now: datetime) -> bool:
    """Whether a survey takes an answer now: unanswered within ``ANSWER_WINDOW`` of being
    sent, or answered and still within ``CHANGE_WINDOW`` of the first answer."""
    if first_answered_at is None:
        return now <= sent_at + ANSWER_WINDOW
    return now <= first_answered_at + CHANGE_WINDOW


def capped(last_sent_at: datetime | None, now: datetime, cap_days: int) -> bool:
    """Whether a contact surveyed at ``last_sent_at`` must not get another one yet."""
    return last_sent_at is not None and now < last_sent_at + timedelta(days=cap_days)


def satisfaction(good: int, bad: int) -> float | None:
    """Good answers as a percentage of all answers (one decimal), None with no answers."""
    total = good + bad
    return round(100 * good / total, 1) if total else None
