"""What an OpenID provider's claims make of a user: their role and groups, and
whether the provider's sign-in already was a second factor.

Pure rules over the claims of a validated ID token, so every case is a row of a table
in the tests. The provider is the source of truth for the users who sign in through
it: their groups and role are set from the claims at every sign-in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: ``amr`` values (RFC 8176) of something the user has or is, beside a password.
STRONG_METHODS = frozenset(
    {"hwk", "swk", "otp", "sms", "tel", "sc", "fpt", "face", "iris", "retina", "vbm", "pop"}
)


@dataclass(frozen=True, slots=True)
class GroupRule:
    """Users whose groups claim holds ``value`` belong to the group ``group_id``."""

    value: str
    group_id: int


@dataclass(frozen=True, slots=True)
class Mapped:
    """What the claims give: admin or not, and the groups (ids) to belong to."""

    is_admin: bool
    group_ids: frozenset[int]

    @property
    def allowed(self) -> bool:
        """A user who maps to no group and no admin role may not sign in: an agent of
        no group would see nothing and is most likely not meant to be here."""
        return self.is_admin or bool(self.group_ids)


def _claim(claims: Mapping[str, object], name: str) -> object:
    """Claim ``name``; a dotted name that is no claim of its own walks into objects
    (Keycloak's realm roles are ``realm_access.roles``)."""
    if name in claims or "." not in name:
        return claims.get(name)
    value: object = claims
    for part in name.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def claim_values(claims: Mapping[str, object], name: str) -> frozenset[str]:
    """The values of claim ``name`` as strings: a list of them, or one string (some
    providers send a single group as a string, or a space-separated list)."""
    value = _claim(claims, name)
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, Sequence):
        return frozenset(str(v) for v in value if isinstance(v, (str, int)))
    return frozenset()


def map_claims(
    claims: Mapping[str, object],
    *,
    groups_claim: str,
    group_rules: Sequence[GroupRule],
    admin_claim: str,
    admin_values: Sequence[str],
) -> Mapped:
    """The role and groups ``claims`` give under the provider's mapping."""
    values = claim_values(claims, groups_claim)
    groups = frozenset(rule.group_id for rule in group_rules if rule.value in values)
    admin = bool(claim_values(claims, admin_claim) & set(admin_values))
    return Mapped(admin, groups)


def provider_did_second_factor(amr: object) -> bool:
    """Whether the provider's ``amr`` says the user signed in with more than one factor:
    ``mfa``, or a password together with something they have or are."""
    if not isinstance(amr, list):
        return False
    methods = {m for m in amr if isinstance(m, str)}
    return "mfa" in methods or (len(methods) >= 2 and bool(methods & STRONG_METHODS))
