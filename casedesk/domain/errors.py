"""Errors raised by domain rules and use-cases.

Each error carries its meaning; the HTTP faces map the class to a status code in one
place (``casedesk.api.errors`` for the native API, each dialect for its own body shape).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class. ``code`` is a stable machine-readable slug."""

    code = "error"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    """The thing does not exist, or the caller may not see it (indistinguishable on purpose)."""

    code = "not-found"


class ValidationFailed(DomainError):
    """Input breaks a rule; ``field`` names the offending input when there is one."""

    code = "validation-failed"

    def __init__(self, detail: str, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail, field=field, **extra)
        self.field = field


class Conflict(DomainError):
    """The request is valid but the current state forbids it."""

    code = "conflict"


class CaseMerged(Conflict):
    """A merged case accepts no updates; the target is named so the caller can follow it."""

    code = "case-merged"

    def __init__(self, case_id: int, merged_into_id: int | None) -> None:
        super().__init__(
            f"case {case_id} was merged into case {merged_into_id}; update that case instead",
            merged_into_id=merged_into_id,
        )
        self.merged_into_id = merged_into_id


class PreconditionFailed(DomainError):
    """The caller's version (If-Match) is not the current one."""

    code = "precondition-failed"


class Forbidden(DomainError):
    """The caller can see the thing but lacks the permission for this operation."""

    code = "forbidden"


class Unauthenticated(DomainError):
    code = "unauthenticated"


class IdempotencyMismatch(DomainError):
    """The Idempotency-Key was used before with a different request body."""

    code = "idempotency-key-reused"


class PayloadTooLarge(DomainError):
    code = "payload-too-large"


class TooManyAttempts(DomainError):
    """Too many failed sign-ins for one account or from one client; try again later."""

    code = "too-many-attempts"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.retry_after = retry_after


class MalformedBody(ValidationFailed):
    """The body cannot be read safely: nested too deeply, or a number out of range."""

    code = "malformed-body"


class RateLimited(TooManyAttempts):
    """A token used up the requests of its rate window; try again when it ends."""

    code = "rate-limited"
