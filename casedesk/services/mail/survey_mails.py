"""The mails of satisfaction surveys, planned from their outbox events like the other
case mails: the survey to the contact (``survey.requested``: the corporation's subject
and text with the one-click good and bad links) and the notice of a bad rating to the
address the survey settings name (``survey.bad_rating``). Both are automatic mail, so
they carry ``Auto-Submitted`` and count against the per-address hourly cap."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from casedesk.services.kernel.translations import N_, translations
from casedesk.services.mail.planned import PlannedMail
from casedesk.store.models import Contact, Survey, SurveySettings

#: ``(address, name, template, extra, language)`` → the mail, as the planner builds
#: case mails.
MakeMail = Callable[[str, str, str, dict[str, Any], str | None], PlannedMail]

#: The survey's subject and text when the corporation wrote none, in the contact's
#: language (``{name}`` values are filled in after translating).
DEFAULT_SUBJECT = N_("How did we do? {case_reference}")
DEFAULT_BODY = N_(
    "Hello {recipient_name},\n\n"
    "your case {case_reference} ({case_title}) has been closed. "
    "Were you happy with how it went? One click is enough:"
)
#: Who the greeting names when the contact has no name.
NO_NAME = N_("there")


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with ``{name}`` replaced by each value (no other formatting runs)."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def request(
    s: Session, corporation_id: int, p: dict[str, Any], facts: dict[str, str], make: MakeMail
) -> list[PlannedMail]:
    address, url, name = p.get("email"), p.get("url"), p.get("name") or ""
    survey = s.get(Survey, p.get("survey_id")) if isinstance(p.get("survey_id"), int) else None
    if not isinstance(address, str) or not isinstance(url, str) or survey is None:
        return []
    if survey.answered_at is not None:  # answered in the portal before the mail went
        return []
    settings = s.get(SurveySettings, corporation_id)
    contact = s.get(Contact, survey.contact_id) if survey.contact_id is not None else None
    language = contact.language if contact else None
    speak = translations(language).gettext
    values = facts | {"recipient_name": str(name) or speak(NO_NAME)}
    subject = fill((settings.mail_subject if settings else "") or speak(DEFAULT_SUBJECT), values)
    body = fill((settings.mail_body if settings else "") or speak(DEFAULT_BODY), values)
    extra = {
        "survey_subject": subject,
        "survey_body": body,
        "good_link": url + "?rating=good",
        "bad_link": url + "?rating=bad",
    }
    return [make(address, str(name), "survey_request", extra, language)]


def bad_rating(s: Session, p: dict[str, Any], make: MakeMail) -> list[PlannedMail]:
    address = p.get("address")
    survey = s.get(Survey, p.get("survey_id")) if isinstance(p.get("survey_id"), int) else None
    if not isinstance(address, str) or "@" not in address or survey is None:
        return []
    extra = {"rating": survey.rating or "", "comment": survey.comment}
    return [make(address, "", "survey_bad_rating", extra, None)]
