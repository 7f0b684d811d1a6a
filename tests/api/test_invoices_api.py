"""Invoices over HTTP: preview, create once, periods in the corporation's zone, CSV with
formula neutralising, and exactly-once billing under concurrent creates."""

from __future__ import annotations

import csv
import io
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from casedesk.domain.errors import Conflict
from casedesk.services.billing import invoices, time_entries
from casedesk.services.billing.invoice_csv import neutralise
from casedesk.services.billing.invoices import InvoiceCreate, InvoiceOut
from casedesk.services.billing.time_entries import TimeEntryCreate
from casedesk.store.db import Database
from casedesk.store.models import Invoice, TimeEntry
from tests.factories import World, make_actor

API = "/api/v1"
MARCH = {"period_start": "2026-03-01", "period_end": "2026-04-01"}


def organization(client: TestClient, world: World, name: str) -> int:
    r = client.post(f"{API}/organizations", json={"name": name}, headers=world.admin.headers)
    assert r.status_code == 201, r.text
    oid: int = r.json()["id"]
    return oid


def case(client: TestClient, world: World, org: int | None, title: str = "Server down") -> int:
    body = {"title": title, "organization_id": org, "group_id": world.group_a}
    r = client.post(f"{API}/cases", json=body, headers=world.admin.headers)
    assert r.status_code == 201, r.text
    cid: int = r.json()["id"]
    return cid


def work(client: TestClient, world: World, case_id: int, day: str, **body: Any) -> int:
    body = {"duration_seconds": 3600, "hourly_rate": "100", "work_date": day} | body
    r = client.post(f"{API}/cases/{case_id}/time-entries", json=body, headers=world.admin.headers)
    assert r.status_code == 201, r.text
    eid: int = r.json()["id"]
    return eid


def bill(client: TestClient, world: World, org: int, **period: str) -> Any:
    return client.post(
        f"{API}/invoices",
        json={"organization_id": org} | (period or MARCH),
        headers=world.admin.headers,
    )


def test_an_invoice_bills_the_organizations_open_time_once(
    client: TestClient, world: World
) -> None:
    acme, other = organization(client, world, "Acme Ltd"), organization(client, world, "Other")
    c1, c2 = case(client, world, acme), case(client, world, acme, "Backup")
    e1 = work(client, world, c1, "2026-03-02")
    e2 = work(client, world, c1, "2026-03-03", duration_seconds=60)
    e3 = work(client, world, c1, "2026-03-04", hourly_rate="150")
    e4 = work(client, world, c2, "2026-03-05", duration_seconds=1800)
    work(client, world, c1, "2026-03-06", billable=False)
    work(client, world, case(client, world, other), "2026-03-02")
    work(client, world, case(client, world, None), "2026-03-02")

    preview = client.get(
        f"{API}/invoices/preview",
        params={"organization_id": acme} | MARCH,
        headers=world.admin.headers,
    )
    assert preview.status_code == 200, preview.text
    r = bill(client, world, acme)
    assert r.status_code == 201, r.text
    invoice = r.json()
    assert {k: v for k, v in preview.json().items()} == {k: invoice[k] for k in preview.json()}
    assert (invoice["total_seconds"], invoice["total_amount"]) == (3600 * 2 + 60 + 1800, "301.67")
    assert [
        (x["case_id"], x["hourly_rate"], x["amount"], x["entry_ids"]) for x in invoice["lines"]
    ] == [
        (c1, "100.00", "101.67", [e1, e2]),
        (c1, "150.00", "150.00", [e3]),
        (c2, "100.00", "50.00", [e4]),
    ]
    assert invoice["lines"][0]["case_reference"].startswith("TCK-")
    assert invoice["lines"][0]["hours"] == "1.02"

    got = client.get(f"{API}/invoices/{invoice['id']}", headers=world.admin.headers).json()
    assert got == invoice
    listed = client.get(f"{API}/invoices", headers=world.admin.headers).json()
    assert [i["id"] for i in listed] == [invoice["id"]] and "lines" not in listed[0]

    again = bill(client, world, acme)
    assert again.status_code == 409 and "nothing to invoice" in again.json()["detail"]
    entries = client.get(f"{API}/cases/{c1}/time-entries", headers=world.admin.headers).json()
    assert {e["id"]: e["invoice_id"] for e in entries["items"]} == {
        e1: invoice["id"],
        e2: invoice["id"],
        e3: invoice["id"],
        e1 + 4: None,
    }
    url = f"{API}/cases/{c1}/time-entries/{e1}"
    r = client.patch(url, json={"note": "late edit"}, headers=world.admin.headers)
    assert r.status_code == 409 and r.json()["invoice_id"] == invoice["id"]
    assert client.delete(url, headers=world.admin.headers).status_code == 409


