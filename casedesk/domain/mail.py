"""Rules of the email channel that need no I/O: the case token in subjects, which mail
is automatic (and must never be answered automatically), header text that cannot
inject headers, and the retry schedule of outgoing mail."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime, timedelta

from casedesk.domain.numbering import format_case_number

#: Precedence values that mark list and bulk mail (RFC 2076; RFC 3834 section 2).
BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})
#: Local parts of senders that only send delivery reports.
BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})
#: Reply and forward prefixes in common languages, stripped from a new case's title.
_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|vs|tr|rv)\s*(\[\d+\])?\s*:\s*)+", re.I)

FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)


def subject_token(prefix: str, number: int) -> str:
    """``[TCK-12]``: how a case is named in the subject of every mail about it."""
    return f"[{format_case_number(prefix, number)}]"


def find_case_number(prefix: str, subject: str) -> int | None:
    """The case number of the first ``[PREFIX123]`` token in ``subject``."""
    found = re.search(r"\[" + re.escape(prefix) + r"(\d{1,9})\]", subject, re.I)
    return int(found.group(1)) if found else None


def tagged_subject(prefix: str, number: int, subject: str) -> str:
    """``subject`` with the case token, added once."""
    token = subject_token(prefix, number)
    return subject if token.lower() in subject.lower() else f"{subject} {token}".strip()


def title_from_subject(subject: str, limit: int = 500) -> str:
    title = _REPLY_PREFIX.sub("", header_text(subject)).strip()
    return title[:limit] or "(no subject)"


def automatic_reason(headers: Mapping[str, str], content_type: str, sender: str) -> str | None:
    """Why a mail counts as sent by a machine, or None for a person's mail.

    ``headers`` maps lower-case header names to their values. A mail is automatic when
    it says so (``Auto-Submitted`` other than ``no``, RFC 3834), is list or bulk mail
    (``Precedence``, ``List-Id``), is an auto-responder's (``X-Autoreply``,
    ``X-Autorespond``, ``X-Auto-Response-Suppress`` from Exchange's own replies), or is a
    delivery report (``multipart/report``, an empty Return-Path, a mailer-daemon sender).
    """
    if content_type.lower() == "multipart/report":
        return "bounce"
    local = sender.partition("@")[0].lower()
    if local in BOUNCE_SENDERS:
        return "bounce"
    if headers.get("return-path", "").strip() == "<>":
        return "empty-return-path"
    auto = headers.get("auto-submitted", "").strip().lower()
    if auto and not auto.startswith("no"):
        return "auto-submitted"
    if headers.get("precedence", "").strip().lower() in BULK_PRECEDENCE:
        return "bulk"
    if "list-id" in headers:
        return "bulk"
    if any(h in headers for h in ("x-autoreply", "x-autorespond")):
        return "auto-submitted"
    return None


def header_text(value: str, limit: int = 998) -> str:
    """``value`` as one line of header text: control characters (CR and LF among them,
    which would start a new header) become spaces, runs of space fold to one."""
    cleaned = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in value)
    return " ".join(cleaned.split())[:limit]


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before delivery attempt ``attempts + 1``: 30 s, doubling, at
    most an hour."""
    delay: timedelta = FIRST_RETRY * (2 ** min(max(attempts - 1, 0), 16))
    return min(delay, LONGEST_RETRY)


def hour_of(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)
