"""Writers that run at the same time keep the semantics of one transaction each, also
where SQLite groups them into one commit: a failing writer undoes only its own work,
numbers stay consecutive, and a writer's data is committed when its block ends."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from casedesk.domain.permissions import Principal
from casedesk.services.cases import core as cases
from casedesk.services.cases import opening
from casedesk.services.cases.schemas import CaseCreate
from casedesk.services.identity.auth import principal_for
from casedesk.services.identity.users import add_user
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, Case, User

WRITERS = 48


class Refused(Exception):
    pass


def _admin(db: Database) -> Principal:
    with db.write() as s:
        corp = create_corporation(s, "Acme", "TCK-").id
    uid = add_user(db, "admin@acme.test", "admin", None, corporation_id=corp)
    with db.read() as s:
        user = s.get(User, uid)
        assert user is not None
        return principal_for(s, user)


def test_a_failing_writer_among_concurrent_ones_undoes_only_its_own_work(db: Database) -> None:
    admin = _admin(db)
    barrier = threading.Barrier(16)
    seen_after_block: dict[int, bool] = {}

    def write(i: int) -> int:
        if i < 16:
            barrier.wait(timeout=60)
        with db.write() as s:
            made = opening.open_case_in(s, admin, CaseCreate(title=f"case {i}"), utcnow())
            if i % 3 == 0:
                raise Refused(f"writer {i} changed its mind")
        with db.read() as s:  # committed once the block has ended
            seen_after_block[made.id] = s.get(Case, made.id) is not None
        return made.number

    outcomes: dict[int, int | BaseException] = {}
    with ThreadPoolExecutor(16) as pool:
        futures = {i: pool.submit(write, i) for i in range(WRITERS)}
        for i, future in futures.items():
            try:
                outcomes[i] = future.result(timeout=300)
            except Refused as exc:
                outcomes[i] = exc

    refused = [i for i in range(WRITERS) if i % 3 == 0]
    assert all(isinstance(outcomes[i], Refused) for i in refused)
    numbers = sorted(n for n in outcomes.values() if isinstance(n, int))
    assert numbers == list(range(1, WRITERS - len(refused) + 1))
    assert seen_after_block and all(seen_after_block.values())
    with db.read() as s:
        titles = set(s.scalars(select(Case.title)))
        audited = s.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "case.created")
        )
    assert titles == {f"case {i}" for i in range(WRITERS) if i % 3 != 0}
    assert audited == WRITERS - len(refused)


def test_a_write_after_a_failed_one_on_the_same_thread_commits(db: Database) -> None:
    admin = _admin(db)
    try:
        with db.write() as s:
            opening.open_case_in(s, admin, CaseCreate(title="undone"), utcnow())
            raise Refused
    except Refused:
        pass
    made = cases.open_case(db, admin, CaseCreate(title="kept"))

    assert made.number == 1
    with db.read() as s:
        assert list(s.scalars(select(Case.title))) == ["kept"]
