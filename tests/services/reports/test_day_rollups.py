"""The per-day counts the dashboards add up: kept current step by step, they equal the
counts taken afresh from the per-case facts; erasing a case takes it out of them; a
caller limited to one organization gets its organization's counts; and over many cases
the times are estimated from a sample close to the exact figures."""

from __future__ import annotations

import dataclasses
import statistics
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, insert, select, update

from casedesk.services.cases import core as cases
from casedesk.services.privacy import case_removal
from casedesk.services.reports import dashboards, rollups, times
from casedesk.services.reports.schemas import Query
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseFact, Organization, ReportCursor, ReportDay
from tests.services.reports.fixture import FROM, TO, History, build


@pytest.fixture
def history(db: Database) -> History:
    return build(db)


COUNTS = (
    "created",
    "closed",
    "ever_closed",
    "reopened",
    "messages",
    "first_response_met",
    "first_response_missed",
    "resolution_met",
    "resolution_missed",
)


def stored(db: Database) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """The ``report_days`` rows that count anything, by key."""
    with db.read() as s:
        return {
            (r.corporation_id, r.kind, r.day, r.group_id, r.channel, r.key): values
            for r in s.scalars(select(ReportDay))
            if any(values := tuple(getattr(r, c) for c in COUNTS))
        }


def from_facts(db: Database) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """The same counts worked out here, case by case, from the facts."""
    found: dict[tuple[Any, ...], Counter[str]] = {}

    def add(key: tuple[Any, ...], **counts: int) -> None:
        found.setdefault(key, Counter()).update(counts)

    with db.read() as s:
        for f in s.scalars(select(CaseFact)):
            where = (f.corporation_id, f.created_day, f.group_id, f.channel)
            corp, day, group, channel = where
            add(
                (corp, "all", day, group, channel, 0),
                created=1,
                ever_closed=int(f.closed_day is not None or f.reopen_count > 0),
                reopened=int(f.reopen_count > 0),
                messages=f.message_count,
                first_response_met=int(f.sla_first_response is True),
                first_response_missed=int(f.sla_first_response is False),
                resolution_met=int(f.sla_resolution is True),
                resolution_missed=int(f.sla_resolution is False),
            )
            if f.closed_day is not None:
                add((corp, "all", f.closed_day, group, channel, 0), closed=1)
            for kind, key in (
                ("agent", f.agent_id or 0),
                ("priority", f.priority_id),
                ("category", f.category_id or 0),
                ("hour", f.created_weekday * 24 + f.created_hour),
            ):
                add((corp, kind, day, group, channel, key), created=1)
    return {k: tuple(c[name] for name in COUNTS) for k, c in found.items()}


def test_day_counts_kept_step_by_step_equal_the_facts_and_a_rebuild(db: Database) -> None:
    history = build(db, after_each=lambda: rollups.refresh(db))
    cases.delete_case(db, history.world.admin.principal, history.case_ids[3])
    rollups.refresh(db)
    kept = stored(db)
    assert kept == from_facts(db)
    assert sum(v[0] for k, v in kept.items() if k[1] == "all") == 4  # cases 1, 2, 3, 5
    assert sum(v[1] for k, v in kept.items() if k[1] == "all") == 2  # 1 and 2 closed

    rollups.rebuild(db)
    assert stored(db) == kept


def test_a_database_with_facts_but_no_day_counts_is_counted_at_the_next_pass(
    db: Database,
) -> None:
    build(db, after_each=lambda: rollups.refresh(db))
    kept = stored(db)
    with db.write() as s:  # as a database upgraded from before the day counts
        s.execute(ReportDay.__table__.delete())
        s.execute(update(CaseFact).values(message_count=CaseFact.message_count))
        s.execute(ReportCursor.__table__.delete().where(ReportCursor.name == "report_days"))
    assert stored(db) == {}
    rollups.refresh(db)
    assert stored(db) == kept


