"""Each report's figures on the fixed history of ``fixture`` against the figures worked
out by hand there, for an agent of group A and for an admin."""

from __future__ import annotations

from typing import Any

import pytest

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.services.reports import dashboards
from casedesk.services.reports.schemas import Query
from casedesk.store.db import Database
from tests.services.reports.fixture import FROM, TO, History, build


@pytest.fixture
def history(db: Database) -> History:
    return build(db)


def rows(db: Database, who: Any, name: str, **query: Any) -> list[list[Any]]:
    report = dashboards.report(db, who.principal, name, Query(date_from=FROM, date_to=TO, **query))
    return report.tables[0].rows


def test_volume_per_day_with_backlog(db: Database, history: History) -> None:
    agent = history.world.agent_a
    assert rows(db, agent, "volume") == [
        ["2026-03-02", 2, 0, 2],
        ["2026-03-03", 0, 0, 2],
        ["2026-03-04", 1, 1, 2],
        ["2026-03-05", 1, 1, 2],
        ["2026-03-06", 0, 1, 1],
    ]
    # the week of 2 March holds all of it; the admin also sees group B's case 5
    assert rows(db, history.world.admin, "volume", period="week") == [["2026-03-02", 5, 3, 2]]


def test_business_time_medians_and_p90(db: Database, history: History) -> None:
    # first responses 600, 1200, 3000, 5400; resolutions 25200, 27000, 86400
    agent = rows(db, history.world.agent_a, "times")
    assert agent == [
        ["All", 4, 2100.0, 5400.0, 27000.0, 86400.0],
        ["A", 4, 2100.0, 5400.0, 27000.0, 86400.0],
    ]
    # case 5 adds a first response of 2700 s in group B
    admin = rows(db, history.world.admin, "times")
    assert admin[0] == ["All", 5, 2700.0, 5400.0, 27000.0, 86400.0]
    assert admin[2] == ["B", 1, 2700.0, 2700.0, None, None]
    by_channel = rows(db, history.world.agent_a, "times", by="channel")
    assert by_channel[1:] == [
        ["email", 2, 2100.0, 3000.0, 27000.0, 27000.0],
        ["phone", 1, 5400.0, 5400.0, 86400.0, 86400.0],
        ["portal", 1, 600.0, 600.0, 25200.0, 25200.0],
    ]
    by_agent = rows(db, history.world.agent_a, "times", by="agent")
    assert by_agent[1:] == [
        ["(none)", 3, 3000.0, 5400.0, 27000.0, 86400.0],
        ["alice", 1, 1200.0, 1200.0, None, None],
    ]


def test_sla_attainment_and_breaches(db: Database, history: History) -> None:
    report = dashboards.report(
        db, history.world.agent_a.principal, "sla", Query(date_from=FROM, date_to=TO)
    )
    attainment, breaches = report.tables
    assert attainment.rows == [["first_response", 3, 1, 75.0], ["resolution", 2, 1, 66.7]]
    c2 = history.case_ids[1]
    assert sorted((r[0], r[3]) for r in breaches.rows) == [
        (c2, "first_response"),
        (c2, "resolution"),
    ]


def test_reopens_messages_hours_and_load(db: Database, history: History) -> None:
    agent = history.world.agent_a
    assert rows(db, agent, "reopens") == [["All", 3, 1, 33.3], ["A", 3, 1, 33.3]]
    assert rows(db, agent, "messages") == [["All", 4, 5, 1.25], ["A", 4, 5, 1.25]]
    hours = {r[0]: r[1:] for r in rows(db, agent, "busiest-hours")}
    assert hours["Monday"][9] == 1 and hours["Monday"][15] == 1
    assert hours["Wednesday"][8] == 1 and hours["Thursday"][7] == 1
    assert sum(sum(v) for v in hours.values()) == 4
    assert rows(db, agent, "open-load") == [["alice", 1]]
    assert sorted(rows(db, history.world.admin, "open-load")) == [
        ["(unassigned)", 1],
        ["alice", 1],
    ]


def test_filters_narrow_the_figures(db: Database, history: History) -> None:
    admin = history.world.admin
    assert rows(db, admin, "volume", period="month", channel="phone") == [["2026-03-01", 1, 1, 0]]
    only_b = rows(db, admin, "messages", group=history.world.group_b)
    assert only_b[0] == ["All", 1, 1, 1.0]


def test_an_agent_never_sees_another_groups_figures(db: Database, history: History) -> None:
    agent = history.world.agent_a
    with pytest.raises(NotFound):
        rows(db, agent, "volume", group=history.world.group_b)
    every = [c for name in dashboards.REPORTS for c in rows(db, agent, name)]
    assert "B" not in {row[0] for row in every}
    assert rows(db, history.world.agent_b, "messages") == [["All", 1, 1, 1.0], ["B", 1, 1, 1.0]]
    sla = dashboards.report(
        db, history.world.agent_b.principal, "sla", Query(date_from=FROM, date_to=TO)
    )
    assert sla.tables[1].rows == []  # case 2's breaches are group A's


def test_bad_queries_are_refused(db: Database, history: History) -> None:
    admin = history.world.admin
    with pytest.raises(ValidationFailed):
        dashboards.report(db, admin.principal, "volume", Query(date_from=TO, date_to=FROM))
    with pytest.raises(NotFound):
        rows(db, admin, "nonsense")
