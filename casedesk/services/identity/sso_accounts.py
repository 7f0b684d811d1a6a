"""The user an OpenID provider's validated claims sign in as, and the console session
they get.

The provider is the source of truth for the users who sign in through it: at every
sign-in the user is created or updated from the claims (name, email, role, groups) by
the provider's mapping (``domain.single_sign_on``). Someone whose claims map to no
group and no admin role is refused with a page that says so. A provider account is
tied to its user by the provider's subject (``sub``); the first time, an existing user
of the same corporation with the same (verified) email is taken over.

Second factor: a user with one of casedesk's own factors still takes the second step
after the provider, and a corporation that requires one still sends users without one
to set it up, unless the admin chose that the provider's multi-factor sign-in counts
(``provider_mfa_counts``) and its ``amr`` shows one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from casedesk.domain.errors import Forbidden
from casedesk.domain.permissions import Role
from casedesk.domain.single_sign_on import (
    GroupRule,
    Mapped,
    map_claims,
    provider_did_second_factor,
)
from casedesk.services.identity import second_factors, web_sessions
from casedesk.services.identity.auth import principal_for
from casedesk.services.identity.sealing import unseal
from casedesk.services.identity.web_sessions import SignedIn
from casedesk.services.kernel import audit
from casedesk.store.db import Database
from casedesk.store.models import (
    Contact,
    ContactEmail,
    Group,
    GroupMembership,
    ProviderSession,
    SignInIdentity,
    SignInProvider,
    User,
)


class SignInRefused(Forbidden):
    """The provider vouched for the person, but casedesk does not let them in."""

    code = "sign-in-refused"


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """A provider's settings as a sign-in needs them, with its secret unsealed."""

    id: int
    corporation_id: int
    name: str
    audience: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    groups_claim: str
    group_rules: tuple[GroupRule, ...]
    admin_claim: str
    admin_values: tuple[str, ...]
    provider_mfa_counts: bool
    sign_out_at_provider: bool


def config_of(row: SignInProvider, secret_key: str) -> ProviderConfig:
    return ProviderConfig(
        row.id,
        row.corporation_id,
        row.name,
        row.audience,
        row.issuer,
        row.client_id,
        unseal(secret_key, row.client_secret_sealed),
        row.scopes,
        row.groups_claim,
        tuple(GroupRule(str(r["value"]), int(r["group_id"])) for r in row.group_map),
        row.admin_claim,
        tuple(row.admin_values),
        row.provider_mfa_counts,
        row.sign_out_at_provider,
    )


def _email(claims: Mapping[str, Any]) -> str:
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise SignInRefused(
            "the sign-in provider did not tell casedesk your email address; "
            "ask an admin to add the email scope"
        )
    if claims.get("email_verified") is False:
        raise SignInRefused("your email address is not verified at the sign-in provider")
    return email.strip().lower()


