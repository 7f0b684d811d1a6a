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

from casedesk.domain.rules import RULE_MAIL_TEMPLATES
from casedesk.domain.statuses import InternalStatus
from casedesk.services.knowledge import public as knowledge
from casedesk.services.mail import (
    case_free_mails,
    reply_recipients,
    survey_mails,
)
from casedesk.services.mail.case_mails import CaseMails
from casedesk.services.mail.planned import Event, Identity, PlannedMail
from casedesk.store.db import Database
from casedesk.store.models import (
    Case,
    CaseMessage,
    Corporation,
    GroupMembership,
    MailSettings,
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


class _Planner(CaseMails):
    """Which of the case's mails (``CaseMails``) an event sends, per the table above."""

    def __init__(
        self, s: Session, event: Event, identity: Identity, notify_contacts: bool, team: str
    ) -> None:
        super().__init__(s, event, identity)
        self.notify_contacts = notify_contacts
        self.team = team

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
                out += self.to_contact("case_created_contact", extra=self._help_articles())
            if self.team:
                out.append(self.mail(self.team, "", "case_created_team", automatic=True))
            out += self.to_users([self.assignee()], "case_assigned")
        elif topic == "case.updated":
            fields = set(p.get("fields") or [])
            if "assignee_id" in fields:
                out += self.to_users([self.assignee()], "case_assigned")
            closed = self.case.status == InternalStatus.CLOSED
            if fields & {"status", "status_id"} and closed and self.notify_contacts:
                out += self.to_contact("case_closed_contact")
        elif topic == "message.added":
            out += self._message_mails(p.get("message_id"))
        elif topic == "case.merged":
            into = self.s.get(Case, p.get("into")) if isinstance(p.get("into"), int) else None
            extra = {"into_reference": self.reference(into.number) if into else ""}
            out += self.to_contact("case_merged_contact", extra=extra)
        elif topic == "case.escalated":
            ids = p.get("recipients") or p.get("recipient_ids") or []
            level = p.get("level")
            out += self.to_users(
                [i for i in ids if isinstance(i, int)], "case_escalated", extra={"level": level}
            )
        elif topic == "case.mentioned":
            ids = [i for i in p.get("user_ids") or [] if isinstance(i, int)]
            message = self.message(p.get("message_id"))
            by = self.s.get(User, p.get("by")) if isinstance(p.get("by"), int) else None
            text, name = message.body_text if message else "", by.name or by.email if by else ""
            out += self.to_users(
                ids, "case_mentioned", {"message_text": text, "mentioned_by": name}
            )
        elif topic == "rule.mail":
            out += self._rule_mail(p)
        elif topic in ("survey.requested", "survey.bad_rating"):
            out += self._survey_mail(topic, p)
        elif topic == "case.chaser":
            message = self.message(p.get("message_id")) or self.last_system_message()
            if message is not None:
                out += self.to_contact(
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
            return self.to_contact(template)
        if to == "assignee":
            return self.to_users([self.assignee()], template)
        if to == "group":
            assert self.case is not None
            members = self.s.scalars(
                select(GroupMembership.user_id).where(
                    GroupMembership.group_id == self.case.group_id
                )
            )
            return self.to_users(list(members), template)
        address = p.get("address")
        if to == "address" and isinstance(address, str) and "@" in address:
            return [self.mail(address, "", template, automatic=True)]
        return []

    def _survey_mail(self, topic: str, p: dict[str, Any]) -> list[PlannedMail]:
        def make(
            address: str, name: str, template: str, extra: dict[str, Any], language: str | None
        ) -> PlannedMail:
            return self.mail(address, name, template, extra, automatic=True, language=language)

        if topic == "survey.bad_rating":
            return survey_mails.bad_rating(self.s, p, make)
        assert self.case is not None
        facts = {
            "case_reference": self.reference(self.case.number),
            "case_title": self.case.title,
        }
        return survey_mails.request(self.s, self.event.corporation_id, p, facts, make)

    def _message_mails(self, message_id: object) -> list[PlannedMail]:
        message = self.message(message_id)
        if message is None or message.visibility != "external":
            return []
        if message.direction == "outbound" and not message.is_system:
            return self._agent_reply(message)
        if message.direction == "inbound":
            users = [self.assignee(), *self.followers()]
            return self.to_users(users, "customer_replied", {"message_text": message.body_text})
        return []

    def _agent_reply(self, message: CaseMessage) -> list[PlannedMail]:
        """An agent's reply: to its To, with copies to its CC (``reply_recipients``)."""
        assert self.case is not None
        found = reply_recipients.reply_addresses(self.s, self.case, message.email_headers)
        if found is None:
            return []
        to, name, cc = found
        extra = {"message_text": message.body_text}
        mail = self.mail(
            to,
            name,
            "agent_reply",
            extra,
            automatic=False,
            carries=message.id,
            language=self.contact_language(),
        )
        return [replace(mail, cc=cc)]


def _unique(mails: list[PlannedMail]) -> list[PlannedMail]:
    """One mail per recipient and event (the first planned wins)."""
    seen: set[str] = set()
    out = []
    for mail in mails:
        if mail.recipient not in seen:
            seen.add(mail.recipient)
            out.append(mail)
    return out
