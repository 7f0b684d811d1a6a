"""Formula neutralisation of export cells, and the export's batches."""

from __future__ import annotations

import pytest

from casedesk.services.reports.exports import neutralise

DANGEROUS = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "\uff1d1",
    "\uff0b1",
    "\uff0d1",
    "\uff20x",
]
SAFE = ["", "plain", "1+1", " =1", "a=b", "'quoted", "\u00a0=1"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_a_cell_that_a_spreadsheet_would_run_gets_an_apostrophe(value: str) -> None:
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", SAFE)
def test_other_cells_are_left_alone(value: str) -> None:
    assert neutralise(value) == value
