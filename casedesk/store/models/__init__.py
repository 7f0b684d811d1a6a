"""All models, imported here so ``Base.metadata`` is complete for Alembic."""

from casedesk.store.models.automation import (
    CaseSchedule,
    CaseTemplate,
    CategoryAgent,
    JobLease,
    ScheduleRun,
)
from casedesk.store.models.base import Base, utcnow
from casedesk.store.models.billing import Invoice, TimeEntry
from casedesk.store.models.cases import (
    Attachment,
    Case,
    CaseLink,
    CaseMember,
    CaseMessage,
    CaseTag,
    CustomFieldValue,
    StatusHistory,
)
from casedesk.store.models.customers import (
    Asset,
    Contact,
    ContactEmail,
    ContactPhone,
    Organization,
    OrganizationDomain,
)
from casedesk.store.models.mail import (
    InboundMail,
    Mailbox,
    MailRate,
    MailSettings,
    MailTemplate,
    OutboundMail,
)
from casedesk.store.models.records import AuditEntry, IdempotencyRecord, OutboxEvent, SearchDocument
from casedesk.store.models.reference import (
    CaseCode,
    CaseStatus,
    Category,
    CustomFieldDefinition,
    Priority,
    Queue,
    Tag,
)
from casedesk.store.models.tenancy import (
    ApiToken,
    CaseCounter,
    Corporation,
    Group,
    GroupMembership,
    User,
)
from casedesk.store.models.timekeeping import Calendar, CaseRead, SlaBreach, SlaPolicy
from casedesk.store.models.vocabulary import ActivityCode, FieldLabel, NoteType

__all__ = [
    "ActivityCode",
    "ApiToken",
    "Asset",
    "Attachment",
    "AuditEntry",
    "Base",
    "Calendar",
    "Case",
    "CaseCode",
    "CaseCounter",
    "CaseLink",
    "CaseMember",
    "CaseMessage",
    "CaseRead",
    "CaseSchedule",
    "CaseStatus",
    "CaseTag",
    "CaseTemplate",
    "Category",
    "CategoryAgent",
    "Contact",
    "ContactEmail",
    "ContactPhone",
    "Corporation",
    "CustomFieldDefinition",
    "CustomFieldValue",
    "FieldLabel",
    "Group",
    "GroupMembership",
    "IdempotencyRecord",
    "InboundMail",
    "Invoice",
    "JobLease",
    "MailRate",
    "MailSettings",
    "MailTemplate",
    "Mailbox",
    "NoteType",
    "Organization",
    "OrganizationDomain",
    "OutboundMail",
    "OutboxEvent",
    "Priority",
    "Queue",
    "ScheduleRun",
    "SearchDocument",
    "SlaBreach",
    "SlaPolicy",
    "StatusHistory",
    "Tag",
    "TimeEntry",
    "User",
    "utcnow",
]
