"""Who gets which mail for an outbox event, and from whom: the plan delivery sends.

What goes to whom (ITFlow's notifications, plus followers and escalations):

| event | mail |
|---|---|
| case.created | the contact (if contacts are notified), the new-case address, the assignee |
| case.updated (assignee) | the new assignee |
| case.updated (status → Closed) | the contact (if contacts are notified) |
| message.added (agent's external reply) | its To and CC (``reply_recipients``), a person's mail |
| message.added (inbound) | the assignee and followers |
| case.merged | the contact of the merged case |
| case.escalated | the users the event names |
| case.mentioned | the agents mentioned in a note |
| case.chaser | the contact: the chaser message |
| contact.sign_in_link | the address the portal link was asked for |
| webhook.disabled | the corporation's active admins |
| rule.mail | what a rule's mail action names: the contact, assignee, group or an address |
| survey.requested | the contact asked: the survey with its links (``survey_mails``) |
| survey.bad_rating | the address the survey settings name |
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.members import MemberRole
from casedesk.domain.numbering import format_case_number
from casedesk.domain.rules import RULE_MAIL_TEMPLATES
from casedesk.domain.statuses import InternalStatus
from casedesk.services.knowledge import public as knowledge
from casedesk.services.mail import (
    agent_choices,
    case_free_mails,
    reply_recipients,
    survey_mails,
)
from casedesk.services.mail.planned import Event, Identity, PlannedMail
from casedesk.store.db import Database
from casedesk.store.models import (
    Case,
    CaseMember,
    CaseMessage,
    Contact,
    ContactEmail,
    Corporation,
    GroupMembership,
    MailSettings,
    OutboundMail,
    User,
)

DEFAULT_HOURLY_CAP = 10


@dataclass(frozen=True, slots=True)
class Plan:
    identity: Identity
    mails: list[PlannedMail]


def plan(db: Database, event: Event, *, default_from: str) -> Plan:
    with db.read() as s:
        identity, notify_contacts, team = _identity(s, event.corporation_id, default_from)
        planner = _Planner(s, event, identity, notify_contacts, team)
        return Plan(identity, planner.mails())


def _identity(s: Session, corporation_id: int, default_from: str) -> tuple[Identity, bool, str]:
    corp = s.get(Corporation, corporation_id)
    prefix = corp.case_prefix if corp is not None else ""
    settings = s.get(MailSettings, corporation_id)
    if settings is None:
        name = corp.name if corp is not None else ""
        return Identity(default_from, name, prefix, DEFAULT_HOURLY_CAP), True, ""
    identity = Identity(
        settings.from_address, settings.from_name, prefix, settings.auto_mail_hourly_cap
    )
    return identity, settings.notify_contacts, settings.new_case_address or ""


class _Planner:
    def __init__(
        self, s: Session, event: Event, identity: Identity, notify_contacts: bool, team: str
    ) -> None:
        self.s = s
        self.event = event
        self.identity = identity
        self.notify_contacts = notify_contacts
        self.team = team
        case_id = event.payload.get("case_id")
        self.case = s.get(Case, case_id) if isinstance(case_id, int) else None
        if self.case is not None and self.case.corporation_id != event.corporation_id:
            self.case = None

    def mails(self) -> list[PlannedMail]:
        if self.event.topic == "contact.sign_in_link":
            return case_free_mails.sign_in_link(self.s, self.event, self.identity)
        if self.event.topic == "webhook.disabled":
            return case_free_mails.webhook_disabled(self.s, self.event, self.identity)
        if self.case is None:
            return []
        topic, p = self.event.topic, self.event.payload
        out: list[PlannedMail] = []
        if topic == "case.created":
            if self.notify_contacts:
                out += self._to_contact("case_created_contact", extra=self._help_articles())
            if self.team:
                out.append(self._mail(self.team, "", "case_created_team", automatic=True))
            out += self._to_users([self._assignee()], "case_assigned")
        elif topic == "case.updated":
            fields = set(p.get("fields") or [])
            if "assignee_id" in fields:
                out += self._to_users([self._assignee()], "case_assigned")
            closed = self.case.status == InternalStatus.CLOSED
            if fields & {"status", "status_id"} and closed and self.notify_contacts:
                out += self._to_contact("case_closed_contact")
        elif topic == "message.added":
            out += self._message_mails(p.get("message_id"))
        elif topic == "case.merged":
            into = self.s.get(Case, p.get("into")) if isinstance(p.get("into"), int) else None
            extra = {"into_reference": self._reference(into.number) if into else ""}
            out += self._to_contact("case_merged_contact", extra=extra)
        elif topic == "case.escalated":
            ids = p.get("recipients") or p.get("recipient_ids") or []
            level = p.get("level")
            out += self._to_users(
                [i for i in ids if isinstance(i, int)], "case_escalated", extra={"level": level}
            )
        elif topic == "case.mentioned":
            ids = [i for i in p.get("user_ids") or [] if isinstance(i, int)]
            message = self._message(p.get("message_id"))
            by = self.s.get(User, p.get("by")) if isinstance(p.get("by"), int) else None
            text, name = message.body_text if message else "", by.name or by.email if by else ""
            out += self._to_users(
                ids, "case_mentioned", {"message_text": text, "mentioned_by": name}
            )
        elif topic == "rule.mail":
            out += self._rule_mail(p)
        elif topic in ("survey.requested", "survey.bad_rating"):
            out += self._survey_mail(topic, p)
        elif topic == "case.chaser":
            message = self._message(p.get("message_id")) or self._last_system_message()
            if message is not None:
                out += self._to_contact(
                    "case_chaser", extra={"message_text": message.body_text}, carries=message.id
                )
        return _unique(out)

    def _help_articles(self) -> dict[str, Any]:
        """Public articles that may answer the new case, for its acknowledgement: their
        titles and portal paths (delivery puts ``public_url`` in front)."""
        assert self.case is not None
        text = f"{self.case.title} {self.case.description or ''}"
        hits = knowledge.suggestions_for_mail(self.s, self.case.corporation_id, text)
        return {
            "help_articles": [
                {"title": h.title, "path": f"/portal/kb/{h.language}/{h.category_slug}/{h.slug}"}
                for h in hits
            ]
        }

    def _rule_mail(self, p: dict[str, Any]) -> list[PlannedMail]:
        """A rule's mail from one of the templates rules may send (``domain.rules``)."""
        template, to = p.get("template"), p.get("to")
        if template not in RULE_MAIL_TEMPLATES or not isinstance(template, str):
            return []
        if to == "contact":
            return self._to_contact(template)
        if to == "assignee":
            return self._to_users([self._assignee()], template)
        if to == "group":
            assert self.case is not None
            members = self.s.scalars(
                select(GroupMembership.user_id).where(
                    GroupMembership.group_id == self.case.group_id
                )
            )
            return self._to_users(list(members), template)
        address = p.get("address")
        if to == "address" and isinstance(address, str) and "@" in address:
            return [self._mail(address, "", template, automatic=True)]
        return []

    def _survey_mail(self, topic: str, p: dict[str, Any]) -> list[PlannedMail]:
        def make(
            address: str, name: str, template: str, extra: dict[str, Any], language: str | None
        ) -> PlannedMail:
            return self._mail(address, name, template, extra, automatic=True, language=language)

        if topic == "survey.bad_rating":
            return survey_mails.bad_rating(self.s, p, make)
        assert self.case is not None
        facts = {
            "case_reference": self._reference(self.case.number),
            "case_title": self.case.title,
        }
        return survey_mails.request(self.s, self.event.corporation_id, p, facts, make)

    def _message_mails(self, message_id: object) -> list[PlannedMail]:
        message = self._message(message_id)
        if message is None or message.visibility != "external":
            return []
        if message.direction == "outbound" and not message.is_system:
            return self._agent_reply(message)
        if message.direction == "inbound":
            users = [self._assignee(), *self._followers()]
            return self._to_users(users, "customer_replied", {"message_text": message.body_text})
        return []

    def _agent_reply(self, message: CaseMessage) -> list[PlannedMail]:
        """An agent's reply: to its To, with copies to its CC (``reply_recipients``)."""
        assert self.case is not None
        found = reply_recipients.reply_addresses(self.s, self.case, message.email_headers)
        if found is None:
            return []
        to, name, cc = found
        extra = {"message_text": message.body_text}
        mail = self._mail(
            to,
            name,
            "agent_reply",
            extra,
            automatic=False,
            carries=message.id,
            language=self._contact_language(),
        )
        return [replace(mail, cc=cc)]

    def _message(self, message_id: object) -> CaseMessage | None:
        if not isinstance(message_id, int):
            return None
        message = self.s.get(CaseMessage, message_id)
        assert self.case is not None
        return message if message is not None and message.case_id == self.case.id else None

    def _last_system_message(self) -> CaseMessage | None:
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

    def _contact_language(self) -> str | None:
        """The language of the case's contact, if they chose one."""
        contact_id = self._active(MemberRole.CONTACT, "contact_id")
        contact = self.s.get(Contact, contact_id) if contact_id is not None else None
        return contact.language if contact else None

    def _to_contact(
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
        mail = self._mail(
            address, name, template, extra, automatic=automatic, carries=carries, language=language
        )
        return [mail]

    def _to_users(
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
            self._mail(u.email, u.name, template, extra, automatic=True, language=u.language)
            for u in users
        ]

    def _assignee(self) -> int | None:
        return self._active(MemberRole.ASSIGNED_USER, "user_id")

    def _followers(self) -> list[int | None]:
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

    def _reference(self, number: int) -> str:
        return format_case_number(self.identity.case_prefix, number)

    def _mail(
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
            "case_reference": self._reference(case.number),
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


def _unique(mails: list[PlannedMail]) -> list[PlannedMail]:
    """One mail per recipient and event (the first planned wins)."""
    seen: set[str] = set()
    out = []
    for mail in mails:
        if mail.recipient not in seen:
            seen.add(mail.recipient)
            out.append(mail)
    return out
