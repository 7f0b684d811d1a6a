"""Webhooks end to end against a real receiver on loopback: a case event arrives signed
so the ``standardwebhooks`` verifier accepts it, filters and corporations keep cases
apart, a failing receiver is tried again on the back-off schedule (the clock driven by
hand), and one that fails for over a day is switched off with a mail to the admins."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook as Verifier

from casedesk.channels.email.delivery import deliver_outbox
from casedesk.domain.webhooks import AllowList
from casedesk.services.kernel import audit
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.services.webhooks import delivery, dispatch, log, subscriptions
from casedesk.services.webhooks.subscriptions import WebhookCreate, WebhookFilter
from casedesk.store.db import Database
from casedesk.store.models import Webhook, WebhookDelivery
from tests.channels.email.conftest import run_smtp
from tests.factories import World, make_actor, make_case, make_world
from tests.services.webhooks.receiver import Receiver

LOOPBACK = AllowList.parse(["127.0.0.0/8"])


def subscribe(
    db: Database, world: World, url: str, events: list[str], **extra: object
) -> subscriptions.WebhookWithSecret:
    data = WebhookCreate(url=url, event_types=events, **extra)  # type: ignore[arg-type]
    return subscriptions.create_webhook(db, world.admin.principal, data, LOOPBACK)


def run(db: Database, now: datetime, allow: AllowList = LOOPBACK) -> int:
    """What the ``webhooks`` job does at ``now``."""
    dispatch.fan_out(db, now)
    return delivery.deliver_due(db, now, allow)


def deliveries(db: Database, webhook_id: int) -> list[WebhookDelivery]:
    with db.read() as s:
        return list(
            s.scalars(
                select(WebhookDelivery)
                .where(WebhookDelivery.webhook_id == webhook_id)
                .order_by(WebhookDelivery.id)
            )
        )


def test_a_new_case_reaches_the_receiver_signed(db: Database, receiver: Receiver) -> None:
    world = make_world(db)
    hook = subscribe(db, world, receiver.url(), ["case.created"])
    assert hook.secret.startswith("whsec_")
    case = make_case(db, world.admin, group_id=world.group_a)

    assert run(db, datetime.now(UTC)) == 1

    [request] = receiver.requests
    assert request.path == "/hook"
    payload = Verifier(hook.secret).verify(request.body, request.headers)
    assert payload["type"] == "case.created"
    assert payload["data"]["case"]["id"] == case.id
    assert payload["data"]["case"]["reference"] == case.reference
    assert payload["data"]["event"]["case_id"] == case.id
    with pytest.raises(Exception, match="signature"):
        Verifier(subscriptions.new_secret()).verify(request.body, request.headers)

    [logged] = log.list_deliveries(db, world.admin.principal, hook.id)
    assert (logged.state, logged.response_status, logged.attempts) == ("delivered", 200, 1)
    assert logged.response_excerpt == '{"received": true}'
    assert logged.response_ms is not None
    assert run(db, datetime.now(UTC)) == 0  # nothing is sent twice


def test_only_subscribed_events_of_matching_cases_of_its_corporation_go_out(
    db: Database, receiver: Receiver
) -> None:
    world = make_world(db)
    hook = subscribe(
        db,
        world,
        receiver.url(),
        ["case.created"],
        filters=WebhookFilter(group_ids=[world.group_b]),
    )
    make_case(db, world.admin, group_id=world.group_a)  # filtered out
    wanted = make_case(db, world.admin, group_id=world.group_b)
    with db.write() as s:  # another corporation's case, and an event not subscribed
        other_corp = create_corporation(s, "Other", "OT-").id
        audit.emit(s, world.corporation_id, "case.deleted", {"case_id": wanted.id})
    other_admin = make_actor(db, "admin@other.test", "admin", [], other_corp)
    make_case(db, other_admin)

    run(db, datetime.now(UTC))

    bodies = [json.loads(r.body) for r in receiver.requests]
    assert [(b["type"], b["data"]["case"]["id"]) for b in bodies] == [("case.created", wanted.id)]
    assert len(deliveries(db, hook.id)) == 1


def test_a_rule_requests_one_webhook_for_one_case(db: Database, receiver: Receiver) -> None:
    world = make_world(db)
    hook = subscribe(db, world, receiver.url(), ["case.deleted"])
    other = subscribe(db, world, receiver.url("/other"), ["case.deleted"])
    case = make_case(db, world.admin, group_id=world.group_a)
    with db.write() as s:
        audit.emit(
            s,
            world.corporation_id,
            "webhook.requested",
            {"webhook_id": hook.id, "case_id": case.id, "rule_id": 7, "event": "case.updated"},
        )

    run(db, datetime.now(UTC))

    [request] = receiver.requests
    assert request.path == "/hook"
    payload = Verifier(hook.secret).verify(request.body, request.headers)
    assert payload["type"] == "case.updated"
    assert payload["data"]["event"]["rule_id"] == 7
    assert payload["data"]["case"]["id"] == case.id
    assert deliveries(db, other.id) == []


def test_a_failing_receiver_is_tried_again_after_the_back_off(
    db: Database, receiver: Receiver
) -> None:
    world = make_world(db)
    hook = subscribe(db, world, receiver.url(), ["case.created"])
    make_case(db, world.admin)
    receiver.statuses = [500, 200]
    t0 = datetime.now(UTC)

    assert run(db, t0) == 1
    [first] = deliveries(db, hook.id)
    assert (first.state, first.response_status, first.attempts) == ("pending", 500, 1)
    assert first.response_excerpt == "receiver is down for maintenance"
    assert first.next_attempt_at == t0 + timedelta(seconds=30)

    assert run(db, t0 + timedelta(seconds=29)) == 0
    assert len(receiver.requests) == 1
    assert run(db, t0 + timedelta(seconds=30)) == 1
    [done] = deliveries(db, hook.id)
    assert (done.state, done.response_status, done.attempts) == ("delivered", 200, 2)
    first_id, second_id = (r.headers["webhook-id"] for r in receiver.requests)
    assert first_id == second_id == done.message_id


def test_a_receiver_failing_for_a_day_is_switched_off_and_admins_are_told(
    db: Database, receiver: Receiver
) -> None:
    world = make_world(db)
    hook = subscribe(db, world, receiver.url(), ["case.created"])
    make_case(db, world.admin)
    receiver.statuses = [503]
    now = t0 = datetime.now(UTC)

    while True:
        run(db, now)
        [row] = deliveries(db, hook.id)
        if row.next_attempt_at is None:
            break
        now = row.next_attempt_at

    assert row.state == "failed"
    assert now - t0 >= timedelta(hours=24)
    assert len(receiver.requests) == row.attempts == 14
    off = subscriptions.get_webhook(db, world.admin.principal, hook.id)
    assert not off.is_active
    assert "503" in off.disabled_reason
    make_case(db, world.admin)
    assert run(db, now + timedelta(hours=1)) == 0  # switched off: nothing more is sent
    assert len(receiver.requests) == 14

    with run_smtp("smtp") as smtp:
        deliver_outbox(db, smtp.url, now, default_from="desk@acme.example")
        mails = [m for m in smtp.inbox.mails if "Webhook" in str(m.message["Subject"])]
    assert [m.recipients for m in mails] == [["admin@acme.test"]]
    assert receiver.url() in mails[0].message.get_content()


def test_a_delivery_is_sent_again_by_hand(db: Database, receiver: Receiver) -> None:
    world = make_world(db)
    hook = subscribe(db, world, receiver.url(), ["case.created"])
    make_case(db, world.admin)
    now = datetime.now(UTC)
    run(db, now)
    [sent] = log.list_deliveries(db, world.admin.principal, hook.id)

    again = log.redeliver(db, world.admin.principal, hook.id, sent.id, now=now)
    assert (again.state, again.redelivery_of) == ("pending", sent.id)
    assert run(db, now) == 1

    first, second = receiver.requests
    assert first.body == second.body
    assert Verifier(hook.secret).verify(second.body, second.headers)["type"] == "case.created"
    states = [d.state for d in log.list_deliveries(db, world.admin.principal, hook.id)]
    assert states == ["delivered", "delivered"]


def test_a_switched_off_webhook_gets_nothing(db: Database, receiver: Receiver) -> None:
    world = make_world(db)
    hook = subscribe(db, world, receiver.url(), ["case.created"], is_active=False)
    make_case(db, world.admin)
    run(db, datetime.now(UTC))
    assert receiver.requests == []
    with db.read() as s:
        assert s.get_one(Webhook, hook.id).is_active is False


def test_two_processes_sending_at_once_send_each_delivery_once(
    db: Database, receiver: Receiver
) -> None:
    world = make_world(db)
    subscribe(db, world, receiver.url(), ["case.created"])
    for _ in range(6):
        make_case(db, world.admin)
    now = datetime.now(UTC)
    assert dispatch.fan_out(db, now) == 6
    start = threading.Barrier(2)

    def send() -> int:
        start.wait()
        return delivery.deliver_due(db, now, LOOPBACK, batch=2)

    with ThreadPoolExecutor(2) as pool:
        counts = [f.result() for f in [pool.submit(send), pool.submit(send)]]

    assert sum(counts) == 6
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert len(ids) == len(set(ids)) == 6