def test_periods_are_local_dates_in_the_corporations_zone(
    client: TestClient, db: Database, world: World
) -> None:
    r = client.patch(
        f"{API}/corporations/{world.corporation_id}",
        json={"time_zone": "Europe/Oslo"},
        headers=world.admin.headers,
    )
    assert r.status_code == 200, r.text
    acme = organization(client, world, "Acme Ltd")
    c = case(client, world, acme)
    feb = work(client, world, c, "2026-02-28")
    first = work(client, world, c, "2026-03-01")
    last = work(client, world, c, "2026-03-31")
    april = work(client, world, c, "2026-04-01")
    # 23:30 UTC on 28 February is already 1 March in Oslo.
    local = time_entries.add_time_entry(
        db,
        world.admin.principal,
        c,
        TimeEntryCreate(duration_seconds=600, hourly_rate=Decimal(100)),
        now=datetime(2026, 2, 28, 23, 30, tzinfo=UTC),
    ).id

    invoice = bill(client, world, acme).json()
    assert invoice["lines"][0]["entry_ids"] == [first, last, local]
    feb_invoice = bill(client, world, acme, period_start="2026-02-01", period_end="2026-03-01")
    assert feb_invoice.json()["lines"][0]["entry_ids"] == [feb]
    april_invoice = bill(client, world, acme, period_start="2026-04-01", period_end="2026-05-01")
    assert april_invoice.json()["lines"][0]["entry_ids"] == [april]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"organization_id": 987_654} | MARCH, "organization_id"),
        ({"period_start": "2026-03-01", "period_end": "2026-03-01"}, "period_end"),
        ({"period_start": "2026-03-02", "period_end": "2026-03-01"}, "period_end"),
        ({"period_start": "2026-03-01"}, "period_end"),
        (MARCH | {"total_amount": "1"}, "total_amount"),
    ],
)
def test_bad_requests_name_the_field(
    client: TestClient, world: World, body: dict[str, Any], field: str
) -> None:
    acme = organization(client, world, "Acme Ltd")
    r = client.post(
        f"{API}/invoices", json={"organization_id": acme} | body, headers=world.admin.headers
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"].endswith(field)


def test_billing_needs_manage_billing(client: TestClient, db: Database, world: World) -> None:
    acme = organization(client, world, "Acme Ltd")
    work(client, world, case(client, world, acme), "2026-03-02")
    body = {"organization_id": acme} | MARCH
    h = world.agent_a.headers
    for r in (
        client.post(f"{API}/invoices", json=body, headers=h),
        client.get(f"{API}/invoices", headers=h),
        client.get(f"{API}/invoices/preview", params=body, headers=h),
    ):
        assert r.status_code == 403 and r.json()["permission"] == "manage_billing"
    biller = make_actor(
        db, "billing@acme.test", "agent", [], world.corporation_id, permissions=["manage_billing"]
    )
    r = client.post(f"{API}/invoices", json=body, headers=biller.headers)
    assert r.status_code == 201, r.text
    assert client.get(f"{API}/invoices/{r.json()['id']}", headers=h).status_code == 403
    assert client.get(f"{API}/invoices/987654", headers=world.admin.headers).status_code == 404


def test_the_csv_export_neutralises_formulas(client: TestClient, world: World) -> None:
    acme = organization(client, world, "=Acme Ltd")
    titles = ['=HYPERLINK("http://x")', "+1+2", "-cmd", "@SUM(A1)", "Plain title"]
    for title in titles:
        work(client, world, case(client, world, acme, title), "2026-03-02")
    invoice = bill(client, world, acme).json()

    r = client.get(f"{API}/invoices/{invoice['id']}.csv", headers=world.admin.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][:2] == ["invoice", "organization"]
    assert [row[5] for row in rows[1:-1]] == [
        '\'=HYPERLINK("http://x")',
        "'+1+2",
        "'-cmd",
        "'@SUM(A1)",
        "Plain title",
    ]
    assert {row[1] for row in rows[1:]} == {"'=Acme Ltd"}
    assert rows[-1][5:] == ["Total", "", "5.00", "18000", "500.00"]
    assert client.get(f"{API}/invoices/987654.csv", headers=world.admin.headers).status_code == 404


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@a", "\tx", "\rx"])
def test_neutralise(value: str) -> None:
    assert neutralise(value) == "'" + value
    assert neutralise("a" + value) == "a" + value


def test_two_concurrent_invoices_bill_each_entry_once(
    client: TestClient, db: Database, world: World
) -> None:
    acme = organization(client, world, "Acme Ltd")
    ids = [work(client, world, case(client, world, acme), "2026-03-02") for _ in range(20)]
    start = threading.Barrier(2)
    made: list[InvoiceOut] = []
    refused: list[Conflict] = []

    def run() -> None:
        start.wait()
        try:
            made.append(
                invoices.create_invoice(
                    db,
                    world.admin.principal,
                    InvoiceCreate(
                        organization_id=acme,
                        period_start=date(2026, 3, 1),
                        period_end=date(2026, 4, 1),
                    ),
                )
            )
        except Conflict as exc:
            refused.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert (len(made), len(refused)) == (1, 1)
    [invoice] = made
    assert sorted(i for line in invoice.lines for i in line.entry_ids) == ids
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Invoice)) == 1
        marks = s.execute(select(TimeEntry.id, TimeEntry.invoice_id)).all()
    assert dict(marks) == dict.fromkeys(ids, invoice.id)
