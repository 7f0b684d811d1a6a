"""Invoices (ITFlow invoicing): one organization's billable, not yet invoiced time over a
period of local dates, billed once.

``domain.billing`` builds the lines (one per case and rate) and their totals. Creating an
invoice marks each of its entries with the invoice id in the same transaction, with
``UPDATE … WHERE invoice_id IS NULL``; if that does not mark every entry, another invoice
took some of them first and the whole creation is rolled back, so an entry is on one
invoice at most, whatever runs at the same time. The entries are also locked while they
are read, so an edit of an entry waits for the invoice (and then finds it invoiced) and an
invoice waits for an edit (and then bills the edited entry).

Invoices span every group's cases of the organization and carry money, so every operation
here needs ``manage_billing``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from pydantic import Field
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from casedesk.domain import billing
from casedesk.domain.errors import Conflict, NotFound, ValidationFailed
from casedesk.domain.numbering import format_case_number
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.billing.time_entries import corporation_zone, to_domain
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reference.common import Id, In, Out
from casedesk.store.db import Database
from casedesk.store.models import Case, Corporation, Invoice, Organization, TimeEntry


class InvoiceCreate(In):
    organization_id: Id
    period_start: date = Field(description="First local date of the period (included).")
    period_end: date = Field(description="Local date after the period (excluded).")


class InvoiceLineOut(Out):
    case_id: int
    case_reference: str
    case_title: str
    hourly_rate: Decimal
    seconds: int
    hours: Decimal = Field(description="To print, in hundredths; money is not computed from it.")
    amount: Decimal
    entry_ids: list[int]


class InvoiceSummary(Out):
    id: int
    organization_id: int
    organization_name: str
    period_start: date
    period_end: date
    total_seconds: int
    total_amount: Decimal
    created_by_id: int | None
    created_at: datetime


class InvoiceOut(InvoiceSummary):
    lines: list[InvoiceLineOut]


class InvoicePreview(Out):
    organization_id: int
    organization_name: str
    period_start: date
    period_end: date
    total_seconds: int
    total_amount: Decimal
    lines: list[InvoiceLineOut]


def preview_invoice(db: Database, principal: Principal, data: InvoiceCreate) -> InvoicePreview:
    """What :func:`create_invoice` would bill now, without billing it."""
    principal.require(Permission.MANAGE_BILLING)
    with db.read() as s:
        org, period = _check(s, principal.corporation_id, data)
        lines = billing.invoice_lines(_open_entries(s, org, period, lock=False), period)
        return InvoicePreview(
            organization_id=org.id,
            organization_name=org.name,
            period_start=period.start,
            period_end=period.end,
            total_seconds=sum(line.seconds for line in lines),
            total_amount=sum((line.amount for line in lines), billing.ZERO),
            lines=_lines_out(s, org.corporation_id, lines),
        )


def create_invoice(
    db: Database, principal: Principal, data: InvoiceCreate, *, now: datetime | None = None
) -> InvoiceOut:
    principal.require(Permission.MANAGE_BILLING)
    now = now or utcnow()
    with db.write() as s:
        org, period = _check(s, principal.corporation_id, data)
        drafts = billing.invoices(_open_entries(s, org, period, lock=True), period)
        if not drafts:
            raise Conflict(
                f"organization {org.id} has no billable, uninvoiced time from "
                f"{period.start} to {period.end} (excluded); nothing to invoice"
            )
        draft = drafts[0]  # one organization, so one invoice
        invoice = Invoice(
            corporation_id=org.corporation_id,
            organization_id=org.id,
            period_start=period.start,
            period_end=period.end,
            total_seconds=draft.seconds,
            total_amount=draft.amount,
            created_by_id=principal.user_id,
            created_at=now,
        )
        s.add(invoice)
        s.flush()
        _mark(s, invoice.id, [i for line in draft.lines for i in line.entry_ids])
        audit.record(
            s,
            principal,
            org.corporation_id,
            "invoice.created",
            "invoice",
            invoice.id,
            changes={
                "organization_id": {"from": None, "to": org.id},
                "period": {"from": None, "to": [str(period.start), str(period.end)]},
                "total_seconds": {"from": None, "to": draft.seconds},
                "total_amount": {"from": None, "to": str(draft.amount)},
            },
            at=now,
        )
        audit.emit(
            s,
            org.corporation_id,
            "invoice.created",
            {"invoice_id": invoice.id, "organization_id": org.id},
        )
        return _out(s, invoice, org, draft.lines)


def list_invoices(
    db: Database,
    principal: Principal,
    *,
    organization_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[InvoiceSummary]:
    """Newest first."""
    principal.require(Permission.MANAGE_BILLING)
    with db.read() as s:
        stmt = (
            select(Invoice, Organization.name)
            .join(Organization, Organization.id == Invoice.organization_id)
            .where(Invoice.corporation_id == principal.corporation_id)
        )
        if organization_id is not None:
            stmt = stmt.where(Invoice.organization_id == organization_id)
        rows = s.execute(stmt.order_by(Invoice.id.desc()).limit(limit).offset(offset)).all()
        return [_summary(inv, name) for inv, name in rows]


def get_invoice(db: Database, principal: Principal, invoice_id: int) -> InvoiceOut:
    principal.require(Permission.MANAGE_BILLING)
    with db.read() as s:
        invoice = s.scalars(
            select(Invoice).where(
                Invoice.id == invoice_id, Invoice.corporation_id == principal.corporation_id
            )
        ).one_or_none()
        if invoice is None:
            raise NotFound(f"invoice {invoice_id} not found")
        org = s.get_one(Organization, invoice.organization_id)
        zone = corporation_zone(s, invoice.corporation_id)
        period = billing.BillingPeriod(invoice.period_start, invoice.period_end, zone)
        rows = s.scalars(select(TimeEntry).where(TimeEntry.invoice_id == invoice.id))
        # Regrouped as they were billed: the invoice's organization, not the case's today.
        entries = [to_domain(r, invoice.organization_id, zone) for r in rows]
        return _out(s, invoice, org, billing.invoice_lines(entries, period))


def _check(
    s: Session, corporation_id: int, data: InvoiceCreate
) -> tuple[Organization, billing.BillingPeriod]:
    org = s.scalars(
        select(Organization).where(
            Organization.id == data.organization_id,
            Organization.corporation_id == corporation_id,
        )
    ).one_or_none()
    if org is None:
        raise ValidationFailed(
            f"organization_id {data.organization_id} does not exist", field="organization_id"
        )
    if data.period_end <= data.period_start:
        raise ValidationFailed(
            "period_end (excluded) must be after period_start", field="period_end"
        )
    period = billing.BillingPeriod(
        data.period_start, data.period_end, corporation_zone(s, corporation_id)
    )
    return org, period


def _open_entries(
    s: Session, org: Organization, period: billing.BillingPeriod, *, lock: bool
) -> list[billing.TimeEntry]:
    """The organization's billable, uninvoiced entries in the period, as the rule sees
    them; the work dates are local already, so the period is compared in SQL as well."""
    stmt = (
        select(TimeEntry)
        .join(Case, Case.id == TimeEntry.case_id)
        .where(
            Case.corporation_id == org.corporation_id,
            Case.organization_id == org.id,
            TimeEntry.billable.is_(True),
            TimeEntry.invoice_id.is_(None),
            TimeEntry.work_date >= period.start,
            TimeEntry.work_date < period.end,
        )
        .order_by(TimeEntry.id)
    )
    if lock:
        stmt = stmt.with_for_update(of=TimeEntry)
    return [to_domain(r, org.id, period.zone) for r in s.scalars(stmt)]


def _mark(s: Session, invoice_id: int, entry_ids: list[int]) -> None:
    """Put the entries on the invoice, each only if no invoice has it yet."""
    result = cast(
        CursorResult[Any],
        s.execute(
            update(TimeEntry)
            .where(TimeEntry.id.in_(entry_ids), TimeEntry.invoice_id.is_(None))
            .values(invoice_id=invoice_id)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != len(entry_ids):
        raise Conflict(
            "some of this time was invoiced by another request at the same moment; "
            "nothing was created, preview again"
        )


def _lines_out(
    s: Session, corporation_id: int, lines: list[billing.InvoiceLine]
) -> list[InvoiceLineOut]:
    prefix = s.scalar(select(Corporation.case_prefix).where(Corporation.id == corporation_id))
    cases = {
        c.id: c
        for c in s.execute(
            select(Case.id, Case.number, Case.title).where(
                Case.id.in_({line.case_id for line in lines})
            )
        )
    }
    return [
        InvoiceLineOut(
            case_id=line.case_id,
            case_reference=format_case_number(prefix or "", cases[line.case_id].number),
            case_title=cases[line.case_id].title,
            hourly_rate=line.hourly_rate.quantize(billing.CENT),
            seconds=line.seconds,
            hours=line.hours,
            amount=line.amount,
            entry_ids=list(line.entry_ids),
        )
        for line in lines
    ]


def _summary(invoice: Invoice, organization_name: str) -> InvoiceSummary:
    return InvoiceSummary(
        id=invoice.id,
        organization_id=invoice.organization_id,
        organization_name=organization_name,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        total_seconds=invoice.total_seconds,
        total_amount=invoice.total_amount.quantize(billing.CENT),
        created_by_id=invoice.created_by_id,
        created_at=invoice.created_at,
    )


def _out(
    s: Session,
    invoice: Invoice,
    org: Organization,
    lines: list[billing.InvoiceLine] | tuple[billing.InvoiceLine, ...],
) -> InvoiceOut:
    return InvoiceOut(
        **_summary(invoice, org.name).model_dump(),
        lines=_lines_out(s, invoice.corporation_id, list(lines)),
    )
