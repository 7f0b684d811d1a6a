"""Time entries, their amounts and invoices, with every amount worked out by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from casedesk.domain.billing import (
    BillingPeriod,
    InvoiceLine,
    TimeEntry,
    Totals,
    amount,
    entries_without_organization,
    invoice_lines,
    invoices,
    totals,
    totals_by_case,
    validate_duration,
    validate_rate,
)
from casedesk.domain.errors import ValidationFailed

MIN, HOUR = 60, 3600


def z(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def entry(
    id: int,
    seconds: int,
    rate: str,
    *,
    case: int = 1,
    org: int | None = 7,
    at: datetime | None = None,
    billable: bool = True,
    invoice: int | None = None,
) -> TimeEntry:
    return TimeEntry(
        id=id,
        case_id=case,
        organization_id=org,
        performed_at=at or z(3, 10),
        duration_seconds=seconds,
        billable=billable,
        hourly_rate=Decimal(rate),
        invoice_id=invoice,
    )


# --------------------------------------------------------------------------- amount


@pytest.mark.parametrize(
    ("seconds", "rate", "expected"),
    [
        pytest.param(HOUR, "100.00", "100.00", id="one-hour"),
        pytest.param(90 * MIN, "80", "120.00", id="ninety-minutes"),  # 1.5 x 80
        pytest.param(20 * MIN, "95.55", "31.85", id="third-exact"),  # 95.55 / 3
        pytest.param(MIN, "100", "1.67", id="one-minute"),  # 1.666.. -> 1.67
        pytest.param(7 * MIN, "120", "14.00", id="seven-minutes"),  # 7/60 x 120
        pytest.param(24 * HOUR, "150.50", "3612.00", id="whole-day"),  # 24 x 150.50
        # exactly half a cent rounds up (banker's rounding would give the even cent)
        pytest.param(18, "1.00", "0.01", id="half-cent-up"),  # 0.005 -> 0.01, not 0.00
        pytest.param(90, "1.00", "0.03", id="half-up-not-even"),  # 0.025 -> 0.03, not 0.02
        pytest.param(10 * MIN, "99.99", "16.67", id="16.665-up"),  # 99.99 / 6 = 16.665
        # just under half a cent rounds down
        pytest.param(17, "1.00", "0.00", id="under-half"),  # 0.00472..
        pytest.param(1, "0.01", "0.00", id="tiny"),
        pytest.param(HOUR, "0", "0.00", id="free"),
    ],
)
def test_amount(seconds: int, rate: str, expected: str) -> None:
    got = amount(seconds, Decimal(rate))
    assert got == Decimal(expected)
    assert str(got) == expected  # always two places


def test_a_non_billable_entry_costs_nothing_whatever_its_rate() -> None:
    assert entry(1, HOUR, "100", billable=False).amount == Decimal("0.00")
    assert entry(1, HOUR, "100").amount == Decimal("100.00")


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("seconds", [1, 59, HOUR, 24 * HOUR])
def test_durations_accepted(seconds: int) -> None:
    assert validate_duration(seconds) == seconds


@pytest.mark.parametrize(
    "seconds",
    [0, -1, 24 * HOUR + 1, 1.5, True],
    ids=["zero", "negative", "over-24h", "float", "bool"],
)
def test_durations_refused(seconds: int) -> None:
    with pytest.raises(ValidationFailed) as err:
        validate_duration(seconds)
    assert err.value.field == "duration"


@pytest.mark.parametrize("rate", ["0", "0.00", "95", "95.5", "95.50", "95.500", "1000000.01"])
def test_rates_accepted(rate: str) -> None:
    assert validate_rate(Decimal(rate)) == Decimal(rate)


@pytest.mark.parametrize(
    "rate",
    [Decimal("-0.01"), Decimal("95.555"), Decimal("0.001"), Decimal("NaN"), Decimal("Infinity")],
    ids=["negative", "three-places", "tenth-cent", "nan", "infinity"],
)
def test_rates_refused(rate: Decimal) -> None:
    with pytest.raises(ValidationFailed) as err:
        validate_rate(rate)
    assert err.value.field == "hourly_rate"


def test_a_float_rate_is_refused() -> None:
    with pytest.raises(ValidationFailed) as err:
        validate_rate(95.5)  # type: ignore[arg-type]
    assert err.value.field == "hourly_rate"


@pytest.mark.parametrize(
    ("build", "field"),
    [
        pytest.param(lambda: entry(1, 0, "10"), "duration", id="zero-duration"),
        pytest.param(lambda: entry(1, 25 * HOUR, "10"), "duration", id="over-a-day"),
        pytest.param(lambda: entry(1, HOUR, "-1"), "hourly_rate", id="negative-rate"),
        pytest.param(lambda: entry(1, HOUR, "10.005"), "hourly_rate", id="rate-3-places"),
        pytest.param(
            lambda: entry(1, HOUR, "10", at=datetime(2026, 3, 1)), "performed_at", id="naive-at"
        ),
    ],
)
def test_time_entries_validate(build: Callable[[], TimeEntry], field: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        build()
    assert err.value.field == field


# --------------------------------------------------------------------------- totals


def test_totals_of_a_case() -> None:
    case = [
        entry(1, 90 * MIN, "80"),  # billable 120.00
        entry(2, 10 * MIN, "99.99"),  # billable 16.67 (16.665 up)
        entry(3, 30 * MIN, "200", billable=False),  # time only
        entry(4, MIN, "100", invoice=55),  # billable 1.67, already invoiced: still counted
    ]
    # time: 90+10+30+1 = 131 min; billable: 90+10+1 = 101 min; 120.00+16.67+1.67 = 138.34
    assert totals(case) == Totals(131 * MIN, 101 * MIN, Decimal("138.34"))


def test_totals_of_nothing() -> None:
    assert totals([]) == Totals(0, 0, Decimal("0.00"))


def test_totals_by_case() -> None:
    got = totals_by_case(
        [entry(1, HOUR, "50", case=2), entry(2, HOUR, "50", case=1), entry(3, HOUR, "50", case=2)]
    )
    assert got == {
        1: Totals(HOUR, HOUR, Decimal("50.00")),
        2: Totals(2 * HOUR, 2 * HOUR, Decimal("100.00")),
    }


# --------------------------------------------------------------------------- periods

MARCH = BillingPeriod(date(2026, 3, 1), date(2026, 4, 1), "Europe/Oslo")


@pytest.mark.parametrize(
    ("at", "inside"),
    [
        # 28 Feb 23:30Z is 1 March 00:30 CET in Oslo: March
        pytest.param(datetime(2026, 2, 28, 23, 30, tzinfo=UTC), True, id="first-local-day"),
        # 28 Feb 22:59Z is 28 Feb 23:59 CET: February
        pytest.param(datetime(2026, 2, 28, 22, 59, tzinfo=UTC), False, id="day-before"),
        # 31 March 21:59Z is 23:59 CEST: March
        pytest.param(datetime(2026, 3, 31, 21, 59, tzinfo=UTC), True, id="last-local-day"),
        # 31 March 22:30Z is 1 April 00:30 CEST: the end date is excluded
        pytest.param(datetime(2026, 3, 31, 22, 30, tzinfo=UTC), False, id="end-excluded"),
    ],
)
def test_period_uses_local_dates_half_open(at: datetime, inside: bool) -> None:
    assert MARCH.contains(at) is inside


@pytest.mark.parametrize(
    ("build", "field"),
    [
        pytest.param(
            lambda: BillingPeriod(date(2026, 3, 1), date(2026, 3, 1), "UTC"), "end", id="empty"
        ),
        pytest.param(
            lambda: BillingPeriod(date(2026, 4, 1), date(2026, 3, 1), "UTC"), "end", id="reversed"
        ),
        pytest.param(
            lambda: BillingPeriod(date(2026, 3, 1), date(2026, 4, 1), "Oslo"), "zone", id="zone"
        ),
        pytest.param(lambda: MARCH.contains(datetime(2026, 3, 2)), "performed_at", id="naive"),
    ],
)
def test_period_validation(build: Callable[[], object], field: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        build()
    assert err.value.field == field


# --------------------------------------------------------------------------- invoices


def test_per_entry_rounding_adds_up_to_the_line() -> None:
    # Three one-minute entries at 100: 1.67 each, the line is 5.01 (rounding the 3 minutes
    # once would give 5.00); the line shows what the entries show.
    lines = invoice_lines([entry(i, MIN, "100") for i in (1, 2, 3)], MARCH)
    assert [(line.seconds, line.amount) for line in lines] == [(3 * MIN, Decimal("5.01"))]


# Organization 7: case 1 at 100/h and 150/h, case 2 at 100/h; organization 3: case 5.
ENTRIES = [
    entry(1, HOUR, "100", org=7, case=1),  # 100.00
    entry(2, 30 * MIN, "100", org=7, case=1),  # 50.00
    entry(3, 20 * MIN, "150", org=7, case=1),  # 50.00, other rate: own line
    entry(4, 45 * MIN, "100", org=7, case=2),  # 75.00
    entry(5, 2 * HOUR, "90.50", org=3, case=5),  # 181.00
    # not on any invoice:
    entry(6, HOUR, "100", org=7, case=1, billable=False),  # not billable
    entry(7, HOUR, "100", org=7, case=1, invoice=41),  # already invoiced
    entry(8, HOUR, "100", org=7, case=1, at=z(4, 1)),  # April
    entry(9, HOUR, "100", org=7, case=1, at=datetime(2026, 3, 31, 22, 30, tzinfo=UTC)),  # April
    entry(10, HOUR, "100", org=None, case=9),  # no organization
]

LINES = [
    InvoiceLine(3, 5, Decimal("90.50"), 2 * HOUR, Decimal("181.00"), (5,)),
    InvoiceLine(7, 1, Decimal("100"), 90 * MIN, Decimal("150.00"), (1, 2)),
    InvoiceLine(7, 1, Decimal("150"), 20 * MIN, Decimal("50.00"), (3,)),
    InvoiceLine(7, 2, Decimal("100"), 45 * MIN, Decimal("75.00"), (4,)),
]


def test_invoice_lines_group_by_organization_case_and_rate() -> None:
    assert invoice_lines(ENTRIES, MARCH) == LINES


def test_invoice_lines_do_not_depend_on_entry_order() -> None:
    assert invoice_lines(list(reversed(ENTRIES)), MARCH) == LINES


@pytest.mark.parametrize(
    ("seconds", "hours"),
    [(90 * MIN, "1.50"), (20 * MIN, "0.33"), (MIN, "0.02"), (30, "0.01"), (29, "0.01")],
    ids=["1.5h", "third", "minute", "half-minute", "under-half-minute"],
)
def test_line_hours_for_printing(seconds: int, hours: str) -> None:
    # 30 s = 0.00833 h -> 0.01; 29 s = 0.00806 h -> 0.01
    line = InvoiceLine(1, 1, Decimal("100"), seconds, Decimal("0"), ())
    assert line.hours == Decimal(hours)


def test_one_invoice_per_organization_with_totals() -> None:
    got = invoices(ENTRIES, MARCH)
    assert [(i.organization_id, i.seconds, i.amount) for i in got] == [
        (3, 2 * HOUR, Decimal("181.00")),
        # 60 + 30 + 20 + 45 = 155 minutes; 150.00 + 50.00 + 75.00 = 275.00
        (7, 155 * MIN, Decimal("275.00")),
    ]
    assert got[0].lines == tuple(LINES[:1]) and got[1].lines == tuple(LINES[1:])
    assert all(i.period == MARCH for i in got)


def test_nothing_to_invoice() -> None:
    assert invoice_lines([], MARCH) == []
    assert invoices([entry(1, HOUR, "100", invoice=1)], MARCH) == []


def test_entries_without_organization_are_reported_not_lost() -> None:
    assert [e.id for e in entries_without_organization(ENTRIES, MARCH)] == [10]
