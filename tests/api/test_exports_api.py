"""Case exports over HTTP: columns, custom fields, segregation, formula injection,
background jobs with progress and download, and refused input."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.automation import runner
from casedesk.automation.jobs import JOBS
from casedesk.config import Settings
from casedesk.services.cases import core as cases
from casedesk.services.cases.schemas import CasePatch
from casedesk.services.reference import field_definitions
from casedesk.services.reference.field_definitions import FieldDefinitionCreate
from casedesk.services.reports import export_jobs
from casedesk.store.db import Database
from tests.factories import World, make_case

EXPORT = "/api/v1/exports/cases"
#: Titles a spreadsheet would run as formulas, ASCII and fullwidth (a title loses a
#: leading tab or CR on input; tests/services/reports/test_exports.py has those).
HOSTILE = [
    '=HYPERLINK("http://evil.test","x")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\uff1d1+2",
    "\uff0b1",
    "\uff0d1",
    "\uff20SUM(A1)",
]


def read_csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_csv_has_the_chosen_columns_and_custom_fields(
    client: TestClient, db: Database, world: World
) -> None:
    field_definitions.create_field(
        db, world.admin.principal, FieldDefinitionCreate(key="site", label="Site", type="text")
    )
    one = make_case(
        db, world.agent_a, group_id=world.group_a, title="Printer", custom_fields={"site": "Oslo"}
    )
    make_case(db, world.agent_a, group_id=world.group_a, title="Scanner")
    cases.update_case(db, world.agent_a.principal, one.id, CasePatch(status=2))
    r = client.get(
        EXPORT,
        params={"columns": "number,title,custom.site,group_name,status,resolution_minutes"},
        headers=world.agent_a.headers,
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    rows = read_csv(r.content)
    assert rows[0] == [
        "number",
        "title",
        "custom.site",
        "group_name",
        "status",
        "resolution_minutes",
    ]
    assert [row[:5] for row in rows[1:]] == [
        ["1", "Printer", "Oslo", "A", "2"],
        ["2", "Scanner", "", "A", "1"],
    ]
    assert float(rows[1][5]) >= 0
    assert rows[2][5] == ""


def test_filters_of_the_case_list_apply(client: TestClient, db: Database, world: World) -> None:
    make_case(db, world.agent_a, group_id=world.group_a, title="Open one")
    closed = make_case(db, world.agent_a, group_id=world.group_a, title="Closed one")
    cases.update_case(db, world.agent_a.principal, closed.id, CasePatch(status=2))
    r = client.get(EXPORT, params={"columns": "title", "status": 2}, headers=world.admin.headers)
    assert read_csv(r.content)[1:] == [["Closed one"]]


def test_an_agent_exports_only_cases_of_their_groups(
    client: TestClient, db: Database, world: World
) -> None:
    make_case(db, world.agent_a, group_id=world.group_a, title="Hidden from B")
    make_case(db, world.agent_b, group_id=world.group_b, title="B's own")
    for fmt in ("csv", "xlsx"):
        r = client.get(
            EXPORT, params={"columns": "title", "format": fmt}, headers=world.agent_b.headers
        )
        assert r.status_code == 200
        titles = (
            [row[0] for row in read_csv(r.content)[1:]]
            if fmt == "csv"
            else [row[0] for row in xlsx_rows(r.content)[1:]]
        )
        assert titles == ["B's own"]


def xlsx_rows(body: bytes) -> list[list[object]]:
    book = openpyxl.load_workbook(io.BytesIO(body))
    sheet = book.active
    assert sheet is not None
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value  # never a formula
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_formula_injection_is_neutralised_in_csv_and_xlsx(
    client: TestClient, db: Database, world: World
) -> None:
    for title in [*HOSTILE, "Plain title"]:
        make_case(db, world.agent_a, group_id=world.group_a, title=title)
    expected = ["'" + t for t in HOSTILE] + ["Plain title"]
    r = client.get(EXPORT, params={"columns": "title"}, headers=world.admin.headers)
    assert [row[0] for row in read_csv(r.content)[1:]] == expected
    r = client.get(
        EXPORT,
        params={"columns": "title,number,created_at", "format": "xlsx"},
        headers=world.admin.headers,
    )
    assert r.status_code == 200
    rows = xlsx_rows(r.content)
    assert rows[0] == ["title", "number", "created_at"]
    assert [row[0] for row in rows[1:]] == expected
    assert rows[1][1] == 1
    assert isinstance(rows[1][2], datetime)


def test_a_bad_column_or_filter_is_422_naming_it(client: TestClient, world: World) -> None:
    r = client.get(EXPORT, params={"columns": "title,nope"}, headers=world.admin.headers)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "nope" in r.json()["detail"]
    r = client.get(EXPORT, params={"columns": "custom.missing"}, headers=world.admin.headers)
    assert r.status_code == 422 and "custom.missing" in r.json()["detail"]
    r = client.get(EXPORT, params={"colour": "red"}, headers=world.admin.headers)
    assert r.status_code == 422 and "colour" in r.json()["detail"]
    r = client.get(EXPORT, params={"format": "pdf"}, headers=world.admin.headers)
    assert r.status_code == 422


@pytest.fixture
def job_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CASEDESK_DATA_DIR", str(settings.data_dir))
    return settings.model_copy(update={"export_job_rows": 2})


def test_a_large_export_runs_as_a_job_with_progress_and_a_download(
    db: Database, world: World, job_settings: Settings
) -> None:
    for n in range(3):
        make_case(db, world.agent_a, group_id=world.group_a, title=f"Case {n}")
    make_case(db, world.agent_b, group_id=world.group_b, title="Not for A")
    with TestClient(create_app(job_settings, db)) as client:
        r = client.get(EXPORT, params={"columns": "title"}, headers=world.agent_a.headers)
        assert r.status_code == 202, r.text
        job = r.json()
        assert (job["state"], job["rows_total"], job["progress"]) == ("queued", 3, 0)
        assert job["download_url"] is None
        url = r.headers["location"]
        # Nobody else sees the job.
        assert client.get(url, headers=world.agent_b.headers).status_code == 404
        ran = runner.run_due(
            db, "test", jobs=[j for j in JOBS if j.name == "exports"], now=lambda: datetime.now(UTC)
        )
        assert ran == {"exports": 1}
        done = client.get(url, headers=world.agent_a.headers).json()
        assert (done["state"], done["rows_done"], done["progress"]) == ("done", 3, 1)
        download = client.get(done["download_url"], headers=world.agent_a.headers)
        assert download.status_code == 200
        assert [row[0] for row in read_csv(download.content)] == [
            "title",
            "Case 0",
            "Case 1",
            "Case 2",
        ]
        for other in (world.agent_b, world.admin):
            assert client.get(done["download_url"], headers=other.headers).status_code == 404


def test_background_xlsx_export_on_request(
    db: Database, world: World, job_settings: Settings
) -> None:
    make_case(db, world.agent_a, group_id=world.group_a, title="=1+1")
    with TestClient(create_app(job_settings, db)) as client:
        r = client.get(
            EXPORT,
            params={"columns": "title", "format": "xlsx", "background": "true"},
            headers=world.agent_a.headers,
        )
        assert r.status_code == 202
        runner.run_due(db, "test", jobs=[j for j in JOBS if j.name == "exports"])
        done = client.get(r.headers["location"], headers=world.agent_a.headers).json()
        file = client.get(done["download_url"], headers=world.agent_a.headers)
        assert xlsx_rows(file.content) == [["title"], ["'=1+1"]]


def test_a_finished_exports_file_is_removed_after_a_week(
    db: Database, world: World, job_settings: Settings
) -> None:
    make_case(db, world.agent_a, group_id=world.group_a)
    with TestClient(create_app(job_settings, db)) as client:
        r = client.get(EXPORT, params={"background": "true"}, headers=world.agent_a.headers)
        folder = job_settings.exports_dir
        export_jobs.run_queued(db, folder, datetime.now(UTC))
        job = client.get(r.headers["location"], headers=world.agent_a.headers).json()
        assert job["state"] == "done" and len(list(folder.iterdir())) == 1
        export_jobs.run_queued(db, folder, datetime.now(UTC) + timedelta(days=6))
        assert len(list(folder.iterdir())) == 1
        export_jobs.run_queued(db, folder, datetime.now(UTC) + timedelta(days=8))
        assert list(folder.iterdir()) == []
        job = client.get(r.headers["location"], headers=world.agent_a.headers).json()
        assert job["state"] == "expired"
        assert (
            client.get(f"{r.headers['location']}/file", headers=world.agent_a.headers).status_code
            == 404
        )
