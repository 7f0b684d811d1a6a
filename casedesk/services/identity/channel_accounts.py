"""The accounts channels act as: the email channel and the customer portal write
through the same use-cases as people do, as an admin that cannot sign in (no password,
inactive), one per corporation and channel, made on first use. The audit log and the
cases they open name it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.permissions import Principal, Role
from casedesk.store.models import User


def channel_account(s: Session, corporation_id: int, channel: str, name: str) -> Principal:
    """The account of ``channel`` (a slug, e.g. ``email-channel``) in the corporation."""
    email = f"{channel}+{corporation_id}@casedesk.invalid"
    user_id = s.scalar(select(User.id).where(User.email == email))
    if user_id is None:
        user = User(
            corporation_id=corporation_id,
            email=email,
            name=name,
            role=Role.ADMIN.value,
            password_hash=None,
            is_active=False,
        )
        s.add(user)
        s.flush()
        user_id = user.id
    return Principal(user_id, corporation_id, Role.ADMIN)
