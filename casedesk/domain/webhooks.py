"""Rules of outbound webhooks, without I/O: which events a subscription may name, which
cases its filter lets through, when a failed delivery is tried again, and which network
addresses a delivery may reach.

Addresses: a webhook's URL is chosen by whoever administers a corporation, and the
server sends requests to it from inside the operator's network. So loopback, private,
link-local (which holds the cloud metadata service, 169.254.169.254), multicast,
reserved and unspecified addresses are refused unless the operator's allow-list
(``CASEDESK_WEBHOOK_ALLOW``: CIDRs and host names) names them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from casedesk.domain.errors import ValidationFailed

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: The case events a webhook may subscribe to: the topics the use-cases write to the
#: outbox with a ``case_id``.
EVENT_TYPES: dict[str, str] = {
    "case.created": "a case was opened, by any face or channel",
    "case.updated": "fields of a case changed (the payload names them)",
    "case.deleted": "a case was deleted",
    "case.cancelled": "a case was cancelled",
    "case.merged": "a case was merged into another",
    "case.split": "messages were split off into a new case",
    "case.escalated": "a case's SLA escalated it",
    "case.chaser": "the auto-close chaser went to the contact",
    "message.added": "a message or note was added",
    "attachment.added": "a file was attached",
    "sla.breached": "an SLA target was missed",
}

#: The outbox topic a rule writes to have one webhook called for one case.
REQUESTED = "webhook.requested"
#: The outbox topic that tells a corporation's admins a webhook was switched off.
DISABLED = "webhook.disabled"

#: Wait before each retry: doubling from 30 seconds, at most 6 hours apart. The last
#: attempt comes 26.5 hours after the first, so a receiver may be away a whole day.
RETRY_DELAYS: tuple[timedelta, ...] = tuple(
    min(timedelta(seconds=30 * 2**n), timedelta(hours=6)) for n in range(13)
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
#: At most this many redirects are followed, each one checked like the first address.
MAX_REDIRECTS = 5
#: How much of a receiver's answer the delivery log keeps.
EXCERPT_CHARS = 1000

#: Cloud metadata services, named apart so the refusal says what it was.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)


def retry_delay(attempts: int) -> timedelta | None:
    """How long after failed attempt number ``attempts`` (1-based) to try again; None
    when it was the last."""
    if attempts < 1 or attempts > len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[attempts - 1]


def check_event_types(values: Iterable[str]) -> list[str]:
    out = sorted(set(values))
    if not out:
        raise ValidationFailed("name at least one event type", field="event_types")
    unknown = [v for v in out if v not in EVENT_TYPES]
    if unknown:
        raise ValidationFailed(f"unknown event type {unknown[0]!r}", field="event_types")
    return out


def matches(filters: Mapping[str, Any], *, group_id: int | None, status: int | None) -> bool:
    """Whether a case passes a subscription's filter (an empty list lets all through)."""
    groups = filters.get("group_ids") or []
    statuses = filters.get("statuses") or []
    if groups and group_id not in groups:
        return False
    return not (statuses and status not in statuses)


def check_url(url: str) -> str:
    """An absolute ``http(s)://`` URL without credentials, as given; else refused."""
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url.strip()):
        raise ValidationFailed("the URL may not hold spaces or control characters", field="url")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ValidationFailed("not a valid URL", field="url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationFailed("the URL must be http:// or https:// with a host", field="url")
    if parts.username is not None or parts.password is not None:
        raise ValidationFailed("the URL may not carry a user name or password", field="url")
    if port == 0:
        raise ValidationFailed("port 0 is not a port", field="url")
    return url.strip()


@dataclass(frozen=True, slots=True)
class AllowList:
    """The operator's exceptions: networks and host names deliveries may reach even
    though they are not public."""

    networks: tuple[IpNetwork, ...] = ()
    hosts: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        networks: list[IpNetwork] = []
        hosts: set[str] = set()
        for raw in entries:
            entry = raw.strip().strip("[]").lower()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.rstrip("."))
        return cls(tuple(networks), frozenset(hosts))


def refusal(host: str, address: IpAddress, allow: AllowList) -> str | None:
    """Why ``address`` (what ``host`` resolved to) may not be reached; None if it may."""
    if host.lower().rstrip(".") in allow.hosts:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in net for net in allow.networks if net.version == address.version):
        return None
    if address in METADATA_ADDRESSES:
        return f"{address} is a cloud metadata address"
    for kind, flag in (
        ("loopback", address.is_loopback),
        ("unspecified", address.is_unspecified),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("not global", not address.is_global),
    ):
        if flag:
            return f"{address} is a {kind} address"
    return None


def literal_address(host: str) -> IpAddress | None:
    """The address a URL's host names literally (``127.0.0.1``, ``[::1]``), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
