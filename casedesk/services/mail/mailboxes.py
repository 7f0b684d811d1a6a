"""Mailboxes the email channel polls, per corporation, and the corporation's mail
settings. ``CASEDESK_IMAP_URL`` names one more mailbox, for the first corporation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from casedesk.domain.errors import Conflict, NotFound, ValidationFailed
from casedesk.services.kernel.bootstrap import default_corporation
from casedesk.store.db import Database
from casedesk.store.models import Group, Mailbox, MailboxOAuth, MailSettings

ACTIONS = ("flag", "move")


@dataclass(frozen=True, slots=True)
class MailboxConfig:
    id: int | None
    corporation_id: int
    imap_url: str
    folder: str
    action: str
    move_to: str | None
    #: Signs in with an OAuth2 access token (``mailbox_tokens``) instead of a password.
    oauth: bool = False


def add_mailbox(
    db: Database,
    corporation_id: int,
    name: str,
    imap_url: str,
    *,
    folder: str = "",
    action: str = "flag",
    move_to: str | None = None,
    default_group_id: int | None = None,
) -> int:
    """A mailbox to poll; ``folder`` empty means the folder the URL names (else INBOX)."""
    if action not in ACTIONS:
        raise ValidationFailed("processed mail is flagged or moved", field="action")
    if action == "move" and not move_to:
        raise ValidationFailed("moving processed mail needs a folder", field="move_to")
    with db.write() as s:
        if s.scalar(
            select(Mailbox.id).where(Mailbox.corporation_id == corporation_id, Mailbox.name == name)
        ):
            raise Conflict(f"a mailbox named {name!r} exists already")
        if (
            default_group_id is not None
            and s.scalar(
                select(Group.id).where(
                    Group.id == default_group_id, Group.corporation_id == corporation_id
                )
            )
            is None
        ):
            raise ValidationFailed(
                f"group {default_group_id} does not exist", field="default_group_id"
            )
        box = Mailbox(
            corporation_id=corporation_id,
            name=name,
            imap_url=imap_url,
            folder=folder,
            processed_action=action,
            move_to=move_to,
            default_group_id=default_group_id,
            is_active=True,
        )
        s.add(box)
        s.flush()
        return box.id


def active_mailboxes(db: Database, env_imap_url: str | None = None) -> list[MailboxConfig]:
    with db.read() as s:
        oauth = set(s.scalars(select(MailboxOAuth.mailbox_id)))
        boxes = [
            MailboxConfig(
                b.id,
                b.corporation_id,
                b.imap_url,
                b.folder,
                b.processed_action,
                b.move_to,
                b.id in oauth,
            )
            for b in s.scalars(
                select(Mailbox).where(Mailbox.is_active.is_(True)).order_by(Mailbox.id)
            )
        ]
    if env_imap_url:
        boxes.append(
            MailboxConfig(None, default_corporation_id(db), env_imap_url, "", "flag", None)
        )
    return boxes


def mailbox_corporation(db: Database, mailbox_id: int) -> int:
    with db.read() as s:
        corp = s.scalar(select(Mailbox.corporation_id).where(Mailbox.id == mailbox_id))
    if corp is None:
        raise NotFound(f"mailbox {mailbox_id} not found", mailbox_id=mailbox_id)
    return int(corp)


def default_corporation_id(db: Database) -> int:
    with db.write() as s:
        return default_corporation(s).id


def set_mail_settings(
    db: Database,
    corporation_id: int,
    *,
    from_address: str,
    from_name: str = "",
    new_case_address: str | None = None,
    notify_contacts: bool = True,
    hourly_cap: int = 10,
) -> None:
    if hourly_cap < 0:
        raise ValidationFailed("the hourly cap is not negative", field="hourly_cap")
    with db.write() as s:
        row = s.get(MailSettings, corporation_id)
        if row is None:
            row = MailSettings(corporation_id=corporation_id)
            s.add(row)
        row.from_address = from_address.strip().lower()
        row.from_name = from_name
        row.new_case_address = new_case_address
        row.notify_contacts = notify_contacts
        row.auto_mail_hourly_cap = hourly_cap
