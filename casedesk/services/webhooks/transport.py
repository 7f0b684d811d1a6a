"""Sending one signed webhook request, only to addresses the operator allows.

The target's host is resolved once; every address it resolves to must be allowed
(``domain.webhooks.refusal``), and the connection goes to the address checked, not to a
second resolution a hostile DNS server could answer differently. The request keeps the
host's name in ``Host`` and, over TLS, in SNI and certificate checks. Redirects are
followed here, at most ``MAX_REDIRECTS``, each new address resolved and checked like
the first; the body and its signature go along unchanged. Proxy variables of the
environment are ignored, as a proxy would make the connection somewhere else.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

import httpx

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.webhooks import (
    EXCERPT_CHARS,
    MAX_REDIRECTS,
    AllowList,
    IpAddress,
    check_url,
    literal_address,
    refusal,
)

Resolver = Callable[[str, int], list[IpAddress]]
#: Seconds to connect, to send, and between bytes of the answer.
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
#: Seconds an attempt may take in all, redirects and reading the answer included: a
#: receiver answering a byte at a time cannot hold a sender for long.
DEADLINE = 30.0
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one delivery attempt came to: the final answer, or why there was none."""

    status: int | None
    elapsed_ms: int
    excerpt: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Refused(Exception):
    """The target resolves to an address deliveries may not reach."""


def resolve(host: str, port: int) -> list[IpAddress]:
    """Every address ``host`` resolves to, IPv4 first (in resolver order otherwise)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found = list(dict.fromkeys(ipaddress.ip_address(str(i[4][0]).split("%")[0]) for i in infos))
    return sorted(found, key=lambda a: a.version)


def check_literal(url: str, allow: AllowList) -> None:
    """Refuse, as bad input, a URL naming a forbidden address literally."""
    try:
        host = httpx.URL(url).host
    except httpx.InvalidURL:
        raise ValidationFailed("not a valid URL", field="url") from None
    address = literal_address(host)
    if address is not None and (why := refusal(host, address, allow)) is not None:
        raise ValidationFailed(f"webhooks may not be sent there: {why}", field="url")


def pin(host: str, port: int, allow: AllowList, resolver: Resolver = resolve) -> IpAddress:
    """The one address to connect to for ``host``; ``Refused`` if any is forbidden."""
    literal = literal_address(host)
    addresses = [literal] if literal is not None else resolver(host, port)
    if not addresses:
        raise Refused(f"{host} resolves to no address")
    for address in addresses:
        if (why := refusal(host, address, allow)) is not None:
            raise Refused(why)
    return addresses[0]


def post(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    allow: AllowList,
    *,
    resolver: Resolver = resolve,
    timeout: httpx.Timeout = TIMEOUT,
    verify: ssl.SSLContext | None = None,
) -> Outcome:
    """POST ``body`` to ``url`` (following allowed redirects); never raises for the
    network's or the receiver's failures, which the outcome describes. ``verify`` is
    what TLS certificates are checked against (by default the system's CAs)."""
    started = time.monotonic()
    deadline = started + DEADLINE

    def done(status: int | None = None, excerpt: str = "", error: str = "") -> Outcome:
        return Outcome(status, int((time.monotonic() - started) * 1000), excerpt, error[:500])

    try:
        current = httpx.URL(url)
    except httpx.InvalidURL as exc:
        return done(error=f"not a valid URL: {exc}")
    with httpx.Client(
        timeout=timeout, follow_redirects=False, trust_env=False, verify=verify or _system_tls()
    ) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            if time.monotonic() > deadline:
                return done(error=f"no answer within {DEADLINE:.0f} seconds")
            try:
                check_url(str(current))
                port = current.port or (443 if current.scheme == "https" else 80)
                address = pin(current.host, port, allow, resolver)
            except (Refused, ValidationFailed) as exc:
                return done(error=f"refused: {getattr(exc, 'detail', exc)} ({current.host})")
            except OSError as exc:
                return done(error=f"cannot resolve {current.host}: {exc}")
            request = client.build_request(
                "POST",
                current.copy_with(host=str(address)),
                content=body,
                headers={**headers, "Host": _host_header(current)},
                extensions={"sni_hostname": current.host} if current.scheme == "https" else {},
            )
            try:
                response = client.send(request, stream=True)
            except httpx.HTTPError as exc:
                return done(error=f"{type(exc).__name__}: {exc}")
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    current = current.join(location)
                    continue
                return done(response.status_code, _excerpt(response, deadline))
            except httpx.InvalidURL as exc:
                return done(response.status_code, error=f"redirect to an invalid URL: {exc}")
            except httpx.HTTPError as exc:
                return done(response.status_code, error=f"{type(exc).__name__}: {exc}")
            finally:
                response.close()
    return done(error=f"more than {MAX_REDIRECTS} redirects")


@cache
def _system_tls() -> ssl.SSLContext:
    """One TLS context for every request: making one loads the CA store, which costs
    more than a delivery to a nearby receiver."""
    return ssl.create_default_context()


def _host_header(url: httpx.URL) -> str:
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{host}:{url.port}" if url.port else host


def _excerpt(response: httpx.Response, deadline: float) -> str:
    """The start of the answer's body, as text (what came before the deadline)."""
    limit = EXCERPT_CHARS * 4
    data = b""
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) >= limit or time.monotonic() > deadline:
            break
    return data[:limit].decode("utf-8", "replace")[:EXCERPT_CHARS]
