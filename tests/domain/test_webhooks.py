"""Webhook rules as tables: which addresses are refused and which the allow-list opens,
the retry schedule, filters, URLs and event types."""

from __future__ import annotations

import ipaddress
import itertools
from datetime import timedelta

import pytest

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.webhooks import (
    EVENT_TYPES,
    MAX_ATTEMPTS,
    AllowList,
    check_event_types,
    check_url,
    matches,
    refusal,
    retry_delay,
)

NOTHING = AllowList.parse([])


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.10.0.5", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("100.64.0.1", "global"),
        ("240.0.0.1", "private"),
        ("192.0.2.7", "private"),
    ],
)
def test_addresses_that_are_not_public_are_refused(address: str, kind: str) -> None:
    why = refusal("hooks.example.org", ipaddress.ip_address(address), NOTHING)
    assert why is not None and kind in why


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::6810:84e5", "8.8.8.8"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert refusal("hooks.example.org", ipaddress.ip_address(address), NOTHING) is None


@pytest.mark.parametrize(
    ("entries", "host", "address", "allowed"),
    [
        (["127.0.0.1"], "127.0.0.1", "127.0.0.1", True),
        (["127.0.0.0/8"], "localhost", "127.0.0.2", True),
        (["127.0.0.1/32"], "localhost", "127.0.0.2", False),
        (["10.0.0.0/8"], "crm.intranet", "10.1.2.3", True),
        (["10.0.0.0/8"], "crm.intranet", "192.168.0.1", False),
        (["crm.intranet"], "CRM.intranet.", "192.168.0.1", True),
        (["crm.intranet"], "other.intranet", "192.168.0.1", False),
        (["[::1]"], "::1", "::1", True),
        (["::1"], "localhost", "127.0.0.1", False),
        (["169.254.169.254/32"], "169.254.169.254", "169.254.169.254", True),
        ([" ", ""], "localhost", "127.0.0.1", False),
    ],
)
def test_the_allow_list_opens_what_it_names(
    entries: list[str], host: str, address: str, allowed: bool
) -> None:
    why = refusal(host, ipaddress.ip_address(address), AllowList.parse(entries))
    assert (why is None) is allowed


def test_retries_span_more_than_a_day_and_back_off() -> None:
    delays = [retry_delay(n) for n in range(1, MAX_ATTEMPTS)]
    assert all(d is not None for d in delays)
    steps = [d for d in delays if d is not None]
    assert steps[0] == timedelta(seconds=30)
    assert all(b >= a for a, b in itertools.pairwise(steps))
    assert sum(steps, timedelta()) >= timedelta(hours=24)
    assert max(steps) <= timedelta(hours=6)
    assert retry_delay(MAX_ATTEMPTS) is None
    assert retry_delay(0) is None


@pytest.mark.parametrize(
    ("filters", "group_id", "status", "passes"),
    [
        ({}, 1, 1, True),
        ({"group_ids": [], "statuses": []}, 1, 1, True),
        ({"group_ids": [1, 2]}, 2, 1, True),
        ({"group_ids": [1, 2]}, 3, 1, False),
        ({"statuses": [1, 7]}, 3, 7, True),
        ({"statuses": [1, 7]}, 3, 2, False),
        ({"group_ids": [3], "statuses": [2]}, 3, 2, True),
        ({"group_ids": [3], "statuses": [2]}, 3, 1, False),
    ],
)
def test_filters(filters: dict[str, list[int]], group_id: int, status: int, passes: bool) -> None:
    assert matches(filters, group_id=group_id, status=status) is passes


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/",
        "http:///path",
        "example.org/hook",
        "https://user:pw@example.org/",
        "https://example.org:0/",
        "https://example.org:99999/",
        "https://exa mple.org/",
        "https://example.org/\x7f",
    ],
)
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_url(url)
    assert refused.value.field == "url"


def test_good_urls_are_kept() -> None:
    assert check_url(" https://hooks.example.org:8443/in?x=1 ") == (
        "https://hooks.example.org:8443/in?x=1"
    )


def test_event_types_are_known_and_sorted() -> None:
    assert check_event_types(["message.added", "case.created", "case.created"]) == [
        "case.created",
        "message.added",
    ]
    assert set(check_event_types(EVENT_TYPES)) == set(EVENT_TYPES)
    for bad in ([], ["case.exploded"]):
        with pytest.raises(ValidationFailed):
            check_event_types(bad)
