"""All models, imported here so ``Base.metadata`` is complete for Alembic."""

from casedesk.store.models.assist import (
    AssistSettings,
    CaseInsight,
    CaseTerm,
    CategoryModel,
    MessageInsight,
)
from casedesk.store.models.automation import (
    CaseSchedule,
    CaseTemplate,
    CategoryAgent,
    JobLease,
    ScheduleRun,
)
from casedesk.store.models.base import Base, utcnow
from casedesk.store.models.billing import Invoice, TimeEntry
from casedesk.store.models.bulk import BulkJob
from casedesk.store.models.cases import (
    Attachment,
    Case,
    CaseContactEntry,
    CaseExtraValue,
    CaseLink,
    CaseMember,
    CaseMessage,
    CaseSecondaryContact,
    CaseTag,
    CustomFieldValue,
    PendingUpload,
    StatusHistory,
)
from casedesk.store.models.customers import (
    Asset,
    Contact,
    ContactEmail,
    ContactOrganization,
    ContactPhone,
    Organization,
    OrganizationDomain,
)
from casedesk.store.models.factors import Passkey, RecoveryCode, SecondFactorPolicy, TotpSecret
from casedesk.store.models.imports import ImportRecord
from casedesk.store.models.knowledge import (
    KbArticle,
    KbCategory,
    KbDeflection,
    KbFeedback,
    KbFile,
    KbTranslation,
    KbVersion,
)
from casedesk.store.models.mail import (
    InboundMail,
    Mailbox,
    MailRate,
    MailSettings,
    MailTemplate,
    OutboundMail,
)
from casedesk.store.models.mail_oauth import MailboxOAuth
from casedesk.store.models.notifications import Notification, NotificationSetting
from casedesk.store.models.privacy import AnonymisedCase, RetentionPolicy
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
from casedesk.store.models.reports import CaseFact, ExportJob, ReportCursor, ReportDay
from casedesk.store.models.rules import GroupAssignmentTurn, Rule, RuleMatch
from casedesk.store.models.sso import (
    PasswordSignInPolicy,
    ProviderSession,
    SignInIdentity,
    SignInProvider,
)
from casedesk.store.models.surveys import Survey, SurveySettings
from casedesk.store.models.tenancy import (
    ApiToken,
    ApiTokenUsage,
    CaseCounter,
    Corporation,
    Group,
    GroupMembership,
    User,
)
from casedesk.store.models.timekeeping import Calendar, CaseRead, SlaBreach, SlaPolicy
from casedesk.store.models.vocabulary import ActivityCode, FieldLabel, NoteType
from casedesk.store.models.web import SavedFilter, SignInFailure, SignInLink, WebSession
from casedesk.store.models.webhooks import Webhook, WebhookDelivery
from casedesk.store.models.workspace import CannedResponse, ComposerDraft

__all__ = [
    "ActivityCode",
    "AnonymisedCase",
    "ApiToken",
    "ApiTokenUsage",
    "Asset",
    "AssistSettings",
    "Attachment",
    "AuditEntry",
    "Base",
    "BulkJob",
    "Calendar",
    "CannedResponse",
    "Case",
    "CaseCode",
    "CaseContactEntry",
    "CaseCounter",
    "CaseExtraValue",
    "CaseFact",
    "CaseInsight",
    "CaseLink",
    "CaseMember",
    "CaseMessage",
    "CaseRead",
    "CaseSchedule",
    "CaseSecondaryContact",
    "CaseStatus",
    "CaseTag",
    "CaseTemplate",
    "CaseTerm",
    "Category",
    "CategoryAgent",
    "CategoryModel",
    "ComposerDraft",
    "Contact",
    "ContactEmail",
    "ContactOrganization",
    "ContactPhone",
    "Corporation",
    "CustomFieldDefinition",
    "CustomFieldValue",
    "ExportJob",
    "FieldLabel",
    "Group",
    "GroupAssignmentTurn",
    "GroupMembership",
    "IdempotencyRecord",
    "ImportRecord",
    "InboundMail",
    "Invoice",
    "JobLease",
    "KbArticle",
    "KbCategory",
    "KbDeflection",
    "KbFeedback",
    "KbFile",
    "KbTranslation",
    "KbVersion",
    "MailRate",
    "MailSettings",
    "MailTemplate",
    "Mailbox",
    "MailboxOAuth",
    "MessageInsight",
    "NoteType",
    "Notification",
    "NotificationSetting",
    "Organization",
    "OrganizationDomain",
    "OutboundMail",
    "OutboxEvent",
    "Passkey",
    "PasswordSignInPolicy",
    "PendingUpload",
    "Priority",
    "ProviderSession",
    "Queue",
    "RecoveryCode",
    "ReportCursor",
    "ReportDay",
    "RetentionPolicy",
    "Rule",
    "RuleMatch",
    "SavedFilter",
    "ScheduleRun",
    "SearchDocument",
    "SecondFactorPolicy",
    "SignInFailure",
    "SignInIdentity",
    "SignInLink",
    "SignInProvider",
    "SlaBreach",
    "SlaPolicy",
    "StatusHistory",
    "Survey",
    "SurveySettings",
    "Tag",
    "TimeEntry",
    "TotpSecret",
    "User",
    "WebSession",
    "Webhook",
    "WebhookDelivery",
    "utcnow",
]
