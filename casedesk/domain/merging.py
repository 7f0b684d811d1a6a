"""Which merges are allowed.

Merging case A into case B moves A's messages, attachments, followers and tags to B and
leaves A Merged, pointing at B. A merged case accepts no updates (``check_updatable``), so
it can never be merged again nor be merged into: every chain of merges ends in a case
that is not merged, and no chain can close into a loop. The one loop a caller can ask
for, merging A into a case that was merged into A, is named as such.
"""

from __future__ import annotations

from dataclasses import dataclass

from casedesk.domain.errors import CaseMerged, Conflict, ValidationFailed
from casedesk.domain.statuses import InternalStatus, check_updatable

#: The input field that names the target case.
FIELD = "into_case_id"


@dataclass(frozen=True, slots=True)
class MergeSide:
    """What the rules need of each case."""

    id: int
    status: InternalStatus
    merged_into_id: int | None


def check_merge(source: MergeSide, target: MergeSide) -> None:
    """Refuse merging ``source`` into ``target`` unless both are distinct, ``source``
    accepts updates, and ``target`` is neither merged nor deleted."""
    if source.id == target.id:
        raise ValidationFailed("a case cannot be merged into itself", field=FIELD)
    check_updatable(source.id, source.status, source.merged_into_id)
    if target.merged_into_id == source.id:
        raise Conflict(
            f"case {target.id} was merged into case {source.id}; merging case {source.id} "
            f"into it would make a cycle",
            field=FIELD,
        )
    if target.status == InternalStatus.MERGED:
        raise CaseMerged(target.id, target.merged_into_id)
    if target.status == InternalStatus.DELETED:
        raise Conflict(
            f"case {target.id} is deleted; restore it first or merge into another case",
            field=FIELD,
        )
