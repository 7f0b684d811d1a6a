"""The console's "Export" control: the list shown, with its filters, as CSV or XLSX;
a large export's page with progress and a download only its owner gets."""

from __future__ import annotations

import csv
import io
import re

import openpyxl

from casedesk.config import Settings
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reports import export_jobs
from casedesk.store.db import Database
from tests.factories import World, make_case
from tests.web.console_support import agent_client, csrf
from tests.web.markup import markup_problems


def rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_the_case_list_exports_what_it_shows(
    settings: Settings, db: Database, world: World
) -> None:
    make_case(db, world.agent_a, title="Alpha printer")
    make_case(db, world.agent_a, title="@Alpha scanner")
    make_case(db, world.agent_b, title="Bravo secret")
    alice = agent_client(settings, db, world.agent_a.email)
    page = alice.get("/console/cases", params={"q": "printer"})
    assert 'action="/console/exports/cases"' in page.text
    assert markup_problems(page.text) == []
    query = re.search(r'name="query" value="([^"]*)"', page.text)
    assert query is not None
    answer = alice.post(
        "/console/exports/cases",
        data={"csrf_token": csrf(alice), "query": query.group(1), "columns": "title"},
    )
    assert answer.status_code == 200
    assert rows(answer.content) == [["title"], ["Alpha printer"]]
    everything = alice.post(
        "/console/exports/cases",
        data={"csrf_token": csrf(alice), "format": "xlsx", "columns": "title"},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(everything.content)).active
    assert sheet is not None
    assert [r[0] for r in sheet.iter_rows(values_only=True)] == [
        "title",
        "Alpha printer",
        "'@Alpha scanner",
    ]


def test_an_export_without_the_csrf_token_is_refused(
    settings: Settings, db: Database, world: World
) -> None:
    alice = agent_client(settings, db, world.agent_a.email)
    assert alice.post("/console/exports/cases", data={"query": ""}).status_code == 403


def test_a_large_export_has_a_page_with_progress_and_a_download(
    settings: Settings, db: Database, world: World
) -> None:
    for n in range(3):
        make_case(db, world.agent_a, title=f"Case {n}")
    big = settings.model_copy(update={"export_job_rows": 1})
    alice = agent_client(big, db, world.agent_a.email)
    answer = alice.post(
        "/console/exports/cases",
        data={"csrf_token": csrf(alice), "columns": "title"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    url = answer.headers["location"]
    waiting = alice.get(url)
    assert "0 of 3 cases" in waiting.text and "<progress" in waiting.text
    assert markup_problems(waiting.text) == []
    bob = agent_client(big, db, world.agent_b.email)
    assert bob.get(url).status_code == 404

    export_jobs.run_queued(db, big.exports_dir, utcnow())
    done = alice.get(url)
    assert "3 cases exported" in done.text
    file = alice.get(url + "/file")
    assert rows(file.content) == [["title"], ["Case 0"], ["Case 1"], ["Case 2"]]
    assert bob.get(url + "/file").status_code == 404
