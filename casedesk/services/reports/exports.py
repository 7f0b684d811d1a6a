"""Case exports as CSV and XLSX, read in keyset batches so memory stays flat.

An export runs the case search of the list it comes from (the same filters and the
same visibility: an agent exports only their groups' cases) a batch at a time, each
batch in a short read transaction of its own, ordered by case number so a case
changed meanwhile is neither repeated nor skipped. CSV is produced as it is read;
XLSX is written with XlsxWriter's ``constant_memory`` mode (a row is flushed to disk
once the next begins) to a file, which is then sent or kept for download.

Every text cell is neutralised against formula injection: one that starts with
``= + - @``, a tab or a carriage return, or their fullwidth forms (U+FF1D, U+FF0B,
U+FF0D, U+FF20), gets a leading apostrophe, so a spreadsheet shows it as text instead of running it.
Numbers and dates are written as such and need no escape.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import xlsxwriter

from casedesk.domain.permissions import Permission, Principal
from casedesk.domain.spreadsheet_cells import neutralise
from casedesk.services.cases.schemas import CaseQuery
from casedesk.services.cases.search import count_cases, search_cases_in
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reports.export_columns import Cell, load_names, row_of
from casedesk.store.db import Database

Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Cases read per batch (each batch is one short read transaction).
BATCH = 500


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """What to export: the list's filters and the columns, already checked."""

    query: CaseQuery
    columns: list[str]


def count(db: Database, principal: Principal, request: ExportRequest) -> int:
    return count_cases(db, principal, request.query)


def iter_rows(
    db: Database, principal: Principal, request: ExportRequest, *, batch: int = BATCH
) -> Iterator[list[list[Cell]]]:
    """The rows of the export, a batch at a time."""
    principal.require(Permission.VIEW_CASE)
    query = request.query.model_copy(update={"sort": "number", "cursor": None, "limit": batch})
    with db.read() as s:
        names = load_names(s, principal.corporation_id, utcnow())
    while True:
        with db.replica() as s:  # an export may lag the last commits by the replication delay
            page = search_cases_in(s, principal, query)
        yield [row_of(case, request.columns, names) for case in page.items]
        if page.next_cursor is None:
            return
        query = query.model_copy(update={"cursor": page.next_cursor})


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return neutralise(value)


def csv_chunks(header: list[str], batches: Iterator[list[list[Cell]]]) -> Iterator[bytes]:
    """CSV (UTF-8 with a byte-order mark, for spreadsheets) a batch at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    yield ("\ufeff" + buffer.getvalue()).encode()
    for rows in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_text(v) for v in row] for row in rows)
        yield buffer.getvalue().encode()


def write_xlsx(
    path: Path,
    header: list[str],
    batches: Iterator[list[list[Cell]]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the export to ``path`` as XLSX; returns the number of rows."""
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "tmpdir": str(path.parent),
        },
    )
    try:
        sheet = workbook.add_worksheet("Cases")
        when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        bold = workbook.add_format({"bold": True})
        for col, name in enumerate(header):
            sheet.write_string(0, col, neutralise(name), bold)
        n = 0
        for rows in batches:
            for row in rows:
                n += 1
                for col, value in enumerate(row):
                    _cell(sheet, n, col, value, when, day)
            if progress is not None:
                progress(n)
        return n
    finally:
        workbook.close()


def _cell(sheet: object, r: int, c: int, value: Cell, when: object, day: object) -> None:
    ws: xlsxwriter.worksheet.Worksheet = sheet
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value)
    elif isinstance(value, datetime):
        ws.write_datetime(r, c, value.astimezone(UTC).replace(tzinfo=None), when)
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
    else:
        ws.write_string(r, c, neutralise(value))


def csv_to_file(
    path: Path,
    header: list[str],
    batches: Iterator[list[list[Cell]]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the CSV export to ``path``; returns the number of rows."""
    n = 0

    def counted() -> Iterator[list[list[Cell]]]:
        nonlocal n
        for rows in batches:
            n += len(rows)
            yield rows
            if progress is not None:
                progress(n)

    with path.open("wb") as out:
        for chunk in csv_chunks(header, counted()):
            out.write(chunk)
    return n


def xlsx_file(db: Database, principal: Principal, request: ExportRequest) -> Path:
    """The export written to a temporary XLSX file, for the caller to send and remove."""
    fd, name = tempfile.mkstemp(suffix=".xlsx", prefix="casedesk-export-")
    os.close(fd)
    path = Path(name)
    try:
        write_xlsx(path, request.columns, iter_rows(db, principal, request))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
