"""All models, imported here so ``Base.metadata`` is complete for Alembic."""

from casedesk.store.models.base import Base, utcnow
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

__all__ = [
    "ApiToken",
    "Asset",
    "Attachment",
    "AuditEntry",
    "Base",
    "Case",
    "CaseCounter",
    "CaseLink",
    "CaseMember",
    "CaseMessage",
    "CaseStatus",
    "CaseTag",
    "Category",
    "Contact",
    "ContactEmail",
    "ContactPhone",
    "Corporation",
    "CustomFieldDefinition",
    "CustomFieldValue",
    "Group",
    "GroupMembership",
    "IdempotencyRecord",
    "Organization",
    "OrganizationDomain",
    "OutboxEvent",
    "Priority",
    "Queue",
    "SearchDocument",
    "StatusHistory",
    "Tag",
    "User",
    "utcnow",
]
