"""Sending a survey when a case closes, by whichever face, rule or job closed it.

A listener on ``kernel.event_hooks`` sees every ``case.updated`` event in the
transaction that wrote it; when the case is now Closed and the corporation surveys its
contacts, it writes the case's one survey and a ``survey.requested`` outbox event that
the email channel delivers (``services.mail``), all in that same transaction. No survey
goes:

- twice for one case (a case closed, reopened and closed again is asked once);
- to an address no person reads (``domain.surveys.is_no_reply_address``), nor when
  the last mail the case got was a machine's (an auto-reply or bounce, as the email
  channel marks it): a survey would answer a machine, the start of a mail loop;
- to a contact asked less than ``cap_days`` ago (the per-contact cap).

The links need the site's public address, which only the process's settings know:
:func:`install` takes it, as the wiring of each process (app, worker, command line)
installs the rules engine.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casedesk.domain.members import MemberRole
from casedesk.domain.statuses import InternalStatus
from casedesk.domain.surveys import AUTOMATIC_REASONS, capped, is_no_reply_address
from casedesk.services.kernel import audit, event_hooks
from casedesk.services.kernel.clock import utcnow
from casedesk.services.surveys import links
from casedesk.store.models import (
    Case,
    CaseMember,
    Contact,
    ContactEmail,
    InboundMail,
    Survey,
    SurveySettings,
)

TOPIC = "survey.requested"
#: Where the links point; set by :func:`install` from the process's settings.
_base_url: list[str] = ["http://localhost:8000"]


def on_event(s: Session, event: event_hooks.QueuedEvent) -> None:
    """The listener: a survey for a case that an event has just closed."""
    if event.topic != "case.updated":
        return
    fields = set(event.payload.get("fields") or [])
    case_id = event.payload.get("case_id")
    if not fields & {"status", "status_id"} or not isinstance(case_id, int):
        return
    settings = s.get(SurveySettings, event.corporation_id)
    if settings is None or not settings.enabled:
        return
    case = s.get(Case, case_id)
    if case is None or case.corporation_id != event.corporation_id:
        return
    if case.status != InternalStatus.CLOSED:
        return
    request_survey(s, case, settings)


def request_survey(s: Session, case: Case, settings: SurveySettings) -> Survey | None:
    """Write the case's survey and its mail's outbox event, unless a rule above says no."""
    if s.scalar(select(Survey.id).where(Survey.case_id == case.id)) is not None:
        return None
    contact_id, address, name = _recipient(s, case)
    if not address or is_no_reply_address(address) or _last_mail_automatic(s, case.id):
        return None
    now = utcnow()
    if capped(_last_sent(s, case.corporation_id, contact_id, address), now, settings.cap_days):
        return None
    token, digest = links.new_token()
    survey = Survey(
        corporation_id=case.corporation_id,
        case_id=case.id,
        contact_id=contact_id,
        agent_id=_assignee(s, case.id),
        group_id=case.group_id,
        address=address,
        token_hash=digest,
        sent_at=now,
        comment="",
    )
    s.add(survey)
    s.flush()
    audit.record(
        s,
        None,
        case.corporation_id,
        "survey.sent",
        "survey",
        survey.id,
        case_id=case.id,
        changes={"address": {"from": None, "to": address}},
        at=now,
        actor_label="surveys",
    )
    audit.emit(
        s,
        case.corporation_id,
        TOPIC,
        {
            "case_id": case.id,
            "survey_id": survey.id,
            "email": address,
            "name": name,
            "url": links.link(_base_url[0], token),
        },
    )
    return survey


def _recipient(s: Session, case: Case) -> tuple[int | None, str, str]:
    """The case's contact, their first address (or the address the case came from)."""
    contact_id = s.scalar(
        select(CaseMember.contact_id).where(
            CaseMember.case_id == case.id,
            CaseMember.role == int(MemberRole.CONTACT),
            CaseMember.end_at.is_(None),
        )
    )
    name, address = "", ""
    if contact_id is not None:
        contact = s.get(Contact, contact_id)
        name = f"{contact.first_name} {contact.last_name}".strip() if contact else ""
        address = (
            s.scalar(
                select(ContactEmail.email)
                .where(ContactEmail.contact_id == contact_id)
                .order_by(ContactEmail.is_primary.desc(), ContactEmail.id)
                .limit(1)
            )
            or ""
        )
    address = (address or case.from_address or "").strip().lower()
    return contact_id, address, name


def _assignee(s: Session, case_id: int) -> int | None:
    return s.scalar(
        select(CaseMember.user_id).where(
            CaseMember.case_id == case_id,
            CaseMember.role == int(MemberRole.ASSIGNED_USER),
            CaseMember.end_at.is_(None),
        )
    )


def _last_mail_automatic(s: Session, case_id: int) -> bool:
    reason = s.scalar(
        select(InboundMail.reason)
        .where(InboundMail.case_id == case_id)
        .order_by(InboundMail.id.desc())
        .limit(1)
    )
    return reason in AUTOMATIC_REASONS


def _last_sent(
    s: Session, corporation_id: int, contact_id: int | None, address: str
) -> datetime | None:
    who = Survey.contact_id == contact_id if contact_id is not None else Survey.address == address
    return s.scalar(
        select(func.max(Survey.sent_at)).where(Survey.corporation_id == corporation_id, who)
    )


def install(base_url: str) -> None:
    """Send surveys from every face, channel and job of this process, linking to
    ``base_url`` (the site's public address)."""
    _base_url[0] = base_url
    event_hooks.register(on_event)


def uninstall() -> None:
    event_hooks.unregister(on_event)
