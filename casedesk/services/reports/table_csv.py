"""A report's table as CSV, for spreadsheets.

A cell a spreadsheet would read as a formula (starting with ``= + - @``, a tab, a
carriage return, ``|``, or the fullwidth forms U+FF1D, U+FF0B, U+FF0D, U+FF20) gets a
leading apostrophe, so a case title such as ``=HYPERLINK(...)`` in the list of breaches
stays text.
"""

from __future__ import annotations

import csv
import io

from casedesk.domain.spreadsheet_cells import neutralise
from casedesk.services.reports.schemas import Table


def render(table: Table) -> str:
    """The header row then one row per table row; CRLF line ends as RFC 4180 asks."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in table.columns])
    writer.writerows([neutralise(v) for v in row] for row in table.rows)
    return out.getvalue()
