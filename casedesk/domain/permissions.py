"""Per-operation permissions and data segregation rules.

A caller is an admin (everything in their corporation) or an agent (only cases of the
groups they belong to, and only the operations their permission set allows). The
repository turns ``visible_group_ids`` into a query filter, so no face can forget it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from casedesk.domain.errors import Forbidden, ValidationFailed


class Role(StrEnum):
    ADMIN = "admin"
    AGENT = "agent"


class Permission(StrEnum):
    VIEW_CASE = "view_case"
    CREATE_CASE = "create_case"
    EDIT_CASE = "edit_case"
    CLOSE_CASE = "close_case"
    DELETE_CASE = "delete_case"
    ADD_NOTE = "add_note"
    VIEW_ATTACHMENTS = "view_attachments"
    ADD_ATTACHMENTS = "add_attachments"
    MANAGE_REFERENCE = "manage_reference"
    #: Create and read invoices: they span every group's cases of an organization and
    #: carry money, so neither case rights nor reference management imply it.
    MANAGE_BILLING = "manage_billing"
    #: Hand raw mail to the email channel (an MTA's pipe to ``/api/v1/mail/inbound``).
    INGEST_MAIL = "ingest_mail"
    #: Write, publish and archive knowledge-base articles and their categories: what
    #: customers read in the portal, so not every agent may change it.
    MANAGE_KNOWLEDGE = "manage_knowledge"


ALL_PERMISSIONS = frozenset(Permission)

#: What an agent may do unless an admin gives them another set.
DEFAULT_AGENT_PERMISSIONS = frozenset(
    {
        Permission.VIEW_CASE,
        Permission.CREATE_CASE,
        Permission.EDIT_CASE,
        Permission.CLOSE_CASE,
        Permission.ADD_NOTE,
        Permission.VIEW_ATTACHMENTS,
        Permission.ADD_ATTACHMENTS,
    }
)


def parse_permissions(values: list[str]) -> frozenset[Permission]:
    out = set()
    for v in values:
        try:
            out.add(Permission(v))
        except ValueError:
            raise ValidationFailed(f"unknown permission {v!r}", field="permissions") from None
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: resolved once per request from a token or password."""

    user_id: int
    corporation_id: int
    role: Role
    group_ids: frozenset[int] = field(default_factory=frozenset)
    permissions: frozenset[Permission] = DEFAULT_AGENT_PERMISSIONS
    #: A caller limited to one customer organization (an ITFlow API key for one
    #: client) sees and touches only that organization's cases.
    organization_id: int | None = None
    #: The credential the caller proved, so that what one credential stored (an
    #: idempotent create's answer) is not handed to another: ``token:<id>``,
    #: ``session:<id>`` or ``password``; empty for the system's own callers (jobs).
    credential: str = ""
    #: What the audit log names as the actor when it is not the user themselves:
    #: ``rule:<id>`` for the rules engine acting through the account of its channel.
    acting_as: str = ""
    #: A token's scopes (``domain/token_scopes.py``); None for a caller that is not a
    #: token (a web session, a password, the system's jobs), whom scopes do not limit.
    scopes: frozenset[str] | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def can(self, permission: Permission) -> bool:
        return self.is_admin or permission in self.permissions

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise Forbidden(f"missing permission {permission.value}", permission=permission.value)

    def sees_group(self, group_id: int) -> bool:
        return self.is_admin or group_id in self.group_ids

    @property
    def visible_group_ids(self) -> frozenset[int] | None:
        """None means every group of the corporation."""
        return None if self.is_admin else self.group_ids


@dataclass(frozen=True, slots=True)
class ContactCaller:
    """A customer contact signed in to the portal. They see the cases they are the
    contact of, and, when ``sees_organization`` is set, every case of each organization
    they belong to (``organization_id`` is their primary one);
    they never see internal notes."""

    contact_id: int
    corporation_id: int
    organization_id: int | None
    sees_organization: bool = False
