"""No requests to where the operator has not allowed them: loopback, link-local (the
cloud metadata service) and IPv6 loopback are refused, named literally, behind a host
name, or at the end of a redirect, each without a connection to them; the allow-list
opens exactly what it names."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime
from pathlib import Path

import pytest

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.webhooks import AllowList
from casedesk.services.webhooks import delivery, dispatch, log, subscriptions
from casedesk.services.webhooks.subscriptions import WebhookCreate
from casedesk.services.webhooks.transport import post
from casedesk.store.db import Database
from tests.factories import make_case, make_world
from tests.services.webhooks.receiver import Receiver, run_receiver
from tests.support.tls import CertificateAuthority

NOTHING = AllowList.parse([])
BODY = b'{"type": "case.created"}'


@pytest.mark.parametrize(
    ("host", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("[::1]", "loopback"),
        ("169.254.169.254", "metadata"),
        ("10.1.2.3", "private"),
        ("0.0.0.0", "unspecified"),
        ("[::ffff:127.0.0.1]", "loopback"),
        ("224.0.0.1", "multicast"),
    ],
)
def test_a_forbidden_address_is_refused_without_a_connection(
    receiver: Receiver, host: str, why: str
) -> None:
    outcome = post(receiver.url(host=host), BODY, {}, NOTHING)
    assert outcome.status is None
    assert outcome.error.startswith("refused") and why in outcome.error
    assert receiver.requests == []


def test_a_host_name_resolving_to_loopback_is_refused(receiver: Receiver) -> None:
    outcome = post(receiver.url(host="localhost"), BODY, {}, NOTHING)
    assert "refused" in outcome.error and "loopback" in outcome.error
    assert receiver.requests == []


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/hook",
        "http://0x7f000001:{port}/hook",
    ],
)
def test_a_redirect_to_a_forbidden_address_is_refused(receiver: Receiver, target: str) -> None:
    """``localhost`` is allowed by name, so the first hop goes through; where it sends
    the request next is checked again and refused."""
    receiver.redirects["/start"] = target.format(port=receiver.port)
    outcome = post(
        receiver.url("/start", host="localhost"), BODY, {}, AllowList.parse(["localhost"])
    )
    assert outcome.status is None
    assert outcome.error.startswith("refused")
    assert [r.path for r in receiver.requests] == ["/start"]


def test_an_allowed_redirect_is_followed_with_the_same_body(receiver: Receiver) -> None:
    receiver.redirects["/start"] = receiver.url("/hook")
    outcome = post(
        receiver.url("/start"), BODY, {"webhook-id": "msg_1"}, AllowList.parse(["127.0.0.1"])
    )
    assert outcome.status == 200
    assert [(r.path, r.body, r.headers["webhook-id"]) for r in receiver.requests] == [
        ("/start", BODY, "msg_1"),
        ("/hook", BODY, "msg_1"),
    ]


def test_the_allow_list_names_networks_and_hosts(receiver: Receiver) -> None:
    assert post(receiver.url(), BODY, {}, AllowList.parse(["127.0.0.0/8"])).status == 200
    by_name = post(receiver.url(host="localhost"), BODY, {}, AllowList.parse(["localhost"]))
    assert by_name.status == 200
    assert receiver.requests[-1].headers["Host"] == f"localhost:{receiver.port}"
    other_net = post(receiver.url(), BODY, {}, AllowList.parse(["10.0.0.0/8", "example.org"]))
    assert "refused" in other_net.error
    assert len(receiver.requests) == 2


def test_a_literal_forbidden_address_is_refused_when_the_webhook_is_saved(
    db: Database,
) -> None:
    world = make_world(db)
    for url in ("http://127.0.0.1/hook", "http://[::1]/hook", "http://169.254.169.254/"):
        with pytest.raises(ValidationFailed) as refused:
            subscriptions.create_webhook(
                db,
                world.admin.principal,
                WebhookCreate(url=url, event_types=["case.created"]),
                NOTHING,
            )
        assert refused.value.field == "url"
    assert subscriptions.list_webhooks(db, world.admin.principal) == []


def test_a_delivery_to_a_forbidden_host_is_logged_as_refused(
    db: Database, receiver: Receiver
) -> None:
    world = make_world(db)
    hook = subscriptions.create_webhook(
        db,
        world.admin.principal,
        WebhookCreate(url=receiver.url(host="localhost"), event_types=["case.created"]),
        NOTHING,
    )
    make_case(db, world.admin)
    now = datetime.now(UTC)
    dispatch.fan_out(db, now)
    assert delivery.deliver_due(db, now, NOTHING) == 1
    [logged] = log.list_deliveries(db, world.admin.principal, hook.id)
    assert logged.state == "pending" and logged.response_status is None
    assert "loopback" in logged.error
    assert receiver.requests == []


def test_over_tls_the_pinned_address_keeps_the_host_name_for_sni_and_the_certificate(
    tmp_path: Path,
) -> None:
    """The connection goes to the address checked (127.0.0.1), yet the certificate, made
    for ``localhost`` only, is checked against the host name, which SNI and ``Host``
    carry too; a certificate for another name is refused."""
    ca = CertificateAuthority.create(tmp_path / "ca", "Webhook test CA")
    trust = ssl.create_default_context(cafile=str(ca.pem))
    allow = AllowList.parse(["localhost"])
    good = ca.issue("receiver", hosts=("localhost",)).server_context()
    with run_receiver(tls=good) as receiver:
        outcome = post(receiver.url(host="localhost"), BODY, {}, allow, verify=trust)
        assert outcome.status == 200, outcome.error
        assert receiver.requests[0].headers["Host"] == f"localhost:{receiver.port}"
    wrong = ca.issue("other", hosts=("other.test",)).server_context()
    with run_receiver(tls=wrong) as receiver:
        outcome = post(receiver.url(host="localhost"), BODY, {}, allow, verify=trust)
        assert outcome.status is None and "certificate" in outcome.error.lower()
        assert receiver.requests == []
