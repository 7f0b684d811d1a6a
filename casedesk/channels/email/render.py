"""Outgoing mail from Jinja2 templates: the shipped ones in ``templates/``, each
replaceable per corporation (``mail_templates``).

The shipped templates come in English (``templates/<name>.txt``) and in other languages
(``templates/<tag>/<name>.txt``); the recipient's language picks one, English when that
language has none. A corporation's own version of a template is its wording for every
recipient, whatever their language.

A template file is a ``Subject:`` line, a blank line and the body. Templates run in
Jinja2's sandbox (a corporation's admins write them) and a broken one falls back to the
shipped version. Header values are cleaned of control characters and names go through
``email.headerregistry.Address``, so no name or subject can add a header. Every mail
carries our Message-ID, In-Reply-To/References of its thread, the case token in the
subject, a loop marker, and ``Auto-Submitted: auto-generated`` when automatic.
"""

from __future__ import annotations

import email.policy
from collections.abc import Callable
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import cache
from importlib import resources

from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from casedesk.channels.email.parse import LOOP_HEADER
from casedesk.domain.mail import header_text, tagged_subject
from casedesk.services.mail.planned import Identity, PlannedMail

_ENV = SandboxedEnvironment(autoescape=False, keep_trailing_newline=True)

Override = Callable[[str], tuple[str, str] | None]


@cache
def shipped(name: str, language: str | None = None) -> tuple[str, str]:
    """The shipped template ``name`` in ``language`` (English if it has none): its
    subject and body sources."""
    folder = resources.files(__package__).joinpath("templates")
    source = folder.joinpath(f"{name}.txt")
    tag = (language or "").split("-")[0].lower()
    if tag.isalpha() and folder.joinpath(tag, f"{name}.txt").is_file():
        source = folder.joinpath(tag, f"{name}.txt")
    text = source.read_text("utf-8")
    head, _, body = text.partition("\n\n")
    return head.removeprefix("Subject:").strip(), body


def shipped_names() -> list[str]:
    """The names of the shipped templates, sorted."""
    folder = resources.files(__package__).joinpath("templates")
    return sorted(f.name.removesuffix(".txt") for f in folder.iterdir() if f.name.endswith(".txt"))


def shipped_languages(name: str) -> list[str]:
    """The languages besides English the shipped template ``name`` comes in."""
    folder = resources.files(__package__).joinpath("templates")
    return sorted(
        d.name for d in folder.iterdir() if d.is_dir() and d.joinpath(f"{name}.txt").is_file()
    )


def render(
    name: str,
    context: dict[str, object],
    override: tuple[str, str] | None,
    language: str | None = None,
) -> tuple[str, str]:
    """Subject and body of template ``name``, for a reader of ``language``."""
    if override is not None:
        try:
            return _render(override, context)
        except TemplateError:
            pass  # a corporation's broken template: the shipped one still says it
    return _render(shipped(name, language), context)


def _render(sources: tuple[str, str], context: dict[str, object]) -> tuple[str, str]:
    subject, body = sources
    return _ENV.from_string(subject).render(context), _ENV.from_string(body).render(context)


def compose(
    identity: Identity,
    mail: PlannedMail,
    subject: str,
    body: str,
    *,
    corporation_id: int,
    now: datetime,
) -> EmailMessage:
    """The mail to send. Raises ValueError for an address that cannot be written."""
    domain = identity.from_address.rpartition("@")[2] or "casedesk.invalid"
    subject = header_text(subject, 400) or "(no subject)"
    if mail.case_number is not None:
        subject = tagged_subject(identity.case_prefix, mail.case_number, subject)
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = _address(identity.from_address, identity.from_name)
    msg["To"] = _address(mail.recipient, mail.recipient_name)
    if mail.cc:
        msg["Cc"] = [_address(a, "") for a in mail.cc]
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(f"c{mail.case_id or 0}", domain=domain)
    if mail.references:
        msg["In-Reply-To"] = mail.references[-1]
        msg["References"] = " ".join(mail.references)
    if mail.automatic:
        msg["Auto-Submitted"] = "auto-generated"
        msg["X-Auto-Response-Suppress"] = "All"
    msg[LOOP_HEADER] = str(corporation_id)
    msg.set_content(body)
    return msg


def _address(addr_spec: str, name: str) -> Address:
    return Address(display_name=header_text(name, 200), addr_spec=addr_spec)
