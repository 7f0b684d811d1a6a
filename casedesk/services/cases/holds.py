"""On-hold expiry: a case On hold goes back to its last open status once its
on-hold-until has passed (ITX ``onHoldToTs``, SuperOffice ``Activate``).

Run by the scheduler. Candidates are taken in batches with ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so several workers share the work and none moves a case twice; each case is
re-checked against the rule on the locked row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from casedesk.domain.statuses import InternalStatus, StatusCatalog, tick
from casedesk.services.kernel import audit
from casedesk.services.kernel.case_state import (
    current_status,
    enter_status,
    last_open_status,
    touch,
)
from casedesk.services.kernel.references import status_catalog
from casedesk.services.sla import state as sla
from casedesk.store.db import Database
from casedesk.store.models import Case

BATCH = 200


def release_expired_holds(db: Database, now: datetime) -> int:
    """Move every case whose hold has passed back to its last open status; how many."""
    moved = 0
    while True:
        with db.write() as s:
            cases = s.scalars(
                select(Case)
                .where(Case.status == InternalStatus.ON_HOLD, Case.on_hold_until <= now)
                .order_by(Case.on_hold_until, Case.id)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            ).all()
            if not cases:
                return moved
            catalogs: dict[int, StatusCatalog] = {}
            moved_now = 0
            for case in cases:
                catalog = catalogs.get(case.corporation_id)
                if catalog is None:
                    catalog = catalogs[case.corporation_id] = status_catalog(s, case.corporation_id)
                previous = current_status(catalog, case)
                until = case.on_hold_until
                new = tick(catalog, previous, last_open_status(catalog, case), until, now)
                if not enter_status(
                    s, case, new, now, actor_id=None, reason="hold-expired", previous=previous
                ):
                    continue
                touch(case, now)
                sla.refresh(s, case, now, actor_label="scheduler")
                changes = {
                    "status_id": {"from": previous.id, "to": new.id},
                    "on_hold_until": {"from": audit.jsonable(until), "to": None},
                }
                audit.record(
                    s,
                    None,
                    case.corporation_id,
                    "case.updated",
                    "case",
                    case.id,
                    case_id=case.id,
                    changes=changes,
                    at=now,
                    actor_label="scheduler",
                )
                audit.emit(
                    s,
                    case.corporation_id,
                    "case.updated",
                    {"case_id": case.id, "fields": sorted(changes)},
                )
                moved_now += 1
        moved += moved_now
        if moved_now == 0:  # nothing the rule moves is left in the candidates
            return moved
