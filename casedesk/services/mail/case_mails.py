"""A case's mails to the people on it, for the notification plan
(``notification_plans``) to choose from: who the case's contact, assignee and followers
are (address, name, language), the case's messages a mail may quote, and each mail
built with the case's facts, in its language, and threaded under the case's mail so
far (``References``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.members import MemberRole
from casedesk.domain.numbering import format_case_number
from casedesk.services.mail import agent_choices
from casedesk.services.mail.planned import Event, Identity, PlannedMail
from casedesk.store.models import (
    Case,
    CaseMember,
    CaseMessage,
    Contact,
    ContactEmail,
    OutboundMail,
    User,
)


class CaseMails:
    """The mails about the case an event names (``case`` is None when it names none, or
    one of another corporation)."""

    def __init__(self, s: Session, event: Event, identity: Identity) -> None:
        self.s = s
        self.event = event
        self.identity = identity
        case_id = event.payload.get("case_id")
        self.case = s.get(Case, case_id) if isinstance(case_id, int) else None
        if self.case is not None and self.case.corporation_id != event.corporation_id:
            self.case = None

    def message(self, message_id: object) -> CaseMessage | None:
        if not isinstance(message_id, int):
            return None
        message = self.s.get(CaseMessage, message_id)
        assert self.case is not None
        return message if message is not None and message.case_id == self.case.id else None

    def last_system_message(self) -> CaseMessage | None:
        assert self.case is not None
        return self.s.scalars(
            select(CaseMessage)
            .where(
                CaseMessage.case_id == self.case.id,
                CaseMessage.is_system.is_(True),
                CaseMessage.visibility == "external",
            )
            .order_by(CaseMessage.id.desc())
            .limit(1)
        ).first()

    def contact_language(self) -> str | None:
        """The language of the case's contact, if they chose one."""
        contact_id = self._active(MemberRole.CONTACT, "contact_id")
        contact = self.s.get(Contact, contact_id) if contact_id is not None else None
        return contact.language if contact else None

    def to_contact(
        self,
        template: str,
        extra: dict[str, Any] | None = None,
        *,
        automatic: bool = True,
        carries: int | None = None,
    ) -> list[PlannedMail]:
        assert self.case is not None
        contact_id = self._active(MemberRole.CONTACT, "contact_id")
        address, name, language = "", "", None
        if contact_id is not None:
            contact = self.s.get(Contact, contact_id)
            language = contact.language if contact else None
            name = f"{contact.first_name} {contact.last_name}".strip() if contact else ""
            address = (
                self.s.scalar(
                    select(ContactEmail.email)
                    .where(ContactEmail.contact_id == contact_id)
                    .order_by(ContactEmail.is_primary.desc(), ContactEmail.id)
                    .limit(1)
                )
                or ""
            )
        address = address or (self.case.from_address or "")
        if not address:
            return []
        mail = self.mail(
            address, name, template, extra, automatic=automatic, carries=carries, language=language
        )
        return [mail]

    def to_users(
        self, user_ids: list[int | None], template: str, extra: dict[str, Any] | None = None
    ) -> list[PlannedMail]:
        ids = agent_choices.wanted(self.s, user_ids, template, self.event.payload)
        if not ids:
            return []
        users = self.s.scalars(
            select(User).where(
                User.id.in_(ids),
                User.corporation_id == self.event.corporation_id,
                User.is_active.is_(True),
            )
        ).all()
        return [
            self.mail(u.email, u.name, template, extra, automatic=True, language=u.language)
            for u in users
        ]

    def assignee(self) -> int | None:
        return self._active(MemberRole.ASSIGNED_USER, "user_id")

    def followers(self) -> list[int | None]:
        assert self.case is not None
        return list(
            self.s.scalars(
                select(CaseMember.user_id).where(
                    CaseMember.case_id == self.case.id,
                    CaseMember.role == int(MemberRole.FOLLOWER),
                    CaseMember.end_at.is_(None),
                )
            )
        )

    def _active(self, role: MemberRole, column: str) -> int | None:
        assert self.case is not None
        value = self.s.scalar(
            select(getattr(CaseMember, column))
            .where(
                CaseMember.case_id == self.case.id,
                CaseMember.role == int(role),
                CaseMember.end_at.is_(None),
            )
            .limit(1)
        )
        return int(value) if value is not None else None

    def _thread(self) -> list[str]:
        """Message-IDs of the case's mail so far, oldest first (the last twenty)."""
        assert self.case is not None
        ours = self.s.scalars(
            select(OutboundMail.message_id)
            .where(OutboundMail.case_id == self.case.id, OutboundMail.state == "sent")
            .order_by(OutboundMail.id.desc())
            .limit(10)
        ).all()
        theirs = self.s.scalars(
            select(CaseMessage.message_id_header)
            .where(
                CaseMessage.case_id == self.case.id,
                CaseMessage.direction == "inbound",
                CaseMessage.message_id_header.is_not(None),
            )
            .order_by(CaseMessage.id.desc())
            .limit(10)
        ).all()
        return [m for m in [*reversed(ours), *reversed(theirs)] if m][-20:]

    def reference(self, number: int) -> str:
        return format_case_number(self.identity.case_prefix, number)

    def mail(
        self,
        address: str,
        name: str,
        template: str,
        extra: dict[str, Any] | None = None,
        *,
        automatic: bool,
        carries: int | None = None,
        language: str | None = None,
    ) -> PlannedMail:
        case = self.case
        assert case is not None
        context = {
            "case_id": case.id,
            "case_reference": self.reference(case.number),
            "case_title": case.title,
            "case_description": case.description,
            "recipient_name": name,
            "organization": self.identity.from_name,
        } | (extra or {})
        return PlannedMail(
            recipient=address.lower(),
            recipient_name=name,
            template=template,
            context=context,
            automatic=automatic,
            case_id=case.id,
            case_number=case.number,
            references=self._thread(),
            case_message_id=carries,
            language=language,
        )
