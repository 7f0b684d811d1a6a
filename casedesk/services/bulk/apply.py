"""Applying the change of a bulk request to one case, through the single-case use-cases.

Every step is the same call a person changing that one case would make (``update_case``,
``add_tag``/``remove_tag``, ``merge_case``), so rights, group segregation, the history,
the audit record and the outbox event are those of a change made alone. A case that
cannot be changed gives a :class:`Failure` saying why; the others go on.
"""

from __future__ import annotations

from casedesk.domain.errors import (
    CaseMerged,
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from casedesk.domain.permissions import Principal
from casedesk.services.bulk.schemas import PATCH_FIELDS, BulkChange, Failure
from casedesk.services.cases import core, merging, tags
from casedesk.services.cases.schemas import CasePatch
from casedesk.services.rules import definitions as rule_definitions
from casedesk.services.rules import macros
from casedesk.store.db import Database

#: Why a case failed, by the error the use-case raised (most specific first).
REASONS: tuple[tuple[type[DomainError], str], ...] = (
    (CaseMerged, "merged"),
    (Conflict, "conflict"),
    (PreconditionFailed, "version-conflict"),
    (Forbidden, "permissions"),
    (NotFound, "not-found"),
    (ValidationFailed, "invalid"),
)


def reason_of(exc: DomainError) -> str:
    for kind, reason in REASONS:
        if isinstance(exc, kind):
            return reason
    return exc.code


def patch_of(change: BulkChange) -> CasePatch | None:
    """The plain field part of the change as one case update (None when it has none)."""
    fields = change.model_fields_set & PATCH_FIELDS
    if not fields:
        return None
    return CasePatch.model_validate(change.model_dump(include=set(fields)))


def apply_one(
    db: Database,
    principal: Principal,
    case_id: int,
    change: BulkChange,
    version: int | None = None,
) -> Failure | None:
    """Change one case; None when it was changed, else why not."""
    try:
        patch = patch_of(change)
        expected = {version} if version is not None else None
        if patch is not None or expected is not None:
            # Also the version check (If-Match) and the read/edit rights of the case.
            core.update_case(
                db, principal, case_id, patch or CasePatch(), expected_versions=expected
            )
        for name in change.add_tags:
            tags.add_tag(db, principal, case_id, name)
        for name in change.remove_tags:
            tags.remove_tag(db, principal, case_id, name)
        # A macro after the fields and tags, before merging (a merged case accepts no
        # further change).
        if change.macro_id is not None:
            macros.apply_macro(db, principal, change.macro_id, case_id)
        if change.merge_into_id is not None and change.merge_into_id != case_id:
            merging.merge_case(db, principal, case_id, change.merge_into_id)
    except DomainError as exc:
        return Failure(case_id=case_id, reason=reason_of(exc), detail=exc.detail)
    return None


def check(db: Database, principal: Principal, change: BulkChange) -> None:
    """Refuse, before any case is touched, a macro the caller may not apply."""
    if change.macro_id is None:
        return
    try:
        rule_definitions.get_rule(db, principal, "macro", change.macro_id)
    except NotFound:
        raise ValidationFailed(
            "no macro with this id that you may apply", field="change.macro_id"
        ) from None
