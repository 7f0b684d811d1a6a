"""A corporation's survey settings: on or off, the mail's subject and text, the text of
the survey page, how often one contact may be asked (``cap_days``), and what a bad
rating does on its own. Only admins read and change them; an empty text means the
shipped default, which the pages and mails show in the reader's language."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.domain.surveys import DEFAULT_CAP_DAYS, MAX_CAP_DAYS
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reference.common import In, require_admin
from casedesk.store.db import Database
from casedesk.store.models import SurveySettings


class SurveySettingsIn(In):  # unknown fields refused
    enabled: bool = False
    mail_subject: str = Field("", max_length=200)
    mail_body: str = Field("", max_length=5000)
    page_text: str = Field("", max_length=5000)
    cap_days: int = Field(DEFAULT_CAP_DAYS, ge=0, le=MAX_CAP_DAYS)
    on_bad: Literal["nothing", "reopen", "notify"] = "nothing"
    notify_address: str = Field("", max_length=320)

    @field_validator("notify_address")
    @classmethod
    def _address(cls, value: str) -> str:
        value = value.strip()
        if value and ("@" not in value or any(c.isspace() for c in value)):
            raise ValueError("must be an email address")
        return value


class SurveySettingsOut(SurveySettingsIn):
    updated_at: datetime | None = None


def current(row: SurveySettings | None) -> SurveySettingsOut:
    """The settings a row says, defaults for a corporation that never set any."""
    if row is None:
        return SurveySettingsOut()
    return SurveySettingsOut(
        enabled=row.enabled,
        mail_subject=row.mail_subject,
        mail_body=row.mail_body,
        page_text=row.page_text,
        cap_days=row.cap_days,
        on_bad=row.on_bad,
        notify_address=row.notify_address,
        updated_at=row.updated_at,
    )


def get_settings(db: Database, principal: Principal) -> SurveySettingsOut:
    require_admin(principal, "manage surveys")
    with db.read() as s:
        return current(s.get(SurveySettings, principal.corporation_id))


def update_settings(
    db: Database, principal: Principal, data: SurveySettingsIn
) -> SurveySettingsOut:
    """Store the settings; a bad rating that notifies needs an address to notify."""
    require_admin(principal, "manage surveys")
    if data.on_bad == "notify" and not data.notify_address:
        raise ValidationFailed("notify needs an address to notify", field="notify_address")
    now = utcnow()
    with db.write() as s:
        row = s.get(SurveySettings, principal.corporation_id)
        before = current(row).model_dump(exclude={"updated_at"})
        if row is None:
            row = SurveySettings(corporation_id=principal.corporation_id)
            s.add(row)
        for key, value in data.model_dump().items():
            setattr(row, key, value)
        row.updated_at = now
        s.flush()
        after = data.model_dump()
        audit.record(
            s,
            principal,
            principal.corporation_id,
            "survey_settings.updated",
            "corporation",
            principal.corporation_id,
            changes=audit.diff(before, after),
            at=now,
        )
        return current(row)
