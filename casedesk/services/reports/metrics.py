"""Business metrics for operators on ``/metrics``: open cases by internal status and
group, SLA breaches, mail intake and quarantine, the outbox queue, job lag, and webhook
deliveries waiting, given up and endpoints switched off.

They are counted in the database, which at a million cases costs more than a scrape
should, and several Prometheus servers may scrape each process. So the collector keeps
its last reading and counts again at most every ``max_age`` seconds; a scrape in
between gets the cached figures (``casedesk_business_metrics_age_seconds`` says how
old they are).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casedesk.domain.statuses import InternalStatus
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import (
    Case,
    Corporation,
    Group,
    InboundMail,
    JobLease,
    OutboxEvent,
    SlaBreach,
    Webhook,
    WebhookDelivery,
)

#: Internal statuses a case is still being worked in (the others are final).
WORKING = (
    InternalStatus.OPEN,
    InternalStatus.AWAITING_EXTERNAL,
    InternalStatus.AWAITING_INTERNAL,
    InternalStatus.ON_HOLD,
)
#: Webhook delivery states counted: still being tried, and given up.
WEBHOOK_STATES = ("pending", "failed")
#: ``InboundMail.outcome`` of a mail held for review (``services.mail.incoming``).
QUARANTINED = "quarantined"


@dataclass
class Reading:
    """One count of everything, taken at ``at``."""

    at: datetime
    open_cases: list[tuple[str, str, str, int]] = field(default_factory=list)
    breaches: list[tuple[str, str, int]] = field(default_factory=list)
    mail: list[tuple[str, int]] = field(default_factory=list)
    quarantine: tuple[int, float] = (0, 0.0)
    outbox: tuple[int, float] = (0, 0.0)
    jobs: list[tuple[str, float, float]] = field(default_factory=list)
    webhooks: list[tuple[str, str, int]] = field(default_factory=list)
    webhook_oldest_pending: float = 0.0
    webhooks_disabled: list[tuple[str, int]] = field(default_factory=list)


def _age(now: datetime, oldest: datetime | None) -> float:
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


def read(s: Session, now: datetime, intervals: Mapping[str, float]) -> Reading:
    """Count everything once (a handful of grouped queries)."""
    r = Reading(at=now)
    rows = s.execute(
        select(Corporation.name, Group.name, Case.status, func.count())
        .join(Group, Group.id == Case.group_id)
        .join(Corporation, Corporation.id == Case.corporation_id)
        .where(Case.status.in_([int(x) for x in WORKING]))
        .group_by(Corporation.name, Group.name, Case.status)
    )
    r.open_cases = [(c, g, InternalStatus(st).name.lower(), n) for c, g, st, n in rows]
    breach_rows = s.execute(
        select(Corporation.name, SlaBreach.target, func.count())
        .join(Case, Case.id == SlaBreach.case_id)
        .join(Corporation, Corporation.id == Case.corporation_id)
        .group_by(Corporation.name, SlaBreach.target)
    )
    r.breaches = [(c, t, n) for c, t, n in breach_rows]
    mail_rows = s.execute(select(InboundMail.outcome, func.count()).group_by(InboundMail.outcome))
    r.mail = [(o, n) for o, n in mail_rows]
    n, oldest = s.execute(
        select(func.count(), func.min(InboundMail.received_at)).where(
            InboundMail.outcome == QUARANTINED
        )
    ).one()
    r.quarantine = (n, _age(now, oldest))
    n, oldest = s.execute(
        select(func.count(), func.min(OutboxEvent.created_at)).where(
            OutboxEvent.delivered_at.is_(None)
        )
    ).one()
    r.outbox = (n, _age(now, oldest))
    for name, last in s.execute(select(JobLease.name, JobLease.last_run_at)):
        if last is None or name not in intervals:
            continue
        since = _age(now, last)
        r.jobs.append((name, since, max(0.0, since - intervals[name])))
    _read_webhooks(s, now, r)
    return r


def _read_webhooks(s: Session, now: datetime, r: Reading) -> None:
    """Deliveries still being tried and those given up, by corporation (both found by
    the deliveries' state index; delivered ones are not counted), and the endpoints
    switched off after failing too long."""
    rows = s.execute(
        select(Corporation.name, WebhookDelivery.state, func.count())
        .select_from(WebhookDelivery)
        .join(Corporation, Corporation.id == WebhookDelivery.corporation_id)
        .where(WebhookDelivery.state.in_(WEBHOOK_STATES))
        .group_by(Corporation.name, WebhookDelivery.state)
    )
    r.webhooks = [(c, state, n) for c, state, n in rows]
    oldest = s.scalar(
        select(func.min(WebhookDelivery.created_at)).where(WebhookDelivery.state == "pending")
    )
    r.webhook_oldest_pending = _age(now, oldest)
    disabled = s.execute(
        select(Corporation.name, func.count())
        .select_from(Webhook)
        .join(Corporation, Corporation.id == Webhook.corporation_id)
        .where(Webhook.is_active.is_(False), Webhook.disabled_at.is_not(None))
        .group_by(Corporation.name)
    )
    r.webhooks_disabled = [(c, n) for c, n in disabled]


class BusinessMetrics(Collector):
    """A Prometheus collector over ``db`` that counts at most every ``max_age`` seconds.

    ``intervals`` are the jobs' periods in seconds by name (a job's lag is how much
    longer than its period it has gone without running); ``now`` and ``monotonic``
    are the clocks, for tests.
    """

    def __init__(
        self,
        db: Database,
        intervals: Mapping[str, float],
        *,
        max_age: float = 15.0,
        now: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self._intervals = dict(intervals)
        self._max_age = max_age
        self._now = now or utcnow
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._reading: Reading | None = None
        self._taken = 0.0

    def reading(self) -> Reading:
        """The cached reading, counted again when older than ``max_age``. One scrape
        counts while others wait for it, so a burst of scrapes counts once."""
        with self._lock:
            if self._reading is None or self._monotonic() - self._taken >= self._max_age:
                with self._db.read() as s:
                    self._reading = read(s, self._now(), self._intervals)
                self._taken = self._monotonic()
            return self._reading

    def _webhook_metrics(self, r: Reading) -> Iterator[Metric]:
        deliveries = GaugeMetricFamily(
            "casedesk_webhook_deliveries",
            "Webhook deliveries still being tried (pending) and given up (failed).",
            labels=["corporation", "state"],
        )
        for corp, state, n in r.webhooks:
            deliveries.add_metric([corp, state], n)
        yield deliveries
        yield GaugeMetricFamily(
            "casedesk_webhook_pending_oldest_age_seconds",
            "Age of the oldest webhook delivery still being tried (0 when none).",
            value=r.webhook_oldest_pending,
        )
        disabled = GaugeMetricFamily(
            "casedesk_webhooks_disabled",
            "Webhooks switched off after failing for too long, by corporation.",
            labels=["corporation"],
        )
        for corp, n in r.webhooks_disabled:
            disabled.add_metric([corp], n)
        yield disabled

    def collect(self) -> Iterator[Metric]:
        r = self.reading()
        open_cases = GaugeMetricFamily(
            "casedesk_open_cases",
            "Cases still being worked, by corporation, group and internal status.",
            labels=["corporation", "group", "status"],
        )
        for corp, group, status, n in r.open_cases:
            open_cases.add_metric([corp, group, status], n)
        yield open_cases
        breaches = GaugeMetricFamily(
            "casedesk_sla_breaches",
            "SLA targets missed so far, by corporation and target.",
            labels=["corporation", "target"],
        )
        for corp, target, n in r.breaches:
            breaches.add_metric([corp, target], n)
        yield breaches
        mail = GaugeMetricFamily(
            "casedesk_mail_intake", "Mails taken in so far, by outcome.", labels=["outcome"]
        )
        for outcome, n in r.mail:
            mail.add_metric([outcome], n)
        yield mail
        yield GaugeMetricFamily(
            "casedesk_mail_quarantine_depth",
            "Mails held in quarantine for review.",
            value=r.quarantine[0],
        )
        yield GaugeMetricFamily(
            "casedesk_mail_quarantine_oldest_age_seconds",
            "Age of the oldest mail in quarantine (0 when empty).",
            value=r.quarantine[1],
        )
        yield GaugeMetricFamily(
            "casedesk_outbox_depth",
            "Outbox events (notifications) not yet delivered.",
            value=r.outbox[0],
        )
        yield GaugeMetricFamily(
            "casedesk_outbox_oldest_age_seconds",
            "Age of the oldest undelivered outbox event (0 when empty).",
            value=r.outbox[1],
        )
        since = GaugeMetricFamily(
            "casedesk_job_last_run_age_seconds",
            "Seconds since each background job last ran.",
            labels=["job"],
        )
        lag = GaugeMetricFamily(
            "casedesk_job_lag_seconds",
            "How much longer than its period each job has gone without running.",
            labels=["job"],
        )
        for name, age, late in r.jobs:
            since.add_metric([name], age)
            lag.add_metric([name], late)
        yield since
        yield lag
        yield from self._webhook_metrics(r)
        yield GaugeMetricFamily(
            "casedesk_business_metrics_age_seconds",
            "How old the figures above are (they are counted at most every few seconds).",
            value=max(0.0, self._monotonic() - self._taken),
        )
