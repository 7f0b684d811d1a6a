"""The invoice CSV is a download like any other (offered as a file, never sniffed into
something a browser runs), and no cell of it runs as a formula in any spreadsheet,
fullwidth and pipe-started cells included."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from casedesk.services.billing.invoice_csv import neutralise
from tests.api.test_invoices_api import API, bill, case, organization, work
from tests.factories import World

#: The fullwidth forms of = + - @, which spreadsheets in East Asian locales read as
#: the ASCII ones.
EQ, PLUS, MINUS, AT = "\uff1d", "\uff0b", "\uff0d", "\uff20"
#: Cells spreadsheets would run as formulas (``|`` starts a DDE call in some).
TITLES = [
    f'{EQ}HYPERLINK("http://x")',
    f"{PLUS}1{PLUS}2",
    f"{MINUS}cmd",
    f"{AT}SUM(A1)",
    "|cmd /c calc",
]


def test_the_invoice_csv_is_a_download_that_is_not_sniffed(
    client: TestClient, world: World
) -> None:
    org = organization(client, world, "Acme Ltd")
    work(client, world, case(client, world, org), "2026-03-02")
    invoice = bill(client, world, org).json()

    r = client.get(f"{API}/invoices/{invoice['id']}.csv", headers=world.admin.headers)

    assert r.status_code == 200, r.text
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-security-policy"] == "default-src 'none'"
    assert r.headers["content-disposition"].startswith("attachment;")
    assert f'filename="invoice-{invoice["id"]}.csv"' in r.headers["content-disposition"]


def test_fullwidth_and_pipe_formulas_in_the_csv_are_neutralised(
    client: TestClient, world: World
) -> None:
    org = organization(client, world, f"{EQ}Acme Ltd")
    for title in TITLES:
        work(client, world, case(client, world, org, title), "2026-03-02")
    invoice = bill(client, world, org).json()

    r = client.get(f"{API}/invoices/{invoice['id']}.csv", headers=world.admin.headers)

    rows = list(csv.reader(io.StringIO(r.text)))
    assert [row[5] for row in rows[1:-1]] == ["'" + title for title in TITLES]
    assert {row[1] for row in rows[1:]} == {f"'{EQ}Acme Ltd"}


@pytest.mark.parametrize("value", [f"{EQ}1", f"{PLUS}1", f"{MINUS}1", f"{AT}a", "|a"])
def test_neutralise_fullwidth_and_pipe(value: str) -> None:
    assert neutralise(value) == "'" + value
    assert neutralise("a" + value) == "a" + value
