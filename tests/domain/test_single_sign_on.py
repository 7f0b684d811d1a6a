"""What a provider's claims make of a user, and when its sign-in was a second factor."""

from __future__ import annotations

import pytest

from casedesk.domain.single_sign_on import (
    GroupRule,
    claim_values,
    map_claims,
    provider_did_second_factor,
)

RULES = (GroupRule("support", 1), GroupRule("billing", 2), GroupRule("support", 3))


@pytest.mark.parametrize(
    ("claims", "admin", "groups", "allowed"),
    [
        ({"groups": ["support"]}, False, {1, 3}, True),
        ({"groups": ["billing", "other"]}, False, {2}, True),
        ({"groups": "support billing"}, False, {1, 2, 3}, True),
        ({"groups": ["other"]}, False, set(), False),
        ({"groups": []}, False, set(), False),
        ({}, False, set(), False),
        ({"groups": None}, False, set(), False),
        ({"groups": {"support": True}}, False, set(), False),
        ({"roles": ["casedesk.admin"]}, True, set(), True),
        ({"roles": "casedesk.admin", "groups": ["billing"]}, True, {2}, True),
        ({"roles": ["casedesk.reader"], "groups": ["x"]}, False, set(), False),
    ],
)
def test_claims_map_to_role_and_groups(
    claims: dict[str, object], admin: bool, groups: set[int], allowed: bool
) -> None:
    mapped = map_claims(
        claims,
        groups_claim="groups",
        group_rules=RULES,
        admin_claim="roles",
        admin_values=("casedesk.admin",),
    )
    assert (mapped.is_admin, set(mapped.group_ids), mapped.allowed) == (admin, groups, allowed)


def test_claim_values_take_lists_strings_and_numbers() -> None:
    assert claim_values({"g": ["a", 7, None, {"x": 1}]}, "g") == {"a", "7"}
    assert claim_values({"g": "a b"}, "g") == {"a", "b"}
    assert claim_values({"g": 5}, "g") == frozenset()


def test_a_dotted_claim_name_reaches_into_objects() -> None:
    claims = {"realm_access": {"roles": ["admin", "user"]}, "a.b": ["flat"]}
    assert claim_values(claims, "realm_access.roles") == {"admin", "user"}
    assert claim_values(claims, "a.b") == {"flat"}
    assert claim_values(claims, "realm_access.missing") == frozenset()
    assert claim_values({"x": "text"}, "x.y") == frozenset()


@pytest.mark.parametrize(
    ("amr", "counts"),
    [
        (["mfa"], True),
        (["pwd", "otp"], True),
        (["pwd", "hwk"], True),
        (["fpt", "pwd"], True),
        (["pwd"], False),
        (["otp"], False),
        (["pwd", "kba"], False),
        ([], False),
        (None, False),
        ("mfa", False),
    ],
)
def test_the_providers_amr_is_a_second_factor_only_with_two_kinds(
    amr: object, counts: bool
) -> None:
    assert provider_did_second_factor(amr) is counts
