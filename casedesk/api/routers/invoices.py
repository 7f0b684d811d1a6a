"""/invoices: billing an organization's time for a period (needs manage_billing)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from casedesk.api.deps import MAX_ID, Caller, Db
from casedesk.api.errors import PROBLEM
from casedesk.api.routers.reference_params import Limit, Offset, OrganizationFilter, RowId
from casedesk.api.routing import NativeRoute
from casedesk.downloads import file_headers
from casedesk.services.billing import invoice_csv, invoices
from casedesk.services.billing.invoices import (
    InvoiceCreate,
    InvoiceOut,
    InvoicePreview,
    InvoiceSummary,
)

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": desc, "content": {PROBLEM: {}}}
    for code, desc in (
        (400, "Malformed request"),
        (401, "Not authenticated"),
        (403, "Missing permission manage_billing"),
        (404, "No such invoice in your corporation"),
        (409, "Nothing to invoice, or the time was invoiced meanwhile"),
        (422, "Invalid input"),
    )
}

router = APIRouter(route_class=NativeRoute, prefix="/invoices", responses=ERRORS, tags=["invoices"])
OrganizationId = Annotated[int, Query(ge=1, le=MAX_ID)]


@router.post("", status_code=201, response_model=InvoiceOut)
def create_invoice(data: InvoiceCreate, caller: Caller, db: Db) -> InvoiceOut:
    """Bill the organization's billable, not yet invoiced time worked from `period_start`
    up to (not including) `period_end`, local dates of the corporation. Each entry is
    billed once; with nothing to bill the answer is 409."""
    return invoices.create_invoice(db, caller, data)


@router.get("", response_model=list[InvoiceSummary])
def list_invoices(
    caller: Caller,
    db: Db,
    organization_id: OrganizationFilter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[InvoiceSummary]:
    """Newest first."""
    return invoices.list_invoices(
        db, caller, organization_id=organization_id, limit=limit, offset=offset
    )


@router.get("/preview", response_model=InvoicePreview)
def preview_invoice(
    caller: Caller, db: Db, organization_id: OrganizationId, period_start: date, period_end: date
) -> InvoicePreview:
    """What `POST /invoices` would bill now, without billing it."""
    data = InvoiceCreate(
        organization_id=organization_id, period_start=period_start, period_end=period_end
    )
    return invoices.preview_invoice(db, caller, data)


@router.get(
    "/{invoice_id}.csv",
    response_class=Response,
    responses={200: {"description": "The invoice as CSV", "content": {"text/csv": {}}}},
)
def invoice_as_csv(invoice_id: RowId, caller: Caller, db: Db) -> Response:
    """One row per line and a total row; cells that would be spreadsheet formulas are
    prefixed with an apostrophe."""
    body = invoice_csv.render(invoices.get_invoice(db, caller, invoice_id))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers=file_headers(f"invoice-{invoice_id}.csv"),
    )


@router.get("/{invoice_id}", response_model=InvoiceOut)
def get_invoice(invoice_id: RowId, caller: Caller, db: Db) -> InvoiceOut:
    return invoices.get_invoice(db, caller, invoice_id)
