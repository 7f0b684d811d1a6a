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
    """A contact as it was sent: a name with its channels, or registered users."""

    model_config = ConfigDict(extra="allow")

    type: str


class Location(BaseModel):
    ibx: list[str]


class AdditionalInfo(BaseModel):
    key: str
    value: Any


class StatusHistoryItem(BaseModel):
    status: str
    createdDate: str


class OtherDetails(BaseModel):
    """Every field of the seed's sample; "none" is ``""`` or ``[]``, as the seed writes
    ``requestedTerminationDate``."""

    contactUCMID: str
    recordType: str
    subChannel: str
    finalScheduledDate: str
    category: str
    subCategory: str
    description: str
    updatedDateTime: str
    updatedByFullName: str
    requestedTerminationDate: str
    statusHistory: list[StatusHistoryItem]
    purchaseOrders: list[str]
    products: list[str]
    productOfferingCodes: list[str]
    details: list[dict[str, Any]]
    additionalInfo: list[AdditionalInfo]
    modifiable: bool
    reOpen: bool
    cancellable: bool
    respond: bool


class CaseResponse(BaseModel):
    id: Annotated[str, Field(min_length=8, max_length=100)]
    accountNumber: Annotated[str, Field(min_length=6, max_length=100)]
    accountName: str
    customerReferenceId: str
    channel: Literal["OFFLINE", "PORTAL"]
    orderId: Annotated[str, Field(min_length=14, max_length=100)]
    location: Location
    status: str
    contacts: list[ContactResponse]
    createdDateTime: str
    otherDetails: OtherDetails