def test_erasing_a_case_takes_it_out_of_its_days(db: Database, history: History) -> None:
    rollups.refresh(db)
    c1 = history.case_ids[0]  # created Monday, closed Wednesday
    with db.write() as s:
        case_removal.delete_cases(s, [c1])
    assert stored(db) == from_facts(db)
    report = dashboards.report(
        db, history.world.admin.principal, "volume", Query(date_from=FROM, date_to=TO)
    )
    per_day = {row[0]: row[1:3] for row in report.tables[0].rows}
    assert per_day["2026-03-02"] == [1, 0]  # case 2 only
    assert per_day["2026-03-04"] == [1, 0]  # case 3 created, case 1 no longer closed


def test_a_caller_of_one_organization_counts_only_its_cases(db: Database, history: History) -> None:
    c2, c5 = history.case_ids[1], history.case_ids[4]
    admin = history.world.admin.principal
    with db.write() as s:
        org = Organization(corporation_id=admin.corporation_id, name="Fjord AS")
        s.add(org)
        s.flush()
        s.execute(update(Case).where(Case.id.in_([c2, c5])).values(organization_id=org.id))
        org_id = org.id
    rollups.rebuild(db)
    limited = dataclasses.replace(admin, organization_id=org_id)
    query = Query(date_from=FROM, date_to=TO)
    volume, messages, hours = dashboards.many(
        db, limited, ["volume", "messages", "busiest-hours"], query
    )
    assert sum(row[1] for row in volume.tables[0].rows) == 2
    assert sum(row[2] for row in volume.tables[0].rows) == 1  # case 2 closed Friday
    assert messages.tables[0].rows[0][:2] == ["All", 2]
    assert sum(sum(row[1:]) for row in hours.tables[0].rows) == 2
    everyone = dashboards.report(db, admin, "volume", query)
    assert sum(row[1] for row in everyone.tables[0].rows) == 5


def test_many_cases_are_timed_from_a_sample_close_to_the_exact_figures(
    db: Database, history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    """4,000 more cases in group A, with times that follow a pattern in the case ids
    (as round robin would), estimated from a sample of about 1,000."""
    admin = history.world.admin.principal
    with db.write() as s:
        template = s.execute(select(Case.__table__).where(Case.id == history.case_ids[2])).one()
        top = s.execute(select(func.max(Case.number))).scalar_one()
        row = {k: v for k, v in template._mapping.items() if k != "id"}
        s.execute(insert(Case), [row | {"number": top + 1 + i} for i in range(4000)])
    rollups.rebuild(db)
    with db.write() as s:  # times with a pattern in the ids, and spread within it
        s.execute(
            update(CaseFact).values(
                first_response_seconds=(CaseFact.case_id % 7) * 600 + (CaseFact.case_id * 37) % 500
            )
        )
    with db.read() as s:
        found = s.execute(select(CaseFact.group_id, CaseFact.first_response_seconds)).all()
    exact = {group: sorted(v for g, v in found if g == group) for group in {g for g, _ in found}}
    every = sorted(v for _, v in found)
    monkeypatch.setattr(times, "EXACT", 1000)
    monkeypatch.setattr(times, "SMALL", 10)
    query = Query(date_from=FROM, date_to=TO, by="group")
    (table,) = dashboards.report(db, admin, "times", query).tables
    assert table.note is not None and "sample" in table.note
    first, _, b = table.rows[0], table.rows[1], table.rows[2]
    assert first[0] == "All" and first[1] == 4005  # the counts stay exact
    assert first[2] == pytest.approx(statistics.median(every), rel=0.05)
    assert first[3] == pytest.approx(every[int(0.9 * len(every)) - 1], rel=0.05)
    group_b = history.world.group_b
    assert b[1] == 1 and b[2] == statistics.median(exact[group_b])  # few cases: exact

    monkeypatch.setattr(times, "EXACT", 50_000)
    (whole,) = dashboards.report(db, admin, "times", query).tables
    assert whole.note is None
    assert whole.rows[0][2] == statistics.median(every)
