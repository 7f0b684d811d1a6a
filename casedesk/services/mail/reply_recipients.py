"""Who an agent's reply goes to: the To and CC a reply starts with, and reading the To
and CC an agent chose.

A reply goes to the case's contact (their first address, else the address the case came
from). Its copies go to everyone else the customer's last mail was addressed to (its CC,
less our own addresses and agents), and to the case's secondary contacts, the
contacts who follow the case. The composer shows these, editable; what the agent sends
is kept with the message (``email_headers`` ``to`` and ``cc``) and delivery uses exactly
that. A reply without chosen recipients (one written through the API) gets the defaults.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import getaddresses

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.members import MemberRole
from casedesk.domain.permissions import Principal
from casedesk.services.kernel.access import load_case
from casedesk.store.db import Database
from casedesk.store.models import (
    Case,
    CaseMember,
    CaseMessage,
    CaseSecondaryContact,
    Contact,
    ContactEmail,
    MailSettings,
    User,
)

#: A comma that separates addresses: one outside double quotes ("Berg, Julia" <j@x.test>).
_OUTSIDE_QUOTES = re.compile(r',(?=(?:[^"]*"[^"]*")*[^"]*$)')
#: Most addresses one reply may go to (To and CC together).
MAX_RECIPIENTS = 50


@dataclass(frozen=True, slots=True)
class Recipients:
    to: list[str]
    cc: list[str]


def reply_recipients(db: Database, principal: Principal, case_id: int) -> Recipients:
    """The To and CC a reply on the case starts with, if the caller may see it."""
    with db.read() as s:
        case = load_case(s, principal, case_id)
        return default_recipients(s, case)


def contact_identity(s: Session, case: Case) -> tuple[str, set[str]]:
    """The name and addresses of the case's contact (empty without one)."""
    contact_id = _contact_id(s, case)
    contact = s.get(Contact, contact_id) if contact_id is not None else None
    if contact is None:
        return "", set()
    emails = s.scalars(select(ContactEmail.email).where(ContactEmail.contact_id == contact.id))
    name = f"{contact.first_name} {contact.last_name}".strip()
    return name, {e.lower() for e in emails}


def default_recipients(s: Session, case: Case) -> Recipients:
    contact_id = _contact_id(s, case)
    to = _first_address(s, contact_id) if contact_id is not None else ""
    to = to or (case.from_address or "").lower()
    ours = _our_addresses(s, case.corporation_id)
    cc: list[str] = []
    last = s.scalars(
        select(CaseMessage.email_headers)
        .where(
            CaseMessage.case_id == case.id,
            CaseMessage.direction == "inbound",
            CaseMessage.email_headers.is_not(None),
        )
        .order_by(CaseMessage.id.desc())
        .limit(1)
    ).first()
    if last:
        value = last.get("cc")
        if isinstance(value, str):
            cc += [a for a in _lenient(value) if a not in ours]
    followers = s.scalars(
        select(CaseSecondaryContact.contact_id)
        .where(CaseSecondaryContact.case_id == case.id)
        .order_by(CaseSecondaryContact.position)
    ).all()
    for follower in followers:
        address = _first_address(s, follower)
        if address:
            cc.append(address)
    unique = [a for a in dict.fromkeys(cc) if a != to]
    return Recipients([to] if to else [], unique[:MAX_RECIPIENTS])


def reply_addresses(
    s: Session, case: Case, headers: dict[str, object] | None
) -> tuple[str, str, tuple[str, ...]] | None:
    """Where an agent's reply goes: its To, the To's name (the contact's, if it is
    theirs) and its copies; None when it goes to nobody."""
    chosen = chosen_recipients(headers)
    found = chosen if chosen is not None else default_recipients(s, case)
    addresses = [*found.to, *found.cc]
    if not addresses:
        return None
    to = addresses[0]
    name, theirs = contact_identity(s, case)
    return to, (name if to in theirs else ""), tuple(a for a in addresses[1:] if a != to)


def chosen_recipients(headers: dict[str, object] | None) -> Recipients | None:
    """The To and CC kept with a reply sent from the composer, or None."""
    if not headers or "to" not in headers:
        return None
    to, cc = headers.get("to"), headers.get("cc")
    return Recipients(
        parse_addresses(to, field="to") if isinstance(to, str) else [],
        parse_addresses(cc, field="cc") if isinstance(cc, str) else [],
    )


def parse_addresses(text: str, *, field: str) -> list[str]:
    """Addresses in a header-like list (``Ann <ann@x.test>, bo@y.test``), lower case,
    each once; ValidationFailed naming the first that is not an address."""
    out: list[str] = []
    for chunk in _OUTSIDE_QUOTES.split(text):
        if not chunk.strip():
            continue
        found = getaddresses([chunk])
        address = found[0][1].strip().lower() if len(found) == 1 else ""
        local, at, domain = address.rpartition("@")
        if not at or not local or "." not in domain or any(c.isspace() for c in address):
            raise ValidationFailed(f"{chunk.strip()!r} is not an email address", field=field)
        out.append(address)
    unique = list(dict.fromkeys(out))
    if len(unique) > MAX_RECIPIENTS:
        raise ValidationFailed(f"at most {MAX_RECIPIENTS} addresses", field=field)
    return unique


def _contact_id(s: Session, case: Case) -> int | None:
    return s.scalar(
        select(CaseMember.contact_id)
        .where(
            CaseMember.case_id == case.id,
            CaseMember.role == int(MemberRole.CONTACT),
            CaseMember.end_at.is_(None),
        )
        .limit(1)
    )


def _lenient(text: str) -> list[str]:
    """The well-formed addresses of a header a customer's mail client wrote."""
    out = []
    for chunk in _OUTSIDE_QUOTES.split(text):
        try:
            out += parse_addresses(chunk, field="cc")
        except ValidationFailed:
            continue
    return out


def _first_address(s: Session, contact_id: int) -> str:
    found = s.scalar(
        select(ContactEmail.email)
        .where(ContactEmail.contact_id == contact_id)
        .order_by(ContactEmail.is_primary.desc(), ContactEmail.id)
        .limit(1)
    )
    return (found or "").lower()


def _our_addresses(s: Session, corporation_id: int) -> set[str]:
    """Addresses that are ours, never a customer's copy: the mail identity and agents."""
    ours = {
        e.lower()
        for e in s.scalars(select(User.email).where(User.corporation_id == corporation_id))
    }
    settings = s.get(MailSettings, corporation_id)
    if settings is not None:
        ours.add(settings.from_address.lower())
    return ours
