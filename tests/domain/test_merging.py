"""The merge rules as a table: which pairs of cases may be merged, and how each refusal
is reported."""

from __future__ import annotations

import pytest

from casedesk.domain.errors import CaseMerged, Conflict, DomainError, ValidationFailed
from casedesk.domain.merging import MergeSide, check_merge
from casedesk.domain.statuses import InternalStatus

S = InternalStatus
A, B, C = 1, 2, 3


def side(case_id: int, status: InternalStatus = S.OPEN, into: int | None = None) -> MergeSide:
    return MergeSide(case_id, status, into)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (side(A, s), side(B, t))
        for s in S
        if s != S.MERGED
        for t in S
        if t not in (S.MERGED, S.DELETED)
    ],
)
def test_allowed(source: MergeSide, target: MergeSide) -> None:
    check_merge(source, target)


@pytest.mark.parametrize(
    ("source", "target", "error", "says"),
    [
        (side(A), side(A), ValidationFailed, "itself"),
        (side(A, S.MERGED, C), side(B), CaseMerged, f"case {C}"),
        (side(A), side(B, S.MERGED, A), Conflict, "cycle"),
        (side(A), side(B, S.MERGED, C), CaseMerged, f"case {C}"),
        (side(A), side(B, S.DELETED), Conflict, "deleted"),
    ],
    ids=["itself", "source merged", "cycle", "target merged", "target deleted"],
)
def test_refused(source: MergeSide, target: MergeSide, error: type[DomainError], says: str) -> None:
    with pytest.raises(error) as err:
        check_merge(source, target)
    assert says in err.value.detail


def test_a_refusal_about_the_target_names_the_input_field() -> None:
    for target in (side(A), side(B, S.MERGED, A), side(B, S.DELETED)):
        with pytest.raises(DomainError) as err:
            check_merge(side(A), target)
        assert err.value.extra.get("field") == "into_case_id"
