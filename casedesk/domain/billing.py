"""Time tracking and invoicing (ITFlow time tracking and invoicing; Track-It hourly rate and
charge): what a piece of work costs, what a case has cost, and what to invoice whom.

Durations are whole seconds. ITFlow records time worked as HH:MM:SS and other faces send
minutes or hours; seconds hold all of them without loss, and an entry is at most 24 hours.

Money is a ``Decimal`` in the corporation's one currency (no currency field). Rates have at
most two decimal places. Each entry's amount is ``hours x rate`` rounded once, to the cent,
half up (0.005 -> 0.01, as people round by hand and as invoices are checked). Line, case and
invoice totals are sums of those entry amounts, so every total adds up exactly to the amounts
shown next to each entry; the price is at most half a cent per entry away from rounding the
sum once. Non-billable entries count as time but cost nothing, whatever their rate.

An invoice covers one organization and one period of local dates in the corporation's zone,
half-open (``[start, end)``: March is 1 March to 1 April), so consecutive periods never share
or miss a day. It is built from billable entries not invoiced yet; the caller marks them with
the invoice id in the same transaction that creates the invoice, which keeps them from being
invoiced twice. Rendering (CSV, PDF) is not done here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from casedesk.domain.errors import ValidationFailed

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_DURATION_SECONDS = 24 * 60 * 60
_SECONDS_PER_HOUR = Decimal(3600)
# Wide enough that only the final quantize rounds, whatever the caller's decimal context.
_CONTEXT = Context(prec=40)


def validate_duration(seconds: int) -> int:
    """A duration in whole seconds: more than zero, at most 24 hours."""
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise ValidationFailed("duration is a whole number of seconds", field="duration")
    if not 0 < seconds <= MAX_DURATION_SECONDS:
        raise ValidationFailed(
            "duration must be more than 0 and at most 24 hours (86400 seconds)", field="duration"
        )
    return seconds


def validate_rate(rate: Decimal) -> Decimal:
    """An hourly rate: a finite Decimal, zero or more, at most two decimal places."""
    if not isinstance(rate, Decimal) or not rate.is_finite():
        raise ValidationFailed("hourly rate must be a decimal number", field="hourly_rate")
    if rate < 0:
        raise ValidationFailed("hourly rate cannot be negative", field="hourly_rate")
    try:
        exact = rate == rate.quantize(CENT, context=_CONTEXT)
    except InvalidOperation:
        exact = False
    if not exact:
        raise ValidationFailed("hourly rate has at most 2 decimal places", field="hourly_rate")
    return rate


def amount(duration_seconds: int, hourly_rate: Decimal) -> Decimal:
    """``hours x rate`` rounded to the cent, half up."""
    exact = _CONTEXT.divide(
        _CONTEXT.multiply(Decimal(duration_seconds), hourly_rate), _SECONDS_PER_HOUR
    )
    return exact.quantize(CENT, rounding=ROUND_HALF_UP, context=_CONTEXT)


@dataclass(frozen=True, slots=True)
class TimeEntry:
    """Work recorded on a case. ``performed_at`` (aware) decides the invoicing period;
    ``organization_id`` is the case's customer organization, the one invoiced."""

    id: int
    case_id: int
    organization_id: int | None
    performed_at: datetime
    duration_seconds: int
    billable: bool
    hourly_rate: Decimal
    activity: str | None = None
    invoice_id: int | None = None

    def __post_init__(self) -> None:
        validate_duration(self.duration_seconds)
        validate_rate(self.hourly_rate)
        if self.performed_at.tzinfo is None or self.performed_at.utcoffset() is None:
            raise ValidationFailed("performed_at must be timezone-aware", field="performed_at")

    @property
    def amount(self) -> Decimal:
        """What the entry costs: its rounded amount if billable, else zero."""
        return amount(self.duration_seconds, self.hourly_rate) if self.billable else ZERO


@dataclass(frozen=True, slots=True)
class Totals:
    seconds: int
    billable_seconds: int
    billable_amount: Decimal


