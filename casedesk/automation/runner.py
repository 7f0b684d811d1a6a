"""Runs the jobs that are due, in the ``worker`` command or beside the server.

Any number of processes may run this against one database: each job is taken through
its lease (``services.kernel.job_leases``), so one process at a time runs it, and a job whose
holder died is taken over when the lease runs out.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from casedesk.automation.jobs import JOBS, Job
from casedesk.services.kernel import job_leases
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database

log = logging.getLogger("casedesk.jobs")


def holder_id() -> str:
    """Names this process in the leases it holds (for people reading the table)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def run_due(
    db: Database,
    holder: str,
    *,
    jobs: Sequence[Job] = JOBS,
    now: Callable[[], datetime] = utcnow,
) -> dict[str, int]:
    """Run each job whose lease this process gets; what each handled, by name."""
    handled: dict[str, int] = {}
    for job in jobs:
        started = now()
        if not job_leases.claim(
            db, job.name, holder, every=job.every, lease=job.lease, now=started
        ):
            continue
        try:
            handled[job.name] = job.run(db, started)
        except Exception:  # a failing job must not stop the others; it runs again later
            log.exception("job %s failed", job.name)
        finally:
            job_leases.release(db, job.name, holder, started_at=started)
    return handled


class Scheduler:
    """A thread that runs due jobs every ``tick`` seconds until stopped."""

    def __init__(self, db: Database, *, tick: float = 5.0, jobs: Sequence[Job] = JOBS) -> None:
        self._db = db
        self._tick = tick
        self._jobs = jobs
        self._holder = holder_id()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="casedesk-jobs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float | None = 30.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def run_forever(self) -> None:
        """Run in the calling thread (the ``worker`` command) until stopped."""
        self._loop()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                run_due(self._db, self._holder, jobs=self._jobs)
            except Exception:  # e.g. the database is briefly unreachable
                log.exception("running jobs failed; trying again")
            self._stop.wait(self._tick)