def sign_in(
    db: Database, config: ProviderConfig, claims: Mapping[str, Any], id_token: str, *, now: datetime
) -> SignedIn:
    """Create or update the user of ``claims`` and open their console session."""
    subject = str(claims["sub"])
    email = _email(claims)
    mapped = map_claims(
        claims,
        groups_claim=config.groups_claim,
        group_rules=config.group_rules,
        admin_claim=config.admin_claim,
        admin_values=config.admin_values,
    )
    with db.read() as s:
        # A rule may name a group removed since: it maps to nothing.
        existing = set(
            s.scalars(select(Group.id).where(Group.corporation_id == config.corporation_id))
        )
    mapped = Mapped(mapped.is_admin, frozenset(g for g in mapped.group_ids if g in existing))
    if not mapped.allowed:
        raise SignInRefused(
            f"your account at {config.name} gives you no group and no role in casedesk; "
            "ask an admin to give you access"
        )
    name = claims.get("name")
    with db.write() as s:
        identity = s.scalars(
            select(SignInIdentity).where(
                SignInIdentity.provider_id == config.id, SignInIdentity.subject == subject
            )
        ).one_or_none()
        user = (
            s.get(User, identity.user_id)
            if identity is not None
            else s.scalars(select(User).where(User.email == email)).one_or_none()
        )
        if user is not None and user.corporation_id != config.corporation_id:
            raise SignInRefused("this email address belongs to another organization here")
        if user is not None and not user.is_active:
            raise SignInRefused("your casedesk account is disabled")
        role = Role.ADMIN if mapped.is_admin else Role.AGENT
        before: dict[str, Any] = {}
        if user is None:
            user = User(
                corporation_id=config.corporation_id,
                email=email,
                name=name if isinstance(name, str) else "",
                role=role.value,
            )
            s.add(user)
            s.flush()
            audit.record(
                s,
                None,
                config.corporation_id,
                "user.created",
                "user",
                user.id,
                changes={"role": {"from": None, "to": role.value}},
                at=now,
                actor_label=config.name,
            )
        else:
            before = {"role": user.role, "name": user.name}
            user.role = role.value
            if isinstance(name, str) and name:
                user.name = name[:200]
            taken = s.scalar(select(User.id).where(User.email == email, User.id != user.id))
            if taken is None:
                user.email = email
        if identity is None:
            identity = SignInIdentity(provider_id=config.id, subject=subject, user_id=user.id)
            s.add(identity)
        identity.last_sign_in_at = now
        groups_before = _set_groups(s, user.id, mapped.group_ids)
        changes = {
            key: {"from": value, "to": getattr(user, key)}
            for key, value in before.items()
            if value != getattr(user, key)
        }
        if groups_before != mapped.group_ids:
            changes["group_ids"] = {"from": sorted(groups_before), "to": sorted(mapped.group_ids)}
        if changes and before:
            audit.record(
                s,
                None,
                config.corporation_id,
                "user.updated",
                "user",
                user.id,
                changes=changes,
                at=now,
                actor_label=config.name,
            )
        provider_mfa = config.provider_mfa_counts and provider_did_second_factor(claims.get("amr"))
        pending = None
        if not provider_mfa:
            if second_factors.has_second_factor(s, user.id):
                pending = "verify"
            elif second_factors.required_for(s, user.corporation_id):
                pending = "enrol"
        signed_in, session_id = web_sessions.open_user_session(s, user, now, pending)
        s.add(ProviderSession(web_session_id=session_id, provider_id=config.id, id_token=id_token))
        audit.record(
            s,
            principal_for(s, user),
            user.corporation_id,
            "user.signed_in",
            "user",
            user.id,
            changes={"method": {"from": None, "to": f"oidc:{config.name}"}},
            at=now,
        )
        return signed_in


def sign_in_contact(
    db: Database, config: ProviderConfig, claims: Mapping[str, Any], *, now: datetime
) -> SignedIn:
    """A portal session for the customer contact whose email the provider vouches for.
    Contacts are not created here: only a contact the helpdesk already knows, of the
    provider's corporation, signs in."""
    email = _email(claims)
    with db.write() as s:
        contact = s.scalars(
            select(Contact)
            .join(ContactEmail, ContactEmail.contact_id == Contact.id)
            .where(ContactEmail.email == email, Contact.corporation_id == config.corporation_id)
            .order_by(Contact.id)
        ).first()
        if contact is None:
            raise SignInRefused(
                "there is no customer account with this email address here; "
                "ask the helpdesk for access"
            )
        return web_sessions.open_contact_session(s, contact, now, f"oidc:{config.name}")


def _set_groups(s: Any, user_id: int, wanted: frozenset[int]) -> frozenset[int]:
    """Make the user's groups exactly ``wanted``; the groups they had before."""
    had = frozenset(
        s.scalars(select(GroupMembership.group_id).where(GroupMembership.user_id == user_id))
    )
    gone = had - wanted
    if gone:
        s.execute(
            delete(GroupMembership).where(
                GroupMembership.user_id == user_id, GroupMembership.group_id.in_(gone)
            )
        )
    s.add_all(GroupMembership(group_id=g, user_id=user_id) for g in sorted(wanted - had))
    return had
