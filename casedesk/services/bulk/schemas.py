"""What a bulk request says: which cases (ids or a list filter) and the change."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from casedesk.services.cases.schemas import TagName

Id = Annotated[int, Field(ge=1, le=2**53)]
#: Most cases one request may name by id (a filter may match more).
MAX_IDS = 50_000
#: Fields of the change that are plain case fields (applied as one case update).
PATCH_FIELDS = frozenset({"status_id", "priority_id", "queue_id", "group_id", "assignee_id"})


class BulkChange(BaseModel):
    """The change made to every case; only the fields present are applied.
    ``assignee_id: null`` unassigns. ``merge_into_id`` merges each case into that one
    (the target itself is left alone); ``macro_id`` applies that macro to each case."""

    model_config = ConfigDict(extra="forbid")

    status_id: Id | None = None
    priority_id: Id | None = None
    queue_id: Id | None = None
    group_id: Id | None = None
    assignee_id: Id | None = None
    add_tags: Annotated[list[TagName], Field(max_length=20)] = []
    remove_tags: Annotated[list[TagName], Field(max_length=20)] = []
    merge_into_id: Id | None = None
    #: A macro (``/api/v1/macros``) the caller may apply, applied to each case as they
    #: would apply it alone.
    macro_id: Id | None = None

    @model_validator(mode="after")
    def _something(self) -> BulkChange:
        if not self.model_fields_set - {"add_tags", "remove_tags"} and not (
            self.add_tags or self.remove_tags
        ):
            raise ValueError("the change is empty")
        for name in PATCH_FIELDS - {"assignee_id"}:
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        if "merge_into_id" in self.model_fields_set and self.merge_into_id is None:
            raise ValueError("merge_into_id cannot be null")
        return self


class BulkRequest(BaseModel):
    """The cases, by ``ids`` or by ``filter`` (a case list's query string, as the
    console's list or ``GET /cases`` takes it), and the change. ``versions`` (case id →
    version the caller saw) refuses a case changed since, as a version conflict."""

    model_config = ConfigDict(extra="forbid")

    ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_IDS)] | None = None
    filter: Annotated[str, Field(max_length=4000)] | None = None
    versions: dict[int, Annotated[int, Field(ge=0)]] | None = None
    change: BulkChange

    @model_validator(mode="after")
    def _one_selection(self) -> BulkRequest:
        if (self.ids is None) == (self.filter is None):
            raise ValueError("give either ids or filter")
        return self


class Failure(BaseModel):
    case_id: int
    #: permissions | not-found | merged | version-conflict | invalid | conflict
    reason: str
    detail: str


class BulkSummary(BaseModel):
    total: int
    succeeded: int
    failed: int
    failures: list[Failure]


class BulkJobOut(BaseModel):
    id: int
    state: str
    total: int
    done: int
    failed: int
    #: ``done / total`` (1 when finished).
    progress: float
    failures: list[Failure]
    error: str | None
    url: str
