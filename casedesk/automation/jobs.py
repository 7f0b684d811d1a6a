"""The periodic jobs, each a service function that does its work for a given ``now``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from casedesk.channels.email import jobs as mail_jobs
from casedesk.config import Settings
from casedesk.services.attachments import uploads
from casedesk.services.cases import holds
from casedesk.services.rules import automations
from casedesk.services.scheduling import auto_close, schedules
from casedesk.services.sla import state as sla
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


JOBS: tuple[Job, ...] = (
    Job("hold-expiry", timedelta(minutes=1), holds.release_expired_holds),
    Job("schedules", timedelta(minutes=1), schedules.run_schedules),
    Job("auto-close", timedelta(minutes=1), auto_close.run_auto_close),
    Job("sla-sweep", timedelta(minutes=1), sla.sla_sweep),
    Job("mail-poll", timedelta(minutes=1), mail_jobs.poll_mail),
    Job("mail-delivery", timedelta(seconds=5), mail_jobs.deliver_mail),
    Job("upload-expiry", timedelta(minutes=10), expire_uploads),
    Job(automations.JOB, timedelta(minutes=1), automations.run_automations),
)
