"""The Case Management API 2.0 wire format (seed 004), with its constraints."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Attachment(_In):
    id: Annotated[str, Field(min_length=1, max_length=100)]
    name: Annotated[str, Field(min_length=1, max_length=255)] | None = None


class ContactDetail(_In):
    type: Literal["PHONE", "EMAIL"]
    value: Annotated[str, Field(min_length=1, max_length=320)]


class ContactRequestRegisteredUser(_In):
    type: Literal["NOTIFICATION", "TECHNICAL"]
    registeredUsers: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=200)]],
        Field(min_length=1, max_length=20),
    ]


class ContactRequestNonRegisteredUser(_In):
    type: Literal["NOTIFICATION", "TECHNICAL"]
    firstName: Annotated[str, Field(min_length=1, max_length=100)]
    lastName: Annotated[str, Field(min_length=1, max_length=100)]
    details: Annotated[list[ContactDetail], Field(min_length=1, max_length=10)]


class Uploaded(BaseModel):
    """The answer to an upload: the attachment reference create and modify take."""

    id: str
    name: str


Attachments = Annotated[list[Attachment], Field(max_length=5)]


class CaseCreate(_In):
    code: Annotated[str, Field(min_length=1, max_length=100)]
    description: Annotated[str, Field(min_length=1, max_length=4000)]
    primaryId: Annotated[str, Field(min_length=1, max_length=100)]
    secondaryId: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    occurredDateTime: AwareDatetime | None = None
    customerReferenceId: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    attachments: Attachments = Field(default_factory=list)
    contacts: Annotated[
        list[ContactRequestRegisteredUser | ContactRequestNonRegisteredUser], Field(max_length=20)
    ] = Field(default_factory=list)
    details: dict[str, Any] | None = None


class CaseCreated(BaseModel):
    id: str
    type: Literal["CASE", "TROUBLE"]


class CaseModify(_In):
    text: Annotated[str, Field(min_length=1, max_length=4000)]
    attachments: Attachments = Field(default_factory=list)
    visibility: Literal["INTERNAL", "EXTERNAL"] = "EXTERNAL"


class CaseCancel(_In):
    reason: Annotated[str, Field(min_length=1, max_length=4000)]


class NoteResult(BaseModel):
    CaseId: str
    CaseNotesId: str
    CaseNumber: str


class NoteResponse(BaseModel):
    result: NoteResult


class ContactResponse(BaseModel):
    firstName: str
    lastName: str
    type: str
    details: list[ContactDetail]


class StatusHistoryItem(BaseModel):
    status: str
    createdDate: str


class OtherDetails(BaseModel):
    category: str | None
    description: str
    updatedDateTime: str
    updatedByFullName: str | None
    statusHistory: list[StatusHistoryItem]
    modifiable: bool
    cancellable: bool
    reOpen: bool
    respond: bool


class CaseResponse(BaseModel):
    id: str
    accountNumber: str | None
    accountName: str | None
    customerReferenceId: str | None
    channel: Literal["OFFLINE", "PORTAL"]
    orderId: str | None
    status: str
    contacts: list[ContactResponse]
    createdDateTime: str
    otherDetails: OtherDetails
