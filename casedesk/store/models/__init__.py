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
from casedesk.store.models.records import AuditEntry, IdempotencyRecord, OutboxEvent, SearchDocument
from casedesk.store.models.reference import (
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
    "Invoice",
    "JobLease",
    "NoteType",
    "Organization",
    "OrganizationDomain",
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