def totals(entries: Iterable[TimeEntry]) -> Totals:
    """Total time, billable time and billable amount, invoiced or not."""
    seconds = billable_seconds = 0
    billed = ZERO
    for e in entries:
        seconds += e.duration_seconds
        if e.billable:
            billable_seconds += e.duration_seconds
            billed += e.amount
    return Totals(seconds, billable_seconds, billed)


def totals_by_case(entries: Iterable[TimeEntry]) -> dict[int, Totals]:
    by_case: defaultdict[int, list[TimeEntry]] = defaultdict(list)
    for e in entries:
        by_case[e.case_id].append(e)
    return {case_id: totals(group) for case_id, group in sorted(by_case.items())}


@dataclass(frozen=True, slots=True)
class BillingPeriod:
    """Local dates ``start`` (included) to ``end`` (excluded) in the IANA ``zone``."""

    start: date
    end: date
    zone: str

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValidationFailed("a period ends after it starts", field="end")
        try:
            ZoneInfo(self.zone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValidationFailed(f"unknown time zone {self.zone!r}", field="zone") from None

    def contains(self, instant: datetime) -> bool:
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValidationFailed("the instant must be timezone-aware", field="performed_at")
        return self.start <= instant.astimezone(ZoneInfo(self.zone)).date() < self.end


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """Billable work on one case at one rate. ``amount`` is the sum of the entry amounts."""

    organization_id: int
    case_id: int
    hourly_rate: Decimal
    seconds: int
    amount: Decimal
    entry_ids: tuple[int, ...]

    @property
    def hours(self) -> Decimal:
        """The quantity to print, to the hundredth of an hour; not used to compute money."""
        exact = _CONTEXT.divide(Decimal(self.seconds), _SECONDS_PER_HOUR)
        return exact.quantize(CENT, rounding=ROUND_HALF_UP, context=_CONTEXT)


@dataclass(frozen=True, slots=True)
class OrganizationInvoice:
    organization_id: int
    period: BillingPeriod
    lines: tuple[InvoiceLine, ...]
    seconds: int
    amount: Decimal


def invoice_lines(entries: Iterable[TimeEntry], period: BillingPeriod) -> list[InvoiceLine]:
    """Lines for every billable, not yet invoiced entry in ``period`` that has an
    organization: one per (organization, case, rate), ordered by those three."""
    groups: defaultdict[tuple[int, int, Decimal], list[TimeEntry]] = defaultdict(list)
    for e in _invoiceable(entries, period):
        assert e.organization_id is not None
        groups[(e.organization_id, e.case_id, e.hourly_rate)].append(e)
    return [
        InvoiceLine(
            organization_id=org,
            case_id=case,
            hourly_rate=rate,
            seconds=sum(e.duration_seconds for e in group),
            amount=sum((e.amount for e in group), ZERO),
            entry_ids=tuple(sorted(e.id for e in group)),
        )
        for (org, case, rate), group in sorted(groups.items())
    ]


def invoices(entries: Iterable[TimeEntry], period: BillingPeriod) -> list[OrganizationInvoice]:
    """The lines of :func:`invoice_lines` gathered into one invoice per organization."""
    by_org: defaultdict[int, list[InvoiceLine]] = defaultdict(list)
    for line in invoice_lines(entries, period):
        by_org[line.organization_id].append(line)
    return [
        OrganizationInvoice(
            organization_id=org,
            period=period,
            lines=tuple(lines),
            seconds=sum(line.seconds for line in lines),
            amount=sum((line.amount for line in lines), ZERO),
        )
        for org, lines in sorted(by_org.items())
    ]


def entries_without_organization(
    entries: Iterable[TimeEntry], period: BillingPeriod
) -> list[TimeEntry]:
    """Billable, uninvoiced work in ``period`` on cases with no organization: it cannot be
    invoiced, and the caller should show it rather than let it vanish."""
    return [
        e
        for e in entries
        if e.organization_id is None
        and e.billable
        and e.invoice_id is None
        and period.contains(e.performed_at)
    ]


def _invoiceable(entries: Iterable[TimeEntry], period: BillingPeriod) -> Iterable[TimeEntry]:
    return (
        e
        for e in entries
        if e.organization_id is not None
        and e.billable
        and e.invoice_id is None
        and period.contains(e.performed_at)
    )
