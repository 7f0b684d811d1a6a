"""The TicketEntity and the carriers inside it, with seed 001's property names.

One model serves requests and responses: on save every property is optional and the
read-only ones are ignored; a response fills them all. Carriers the seed names without
listing their properties (Associate, TicketCategoryEntity, TicketPriorityEntity,
TicketStatusEntity, TableRight) use SuperOffice's property names for them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

#: The seed types every integer property as int32.
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]


class _Carrier(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TableRightEntity(_Carrier):
    Mask: str | None = None
    Reason: str | None = None


class FieldProperty(_Carrier):
    FieldRight: TableRightEntity | None = None
    FieldType: str | None = None
    FieldLength: Int32 | None = None


class Associate(_Carrier):
    AssociateId: Int32 | None = None
    Name: str | None = None
    FullName: str | None = None
    FormalName: str | None = None
    UserName: str | None = None
    Deleted: bool | None = None


class TicketCategoryEntity(_Carrier):
    TicketCategoryId: Int32 | None = None
    ParentId: Int32 | None = None
    Name: str | None = None
    Fullname: str | None = None


class TicketPriorityEntity(_Carrier):
    TicketPriorityId: Int32 | None = None
    Name: str | None = None
    Rank: Int32 | None = None


class TicketStatusEntity(_Carrier):
    TicketStatusId: Int32 | None = None
    Name: str | None = None
    Status: str | None = None


class PersonEntity(_Carrier):
    Position: str | None = None
    PersonId: Int32 | None = None
    Mrmrs: str | None = None
    Firstname: str | None = None
    Lastname: str | None = None
    MiddleName: str | None = None
    Title: str | None = None
    Description: str | None = None
    Email: str | None = None
    FullName: str | None = None
    DirectPhone: str | None = None
    FormalName: str | None = None
    CountryId: Int32 | None = None
    ContactId: Int32 | None = None
    ContactName: str | None = None
    Retired: Int32 | None = None
    Rank: Int32 | None = None
    ActiveInterests: Int32 | None = None
    ContactDepartment: str | None = None
    ContactCountryId: Int32 | None = None
    ContactOrgNr: str | None = None
    FaxPhone: str | None = None
    MobilePhone: str | None = None
    ContactPhone: str | None = None
    AssociateName: str | None = None
    AssociateId: Int32 | None = None
    UsePersonAddress: bool | None = None
    ContactFax: str | None = None
    Kanafname: str | None = None
    Kanalname: str | None = None
    Post1: str | None = None
    Post2: str | None = None
    Post3: str | None = None
    EmailName: str | None = None
    ContactFullName: str | None = None
    ActiveErpLinks: Int32 | None = None
    TicketPriorityId: Int32 | None = None
    SupportLanguageId: Int32 | None = None
    SupportAssociateId: Int32 | None = None
    CategoryName: str | None = None
    PersonNumber: str | None = None
    TableRight: TableRightEntity | None = None
    FieldProperties: dict[str, FieldProperty] | None = None


class TicketMessageEntity(_Carrier):
    TicketMessageId: Int32 | None = None
    CreatedAt: datetime | None = None
    Slevel: str | None = None
    Important: bool | None = None
    Author: str | None = None
    PersonId: Int32 | None = None
    PersonFullName: str | None = None
    ContactId: Int32 | None = None
    ContactName: str | None = None
    ContactDepartment: str | None = None
    NumAttachments: Int32 | None = None
    EmailHeader: str | None = None
    MessageHeaders: list[dict[str, Any]] | None = None
    Language: str | None = None
    Sentiment: Int32 | None = None
    SentimentConfidence: Int32 | None = None
    CreatedBy: Int32 | None = None
    ChangedAt: datetime | None = None
    Badge: str | None = None
    TableRight: TableRightEntity | None = None
    FieldProperties: dict[str, FieldProperty] | None = None


class TagEntity(_Carrier):
    Id: Int32 | None = None
    Name: str | None = None
    ToolTip: str | None = None
    TableRight: TableRightEntity | None = None
    FieldProperties: dict[str, FieldProperty] | None = None


class TicketEntity(_Carrier):
    TicketId: Int32 | None = None
    Title: str | None = None
    CreatedAt: datetime | None = None
    LastChanged: datetime | None = None
    ReadByOwner: datetime | None = None
    ReadByCustomer: datetime | None = None
    FirstReadByOwner: datetime | None = None
    FirstReadByUser: datetime | None = None
    Activate: datetime | None = None
    ClosedAt: datetime | None = None
    RepliedAt: datetime | None = None
    AlertTimeout: datetime | None = None
    Deadline: datetime | None = None
    CreatedBy: Associate | None = None
    Author: str | None = None
    OwnedBy: Associate | None = None
    Category: TicketCategoryEntity | None = None
    Slevel: str | None = None
    Priority: TicketPriorityEntity | None = None
    BaseStatus: str | None = None
    Status: TicketStatusEntity | None = None
    Origin: str | None = None
    Person: PersonEntity | None = None
    SecondaryPersons: list[PersonEntity] | None = None
    AlertLevel: Int32 | None = None
    ConnectId: Int32 | None = None
    ReadStatus: str | None = None
    TimeToReply: Int32 | None = None
    RealTimeToReply: Int32 | None = None
    TimeToClose: Int32 | None = None
    RealTimeToClose: Int32 | None = None
    TimeSpentInternally: Int32 | None = None
    TimeSpentExternally: Int32 | None = None
    TimeSpentQueue: Int32 | None = None
    RealTimeSpentInternally: Int32 | None = None
    RealTimeSpentExternally: Int32 | None = None
    RealTimeSpentQueue: Int32 | None = None
    TimeSpent: Int32 | None = None
    HasAttachment: bool | None = None
    NumReplies: Int32 | None = None
    NumMessages: Int32 | None = None
    FromAddress: str | None = None
    Messages: list[TicketMessageEntity] | None = None
    Tags: list[TagEntity] | None = None
    Language: str | None = None
    Sentiment: Int32 | None = None
    SentimentConfidence: Int32 | None = None
    SuggestedCategoryId: Int32 | None = None
    SuggestedCategoryName: str | None = None
    OrigHumanCategoryId: Int32 | None = None
    IconHint: str | None = None
    Sale: dict[str, Any] | None = None
    Project: dict[str, Any] | None = None
    FormSubmission: dict[str, Any] | None = None
    TicketType: dict[str, Any] | None = None
    ActiveStatusMonitorId: Int32 | None = None
    ExtraFields: dict[str, str | None] | None = None
    CustomFields: dict[str, str | None] | None = None
    TableRight: TableRightEntity | None = None
    FieldProperties: dict[str, FieldProperty] | None = None


#: Properties whose XML form is a list of elements, and the element name of an item.
XML_LISTS = {
    "SecondaryPersons": "Person",
    "Messages": "TicketMessage",
    "Tags": "Tag",
    "MessageHeaders": "MessageHeader",
}
#: Properties whose XML form is a map: one element per key.
XML_MAPS = frozenset({"ExtraFields", "CustomFields", "FieldProperties"})
