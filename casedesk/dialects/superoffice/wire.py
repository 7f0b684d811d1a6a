"""The TicketEntity and the carriers inside it, with seed 001's property names.

One model serves requests and responses: on save every property is optional and the
read-only ones are ignored; a response fills them all. Carriers the seed names without
listing their properties (Associate, TicketCategoryEntity, TicketPriorityEntity,
TicketStatusEntity, TableRight) use SuperOffice's property names for them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class _Carrier(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TableRightEntity(_Carrier):
    Mask: str | None = None
    Reason: str | None = None


class FieldProperty(_Carrier):
    FieldRight: TableRightEntity | None = None
    FieldType: str | None = None
    FieldLength: int | None = None


class Associate(_Carrier):
    AssociateId: int | None = None
    Name: str | None = None
    FullName: str | None = None
    FormalName: str | None = None
    UserName: str | None = None
    Deleted: bool | None = None


class TicketCategoryEntity(_Carrier):
    TicketCategoryId: int | None = None
    ParentId: int | None = None
    Name: str | None = None
    Fullname: str | None = None


class TicketPriorityEntity(_Carrier):
    TicketPriorityId: int | None = None
    Name: str | None = None
    Rank: int | None = None


class TicketStatusEntity(_Carrier):
    TicketStatusId: int | None = None
    Name: str | None = None
    Status: str | None = None


class PersonEntity(_Carrier):
    Position: str | None = None
    PersonId: int | None = None
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
    CountryId: int | None = None
    ContactId: int | None = None
    ContactName: str | None = None
    Retired: int | None = None
    Rank: int | None = None
    ActiveInterests: int | None = None
    ContactDepartment: str | None = None
    ContactCountryId: int | None = None
    ContactOrgNr: str | None = None
    FaxPhone: str | None = None
    MobilePhone: str | None = None
    ContactPhone: str | None = None
    AssociateName: str | None = None
    AssociateId: int | None = None
    UsePersonAddress: bool | None = None
    ContactFax: str | None = None
    Kanafname: str | None = None
    Kanalname: str | None = None
    Post1: str | None = None
    Post2: str | None = None
    Post3: str | None = None
    EmailName: str | None = None
    ContactFullName: str | None = None
    ActiveErpLinks: int | None = None
    TicketPriorityId: int | None = None
    SupportLanguageId: int | None = None
    SupportAssociateId: int | None = None
    CategoryName: str | None = None
    PersonNumber: str | None = None
    TableRight: TableRightEntity | None = None
    FieldProperties: dict[str, FieldProperty] | None = None


class TicketMessageEntity(_Carrier):
    TicketMessageId: int | None = None
    CreatedAt: datetime | None = None
    Slevel: str | None = None
    Important: bool | None = None
    Author: str | None = None
    PersonId: int | None = None
    PersonFullName: str | None = None
    ContactId: int | None = None
    ContactName: str | None = None
    ContactDepartment: str | None = None
    NumAttachments: int | None = None
    EmailHeader: str | None = None
    MessageHeaders: list[dict[str, Any]] | None = None
    Language: str | None = None
    Sentiment: int | None = None
    SentimentConfidence: int | None = None
    CreatedBy: int | None = None
    ChangedAt: datetime | None = None
    Badge: str | None = None
    TableRight: TableRightEntity | None = None
    FieldProperties: dict[str, FieldProperty] | None = None


class TagEntity(_Carrier):
    Id: int | None = None
    Name: str | None = None
    ToolTip: str | None = None
    TableRight: TableRightEntity | None = None
    FieldProperties: dict[str, FieldProperty] | None = None


class TicketEntity(_Carrier):
    TicketId: int | None = None
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
    AlertLevel: int | None = None
    ConnectId: int | None = None
    ReadStatus: str | None = None
    TimeToReply: int | None = None
    RealTimeToReply: int | None = None
    TimeToClose: int | None = None
    RealTimeToClose: int | None = None
    TimeSpentInternally: int | None = None
    TimeSpentExternally: int | None = None
    TimeSpentQueue: int | None = None
    RealTimeSpentInternally: int | None = None
    RealTimeSpentExternally: int | None = None
    RealTimeSpentQueue: int | None = None
    TimeSpent: int | None = None
    HasAttachment: bool | None = None
    NumReplies: int | None = None
    NumMessages: int | None = None
    FromAddress: str | None = None
    Messages: list[TicketMessageEntity] | None = None
    Tags: list[TagEntity] | None = None
    Language: str | None = None
    Sentiment: int | None = None
    SentimentConfidence: int | None = None
    SuggestedCategoryId: int | None = None
    SuggestedCategoryName: str | None = None
    OrigHumanCategoryId: int | None = None
    IconHint: str | None = None
    Sale: dict[str, Any] | None = None
    Project: dict[str, Any] | None = None
    FormSubmission: dict[str, Any] | None = None
    TicketType: dict[str, Any] | None = None
    ActiveStatusMonitorId: int | None = None
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
