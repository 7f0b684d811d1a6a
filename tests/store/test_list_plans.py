"""The common filters of case lists read an index, not the table: the statements the
search service runs are put to each store's planner (``EXPLAIN QUERY PLAN`` on SQLite,
``EXPLAIN`` on PostgreSQL) over a desk of a few thousand cases whose statistics the
planner knows (``ANALYZE``), with each filtered value held by about one case in a
hundred, so that reading the whole table would be a real option for it to weigh."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, text

from casedesk.services.cases import search
from casedesk.services.cases.schemas import CaseQuery
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseStatus, Organization, Queue
from tests.factories import World, make_case, make_world

N = 3_000


@dataclass
class Desk:
    rare: dict[str, Any]


@pytest.fixture
def world(db: Database) -> World:
    return make_world(db)


@pytest.fixture
def desk(db: Database, world: World) -> Desk:
    first = make_case(db, world.admin, title="First")
    with db.write() as s:
        queues = [Queue(corporation_id=world.corporation_id, name=f"Q{i}") for i in range(2)]
        orgs = [Organization(corporation_id=world.corporation_id, name=f"O{i}") for i in range(2)]
        waiting = CaseStatus(
            corporation_id=world.corporation_id,
            name="Waiting",
            internal_status=3,
            clock="external",
        )
        # The common cases spread over a few open statuses, as on a real desk: with one
        # common value the statistics would rate the status index no better than the
        # corporation's, and SQLite would take whichever index it happened to list first.
        open_ = [
            CaseStatus(
                corporation_id=world.corporation_id,
                name=f"Open {i}",
                internal_status=1,
                clock="internal",
            )
            for i in range(4)
        ]
        s.add_all([*queues, *orgs, waiting, *open_])
        s.flush()
        row = dict(s.execute(select(Case.__table__).where(Case.id == first.id)).mappings().one())
        rare = {
            "status": 3,
            "status_id": waiting.id,
            "queue_id": queues[1].id,
            "organization_id": orgs[1].id,
            "group_id": world.group_b,
            "assignee_id": world.agent_b.user_id,
        }
        common = {
            "status": 1,
            "status_id": row["status_id"],
            "queue_id": queues[0].id,
            "organization_id": orgs[0].id,
            "group_id": world.group_a,
            "assignee_id": world.agent_a.user_id,
        }
        rows = []
        for i in range(1, N):
            values = rare if i % 100 == 0 else common | {"status_id": open_[i % 4].id}
            when = row["created_at"] + timedelta(minutes=i)
            rows.append(
                row | values | {"id": first.id + i, "number": row["number"] + i, "updated_at": when}
            )
        s.execute(Case.__table__.insert(), rows)
        members = [
            {
                "case_id": r["id"],
                "role": 1,
                "user_id": r["assignee_id"],
                "start_at": r["updated_at"],
            }
            for r in rows
        ]
        s.execute(
            text(
                "INSERT INTO case_members (case_id, role, user_id, start_at) "
                "VALUES (:case_id, :role, :user_id, :start_at)"
            ),
            members,
        )
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return Desk(rare)


@contextmanager
def statements(db: Database) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def plan_of(db: Database, statement: str, params: Any) -> str:
    with db.engine.connect() as conn:
        if db.backend == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
            return "\n".join(str(r[-1]) for r in rows)
        # Rule out the scan, so the plan shows whether an index can answer at all.
        conn.exec_driver_sql("SET enable_seqscan = off")
        rows = conn.exec_driver_sql("EXPLAIN " + statement, params)
        return "\n".join(str(r[0]) for r in rows)


#: filter -> the column an index condition must name
FILTERS = {
    "status": "status",
    "status_id": "status_id",
    "group_id": "group_id",
    "queue_id": "queue_id",
    "organization_id": "organization_id",
    "assignee_id": "assignee_id",
}


@pytest.mark.parametrize("name", list(FILTERS))
def test_a_filtered_list_reads_an_index_on_its_column(
    db: Database, world: World, desk: Desk, name: str
) -> None:
    query = CaseQuery(**{name: [desk.rare[name]]})
    with statements(db) as seen:
        page = search.search_cases(db, world.admin.principal, query)
    assert len(page.items) == 25  # 30 cases hold the rare value
    listing = [(s, p) for s, p in seen if "FROM cases" in s and "ORDER BY" in s]
    assert len(listing) == 1
    plan = plan_of(db, *listing[0])
    column = re.compile(rf"\b{FILTERS[name]} ?=")
    if db.backend == "sqlite":  # SEARCH t USING INDEX i (a=? AND b=?); SCAN reads it all
        searched = [line for line in plan.splitlines() if line.startswith("SEARCH")]
        assert any(column.search(line) for line in searched), plan
        assert not [line for line in plan.splitlines() if line.startswith("SCAN")], plan
    else:
        conditions = [line for line in plan.splitlines() if "Index Cond" in line]
        assert any(column.search(line) for line in conditions), plan
        assert "Seq Scan" not in plan, plan


def test_the_first_page_reads_the_recency_index(db: Database, world: World, desk: Desk) -> None:
    with statements(db) as seen:
        search.search_cases(db, world.admin.principal, CaseQuery())
    listing = [(s, p) for s, p in seen if "FROM cases" in s and "ORDER BY" in s]
    plan = plan_of(db, *listing[0])
    assert "ix_cases_corp_updated" in plan, plan
    assert "Seq Scan" not in plan and "SCAN cases" not in plan, plan


def test_an_agents_count_is_read_from_an_index(db: Database, world: World, desk: Desk) -> None:
    """On SQLite from the assignee's index alone, which holds every column the count
    filters on; PostgreSQL weighs it against the other indexes (here the filters'
    values are all on the same few cases) but never reads the table through."""
    query = CaseQuery(assignee_id=[desk.rare["assignee_id"]], status_id=[desk.rare["status_id"]])
    for principal in (world.admin.principal, world.agent_b.principal):
        with statements(db) as seen:
            assert search.count_cases(db, principal, query) == 29  # i % 100 == 0 below N
        (counting,) = [(s, p) for s, p in seen if "count(" in s.lower()]
        plan = plan_of(db, *counting)
        if db.backend == "sqlite":
            assert "USING COVERING INDEX ix_cases_assignee_updated" in plan, plan
        else:
            assert "Index" in plan and "Seq Scan" not in plan, plan
