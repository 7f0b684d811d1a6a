"""Concurrent writers on one store: case numbers stay distinct and gap-free, If-Match
lets exactly one of several racing writers win, and writes without it lose nothing.

Threads are released together by a barrier; nothing here waits by sleeping.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from sqlalchemy import func, select

from casedesk.domain.errors import PreconditionFailed
from casedesk.domain.permissions import Principal
from casedesk.services.cases import core as cases
from casedesk.services.cases import members, tags
from casedesk.services.cases.opening import open_case_in
from casedesk.services.cases.schemas import CaseCreate, CaseOut, CasePatch, MemberCreate
from casedesk.services.identity.auth import principal_for
from casedesk.services.identity.users import add_user
from casedesk.services.kernel import idempotency
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import Case, Tag, User

THREADS = 16


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None


def race(tasks: Sequence[Callable[[], object]], threads: int = THREADS) -> list[Outcome]:
    """Run ``tasks`` on ``threads`` workers released together by a barrier; each worker
    then takes tasks until none are left. Returns each task's outcome, in task order."""
    outcomes = [Outcome() for _ in tasks]
    lock = threading.Lock()
    pending = list(enumerate(tasks))
    workers = min(threads, len(tasks))
    barrier = threading.Barrier(workers)

    def worker() -> None:
        barrier.wait(timeout=60)
        while True:
            with lock:
                if not pending:
                    return
                index, task = pending.pop(0)
            try:
                outcomes[index].value = task()
            except Exception as exc:
                outcomes[index].error = exc

    with ThreadPoolExecutor(workers) as pool:
        for future in [pool.submit(worker) for _ in range(workers)]:
            future.result(timeout=300)
    return outcomes


def unexpected(outcomes: list[Outcome]) -> list[BaseException]:
    return [o.error for o in outcomes if o.error is not None]


@pytest.fixture
def admin(db: Database) -> Principal:
    with db.write() as s:
        corp = create_corporation(s, "Acme", "TCK-").id
    uid = add_user(db, "admin@acme.test", "admin", None, corporation_id=corp)
    with db.read() as s:
        user = s.get(User, uid)
        assert user is not None
        return principal_for(s, user)


def test_concurrent_creates_get_distinct_gap_free_numbers(db: Database, admin: Principal) -> None:
    outcomes = race(
        [partial(cases.open_case, db, admin, CaseCreate(title=f"case {i}")) for i in range(50)]
    )

    assert unexpected(outcomes) == []
    made: list[CaseOut] = [o.value for o in outcomes]
    assert sorted(c.number for c in made) == list(range(1, 51))
    assert sorted(c.reference for c in made) == sorted(f"TCK-{n}" for n in range(1, 51))
    assert len({c.id for c in made}) == 50
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 50
        assert sorted(s.scalars(select(Case.number))) == list(range(1, 51))


def test_racing_writers_with_the_same_if_match_only_one_wins(
    db: Database, admin: Principal
) -> None:
    case = cases.open_case(db, admin, CaseCreate(title="original"))
    titles = [f"title from writer {i}" for i in range(12)]

    outcomes = race(
        [
            partial(
                cases.update_case,
                db,
                admin,
                case.id,
                CasePatch(title=t),
                expected_versions={case.version},
            )
            for t in titles
        ]
    )

    winners = [(t, o.value) for t, o in zip(titles, outcomes, strict=True) if o.error is None]
    losers = [o.error for o in outcomes if o.error is not None]
    assert len(winners) == 1
    assert len(losers) == len(titles) - 1
    assert all(isinstance(e, PreconditionFailed) for e in losers), losers
    winning_title, winning_case = winners[0]
    final = cases.get_case(db, admin, case.id)
    assert final.title == winning_title == winning_case.title
    assert final.version == case.version + 1


def test_concurrent_tag_additions_lose_nothing(db: Database, admin: Principal) -> None:
    case = cases.open_case(db, admin, CaseCreate(title="tagged", tags=["start"]))
    wanted = [f"tag-{i:02d}" for i in range(24)]

    outcomes = race([partial(tags.add_tag, db, admin, case.id, t) for t in wanted])

    assert unexpected(outcomes) == []
    final = cases.get_case(db, admin, case.id)
    assert final.tags == sorted(["start", *wanted])
    assert final.version == case.version + len(wanted)


def test_the_same_new_tag_added_to_many_cases_at_once(db: Database, admin: Principal) -> None:
    made = [cases.open_case(db, admin, CaseCreate(title=f"case {i}")) for i in range(12)]

    outcomes = race([partial(tags.add_tag, db, admin, c.id, "Outage") for c in made])

    assert unexpected(outcomes) == []
    assert all(cases.get_case(db, admin, c.id).tags == ["Outage"] for c in made)
    with db.read() as s:
        assert list(s.scalars(select(Tag.name))) == ["Outage"]


def test_concurrent_updates_of_different_fields_all_apply(db: Database, admin: Principal) -> None:
    case = cases.open_case(db, admin, CaseCreate(title="many hands"))
    changes: list[dict[str, Any]] = [
        {"description": "described"},
        {"code": "C-1"},
        {"primary_reference": "P-1"},
        {"secondary_reference": "S-1"},
        {"customer_reference": "CR-1"},
        {"on_hold_comment": "waiting"},
        {"title": "renamed"},
        {"status": 7},
    ]

    outcomes = race(
        [partial(cases.update_case, db, admin, case.id, CasePatch(**c)) for c in changes]
    )

    assert unexpected(outcomes) == []
    final = cases.get_case(db, admin, case.id).model_dump()
    for change in changes:
        for field, value in change.items():
            assert final[field] == value, field
    assert final["version"] == case.version + len(changes)


def test_concurrent_followers_are_all_kept(db: Database, admin: Principal) -> None:
    users = [
        add_user(db, f"agent{i}@acme.test", "agent", None, corporation_id=admin.corporation_id)
        for i in range(10)
    ]
    case = cases.open_case(db, admin, CaseCreate(title="popular"))

    outcomes = race(
        [
            partial(members.add_member, db, admin, case.id, MemberCreate(role=2, user_id=u))
            for u in users
        ]
    )

    assert unexpected(outcomes) == []
    final = cases.get_case(db, admin, case.id)
    assert sorted(m.user_id or 0 for m in final.members if m.active) == sorted(users)


def test_concurrent_retries_of_one_idempotent_create_make_one_case(
    db: Database, admin: Principal
) -> None:
    data = CaseCreate(title="once only")
    body_hash = idempotency.request_hash(data.model_dump(mode="json", exclude_unset=True))

    def create() -> tuple[int, dict[str, Any], bool]:
        return idempotency.run_once(
            db,
            admin,
            "retry-key-1",
            "cases.create",
            body_hash,
            lambda s: (201, open_case_in(s, admin, data, utcnow()).model_dump(mode="json")),
        )

    outcomes = race([create for _ in range(8)])

    assert unexpected(outcomes) == []
    results = [o.value for o in outcomes]
    assert len({body["id"] for _, body, _ in results}) == 1
    assert sorted(replayed for _, _, replayed in results) == [False] + [True] * 7
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1
    assert cases.open_case(db, admin, CaseCreate(title="next")).number == 2
