"""The console's Reports page and its CSV downloads: the figures of the fixed history,
an agent's groups only, clean markup, and formula-safe CSV."""

from __future__ import annotations

import csv
import io

from sqlalchemy import update

from casedesk.config import Settings
from casedesk.store.db import Database
from casedesk.store.models import Case
from tests.services.reports.fixture import build
from tests.web.console_support import agent_client
from tests.web.markup import markup_problems

RANGE = "from=2026-03-02&to=2026-03-06"


def test_the_page_shows_every_report_with_tables(settings: Settings, db: Database) -> None:
    history = build(db)
    client = agent_client(settings, db, history.world.agent_a.email)
    page = client.get(f"/console/reports?{RANGE}")
    assert page.status_code == 200
    assert markup_problems(page.text) == []
    for title in (
        "Cases created and closed",
        "Response and resolution times",
        "SLA attainment",
        "Reopened cases",
        "Messages per case",
        "Busiest hours",
        "Open load",
    ):
        assert f">{title}</h2>" in page.text
    assert '<canvas data-chart="line" data-table="table-volume"' in page.text
    assert "/static/chartjs-4.5.1/chart.umd.min.js" in page.text
    # the median first response of group A, 2100 s, shown as hours and minutes
    assert 'data-value="2100.0">0 h 35 min</td>' in page.text
    assert f'<option value="{history.world.group_b}"' not in page.text
    assert client.get("/static/chartjs-4.5.1/chart.umd.min.js").status_code == 200


def test_an_agent_cannot_ask_for_another_group(settings: Settings, db: Database) -> None:
    history = build(db)
    client = agent_client(settings, db, history.world.agent_a.email)
    page = client.get(f"/console/reports?{RANGE}&group={history.world.group_b}")
    assert page.status_code == 404
    csv_answer = client.get(f"/console/reports/volume.csv?{RANGE}&group={history.world.group_b}")
    assert csv_answer.status_code == 404


def test_csv_download_holds_the_table(settings: Settings, db: Database) -> None:
    history = build(db)
    with db.write() as s:
        s.execute(update(Case).where(Case.id == history.case_ids[1]).values(title="=HYPERLINK(1)"))
    client = agent_client(settings, db, history.world.agent_a.email)
    answer = client.get(f"/console/reports/volume.csv?{RANGE}&period=week")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    assert list(csv.reader(io.StringIO(answer.text))) == [
        ["week", "created", "closed", "backlog"],
        ["2026-03-02", "4", "3", "1"],
    ]
    breaches = client.get(f"/console/reports/sla.csv?{RANGE}&table=sla-breaches")
    rows = list(csv.reader(io.StringIO(breaches.text)))
    assert rows[0] == ["case", "number", "title", "target", "due", "breached"]
    assert {r[2] for r in rows[1:]} == {"'=HYPERLINK(1)"}
    assert client.get(f"/console/reports/sla.csv?{RANGE}&table=nope").status_code == 404
    assert client.get(f"/console/reports/nope.csv?{RANGE}").status_code == 404
