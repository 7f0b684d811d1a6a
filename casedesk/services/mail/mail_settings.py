"""A corporation's mail settings and its own versions of the shipped mail templates,
as an admin sets them in the browser.

Settings: the address and name mail is sent from, where new cases are announced, whether
contacts get a mail when their case is opened and closed, and how many automatic mails
one address may get per hour. Without settings a corporation sends from
``CASEDESK_MAIL_FROM``.

Templates: the channel ships one Jinja2 template per kind of mail; a corporation may
replace its subject and body. They run in Jinja2's sandbox, and one that does not parse
is refused here with the line at fault, instead of falling back to the shipped one on
every mail.
"""

from __future__ import annotations

from typing import Annotated

from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import Field, StringConstraints
from sqlalchemy import select

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.kernel import audit
from casedesk.services.reference.common import In, Out, require_manager
from casedesk.services.reference.contacts import EmailAddress
from casedesk.store.db import Database
from casedesk.store.models import MailSettings, MailTemplate

_SYNTAX = SandboxedEnvironment(autoescape=False)
TemplateName = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,64}$")]


class MailSettingsOut(Out):
    from_address: str
    from_name: str
    new_case_address: str | None
    notify_contacts: bool
    hourly_cap: int


class MailSettingsIn(In):
    from_address: EmailAddress
    from_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    new_case_address: EmailAddress | None = Field(
        None, description="Where new cases are announced to the team; none: nowhere."
    )
    notify_contacts: bool = True
    hourly_cap: Annotated[int, Field(ge=0, le=100_000)] = Field(
        10, description="Automatic mails one address may get per hour; the rest are dropped."
    )


class TemplateText(In):
    subject: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    body: Annotated[str, StringConstraints(min_length=1, max_length=100_000)]


def _settings_out(row: MailSettings) -> MailSettingsOut:
    return MailSettingsOut(
        from_address=row.from_address,
        from_name=row.from_name,
        new_case_address=row.new_case_address,
        notify_contacts=row.notify_contacts,
        hourly_cap=row.auto_mail_hourly_cap,
    )


def get_mail_settings(db: Database, principal: Principal) -> MailSettingsOut | None:
    """The corporation's settings, or None while it has none."""
    require_manager(principal)
    with db.read() as s:
        row = s.get(MailSettings, principal.corporation_id)
        return _settings_out(row) if row is not None else None


def save_mail_settings(db: Database, principal: Principal, data: MailSettingsIn) -> MailSettingsOut:
    require_manager(principal)
    corp = principal.corporation_id
    with db.write() as s:
        row = s.get(MailSettings, corp)
        before = _settings_out(row).model_dump() if row is not None else {}
        if row is None:
            row = MailSettings(corporation_id=corp)
            s.add(row)
        row.from_address = data.from_address
        row.from_name = data.from_name
        row.new_case_address = data.new_case_address
        row.notify_contacts = data.notify_contacts
        row.auto_mail_hourly_cap = data.hourly_cap
        s.flush()
        after = _settings_out(row)
        changes = {
            k: {"from": before.get(k), "to": v}
            for k, v in after.model_dump().items()
            if before.get(k) != v
        }
        if changes:
            audit.record(
                s, principal, corp, "mail_settings.updated", "corporation", corp, changes=changes
            )
        return after


def template_overrides(db: Database, principal: Principal) -> dict[str, TemplateText]:
    """The corporation's own templates by name."""
    require_manager(principal)
    with db.read() as s:
        rows = s.scalars(
            select(MailTemplate).where(MailTemplate.corporation_id == principal.corporation_id)
        )
        return {r.name: TemplateText(subject=r.subject, body=r.body) for r in rows}


def _check_syntax(field: str, source: str) -> None:
    try:
        _SYNTAX.parse(source)
    except TemplateSyntaxError as exc:
        raise ValidationFailed(f"{field}, line {exc.lineno}: {exc.message}", field=field) from None


def save_template(
    db: Database, principal: Principal, name: TemplateName, text: TemplateText
) -> None:
    """Replace the shipped template ``name`` for the corporation (the caller names only
    templates the channel ships)."""
    require_manager(principal)
    _check_syntax("subject", text.subject)
    _check_syntax("body", text.body)
    corp = principal.corporation_id
    with db.write() as s:
        row = s.get(MailTemplate, (corp, name))
        before = {"subject": row.subject, "body": row.body} if row is not None else {}
        if row is None:
            row = MailTemplate(corporation_id=corp, name=name)
            s.add(row)
        row.subject, row.body = text.subject, text.body
        changes = {
            k: {"from": before.get(k), "to": v}
            for k, v in {"subject": text.subject, "body": text.body}.items()
            if before.get(k) != v
        }
        if changes:
            audit.record(
                s,
                principal,
                corp,
                "mail_template.saved",
                "mail_template",
                0,
                changes={"name": {"from": None, "to": name}} | changes,
            )


def reset_template(db: Database, principal: Principal, name: TemplateName) -> None:
    """Go back to the shipped template; NotFound when the corporation has none of its own."""
    require_manager(principal)
    corp = principal.corporation_id
    with db.write() as s:
        row = s.get(MailTemplate, (corp, name))
        if row is None:
            raise NotFound(f"mail template {name!r} is the shipped one already")
        s.delete(row)
        audit.record(
            s,
            principal,
            corp,
            "mail_template.reset",
            "mail_template",
            0,
            changes={"name": {"from": name, "to": None}},
        )
