"""The periodic jobs, each a service function that does its work for a given ``now``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from casedesk.channels.email import jobs as mail_jobs
from casedesk.config import Settings
from casedesk.domain.webhooks import AllowList
from casedesk.services.assist import insights as assist_insights
from casedesk.services.assist import models as assist_models
from casedesk.services.attachments import uploads
from casedesk.services.bulk import jobs as bulk_jobs
from casedesk.services.cases import holds
from casedesk.services.privacy import retention
from casedesk.services.reports import export_jobs, rollups
from casedesk.services.rules import automations
from casedesk.services.scheduling import auto_close, schedules
from casedesk.services.sla import state as sla
from casedesk.services.webhooks import delivery as webhook_delivery
from casedesk.services.webhooks import dispatch as webhook_dispatch
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    #: How often it runs (at most; a busy or stopped worker makes it later).
    every: timedelta
    #: Does the work due at ``now``; returns how many items it handled.
    run: Callable[[Database, datetime], int]
    #: How long a holder may take before another process may run it instead.
    lease: timedelta = timedelta(minutes=10)


def expire_uploads(db: Database, now: datetime) -> int:
    """Remove uploads never attached, with their bytes in this process's blob store."""
    store = LocalBlobStore(Settings().attachments_dir)
    return uploads.expire_uploads(db, store, now)


def deliver_webhooks(db: Database, now: datetime) -> int:
    """Queue what the outbox's new events ask for, then send what is due."""
    allow = AllowList.parse(Settings().webhook_allow)
    webhook_dispatch.fan_out(db, now)
    return webhook_delivery.deliver_due(db, now, allow)


def run_exports(db: Database, now: datetime) -> int:
    """Write the queued case exports into this process's data folder."""
    return export_jobs.run_queued(db, Settings().exports_dir, now)


def apply_retention(db: Database, now: datetime) -> int:
    """Anonymise or delete the old closed cases the corporations' policies name."""
    return retention.run_retention(db, LocalBlobStore(Settings().attachments_dir), now)


JOBS: tuple[Job, ...] = (
    Job("hold-expiry", timedelta(minutes=1), holds.release_expired_holds),
    Job("schedules", timedelta(minutes=1), schedules.run_schedules),
    Job("auto-close", timedelta(minutes=1), auto_close.run_auto_close),
    Job("sla-sweep", timedelta(minutes=1), sla.sla_sweep),
    Job("mail-poll", timedelta(minutes=1), mail_jobs.poll_mail),
    Job("mail-delivery", timedelta(seconds=5), mail_jobs.deliver_mail),
    Job("webhooks", timedelta(seconds=5), deliver_webhooks),
    Job("upload-expiry", timedelta(minutes=10), expire_uploads),
    Job("exports", timedelta(seconds=5), run_exports, lease=timedelta(hours=1)),
    Job("report-facts", timedelta(minutes=1), lambda db, now: rollups.refresh(db)),
    Job(automations.JOB, timedelta(minutes=1), automations.run_automations),
    Job("bulk", timedelta(seconds=5), bulk_jobs.run_queued, lease=timedelta(hours=1)),
    Job("retention", timedelta(hours=1), apply_retention, lease=timedelta(hours=1)),
    Job(assist_insights.JOB, timedelta(seconds=5), assist_insights.run_insights),
    Job(
        assist_models.JOB,
        timedelta(minutes=10),
        assist_insights.run_training,
        lease=timedelta(hours=1),
    ),
)
