"""An invoice as CSV, for spreadsheets and accounting imports.

Every cell that a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) gets a leading apostrophe, so a case title such as
``=HYPERLINK(...)`` is shown as text instead of being run when the file is opened. So do
cells starting with ``|`` (a DDE call in some spreadsheets) and with the fullwidth forms
of ``= + - @`` (U+FF1D, U+FF0B, U+FF0D, U+FF20), which spreadsheets in East Asian
locales read as the ASCII ones.
"""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal

from casedesk.domain.billing import CENT
from casedesk.domain.spreadsheet_cells import neutralise
from casedesk.services.billing.invoices import InvoiceOut

HEADER = (
    "invoice",
    "organization",
    "period_start",
    "period_end_excluded",
    "case",
    "title",
    "hourly_rate",
    "hours",
    "seconds",
    "amount",
)


def render(invoice: InvoiceOut) -> str:
    """One row per line, then a total row; CRLF line ends as RFC 4180 asks."""
    head = (invoice.id, invoice.organization_name, invoice.period_start, invoice.period_end)
    rows: list[tuple[object, ...]] = [HEADER]
    for line in invoice.lines:
        rows.append(
            (
                *head,
                line.case_reference,
                line.case_title,
                line.hourly_rate,
                line.hours,
                line.seconds,
                line.amount,
            )
        )
    hours = (Decimal(invoice.total_seconds) / 3600).quantize(CENT, rounding=ROUND_HALF_UP)
    rows.append((*head, "", "Total", "", hours, invoice.total_seconds, invoice.total_amount))
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([neutralise(v) for v in r] for r in rows)
    return out.getvalue()
