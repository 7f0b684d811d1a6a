"""The ITX EMS case as it travels: field names exactly as the seed's attribute table.

Input and output share these models, so a client can post back a case it read. What the
server owns (``seqNo``, the timestamps, ``creator``, ``logs``, ``coreFileReferences``,
names inside references) is accepted on input and ignored; unknown keys are ignored too,
as ITX's own API does, so clients built against a newer ITX model keep working.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

Id = Annotated[int, Field(ge=1, le=2**53)]

ACTIVITY_TYPE_CASE = 15
#: ``tblId`` and ``type`` of a case attachment upload (static in ITX).
COREFILE_TABLE_CASE = 35007
COREFILE_TYPE_CASE = 3
#: ``type`` of the ems status list.
STATUS_LIST_TYPE = 35013


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Corporation(Wire):
    corpId: Id | None = None
    name: str | None = None


class EntityExtension(Wire):
    eeexId: Id | None = None
    name: str | None = None


class Category(Wire):
    ctnoId: Id | None = None
    name: str | None = None
    parent: Category | None = None


class Priority(Wire):
    """The seed spells the key ``emprId`` and, in its example, ``empriId``: both are
    read; ``emprId`` is written."""

    emprId: Id | None = None
    name: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _either_spelling(cls, data: Any) -> Any:
        if isinstance(data, dict) and "empriId" in data and data.get("emprId") is None:
            data = {k: v for k, v in data.items() if k != "empriId"} | {"emprId": data["empriId"]}
        return data


class EmsStatus(Wire):
    emstId: Id | None = None
    name: str | None = None
    internalStatus: Annotated[int, Field(ge=1, le=8)] | None = None


class Queue(Wire):
    ucquId: Id | None = None
    name: str | None = None


class User(Wire):
    userId: Id | None = None
    name: str | None = None
    email: str | None = None


class Member(Wire):
    """An activity member: ``role`` 1 assigned user, 2 case follower, 20 contact; active
    while ``startTs`` is set and ``endTs`` is not."""

    acmeId: int | None = None
    role: Literal[1, 2, 20]
    user: User | None = None
    entityExtension: EntityExtension | None = None
    startTs: datetime | None = None
    endTs: datetime | None = None


class Link(Wire):
    type: Literal["parent", "child", "related", "mergedInto", "mergedFrom"]
    eactId: Id


class Text(Wire):
    """A case comment: ``internal`` ones are notes, the others go to the customer."""

    actxId: int | None = None
    text: Annotated[str, Field(min_length=1, max_length=1_000_000)]
    internal: bool = True
    creationTs: datetime | None = None
    creator: User | None = None


class Log(Wire):
    logId: int
    action: str
    creationTs: datetime
    creator: User | None = None
    changes: dict[str, Any] = Field(default_factory=dict)


class EmsTag(Wire):
    name: Annotated[str, Field(min_length=1, max_length=100)]


class CoreFileReference(Wire):
    cofiId: int
    fileName: str
    contentType: str
    size: int
    creationTs: datetime


class PropValue(Wire):
    name: Annotated[str, Field(min_length=1, max_length=64)]
    value: str | float | int | bool | None = None


class Case(Wire):
    eactId: Id | None = None
    corporation: Corporation | None = None
    activityType: int | None = ACTIVITY_TYPE_CASE
    seqNo: int | None = None
    status: Annotated[int, Field(ge=1, le=8)] | None = None
    description: Annotated[str, Field(max_length=500)] | None = None
    creationTs: datetime | None = None
    updateTs: datetime | None = None
    creator: User | None = None
    entityExtension: EntityExtension | None = None
    category: Category | None = None
    priority: Priority | None = None
    emsStatus: EmsStatus | None = None
    emsStatusChangeTs: datetime | None = None
    internalUpdateTs: datetime | None = None
    externalUpdateTs: datetime | None = None
    deadlineTs: AwareDatetime | None = None
    emsStatusLastOpen: EmsStatus | None = None
    queue: Queue | None = None
    onHoldToTs: AwareDatetime | None = None
    onHoldComment: Annotated[str, Field(max_length=2000)] | None = None
    members: Annotated[list[Member], Field(max_length=100)] | None = None
    links: Annotated[list[Link], Field(max_length=1000)] | None = None
    texts: Annotated[list[Text], Field(max_length=1000)] | None = None
    logs: list[Log] | None = None
    emsTags: Annotated[list[EmsTag], Field(max_length=50)] | None = None
    coreFileReferences: list[CoreFileReference] | None = None
    propValues: Annotated[list[PropValue], Field(max_length=200)] | None = None


class SearchRequest(Wire):
    """Filters of ``POST /itxems/cases/search``; each list matches any of its values.
    ``page`` counts from 0."""

    status: list[Annotated[int, Field(ge=1, le=8)]] = Field(default_factory=list)
    emstId: list[Id] = Field(default_factory=list)
    ctnoId: list[Id] = Field(default_factory=list)
    emprId: list[Id] = Field(default_factory=list)
    ucquId: list[Id] = Field(default_factory=list)
    eeexId: list[Id] = Field(default_factory=list)
    assignedUserId: list[Id] = Field(default_factory=list)
    emsTag: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(default_factory=list)
    query: Annotated[str, Field(max_length=500)] | None = None
    createdFrom: AwareDatetime | None = None
    createdTo: AwareDatetime | None = None
    updatedFrom: AwareDatetime | None = None
    updatedTo: AwareDatetime | None = None
    includeDeleted: bool = False
    page: Annotated[int, Field(ge=0, le=10_000)] = 0
    size: Annotated[int, Field(ge=1, le=200)] = 25


class SearchPage(Wire):
    content: list[Case]
    page: int
    size: int
    totalElements: int
    totalPages: int


class CategoryOut(Wire):
    ctnoId: int
    name: str
    parent: Category | None = None


class StatusOut(Wire):
    emstId: int
    name: str
    internalStatus: int
    isDefault: bool


class PriorityOut(Wire):
    emprId: int
    name: str
    isDefault: bool


class QueueOut(Wire):
    ucquId: int
    name: str
