"""Plain arithmetic of the reports: percentiles, rates and calendar buckets.

Kept apart from the queries so the definitions the dashboards and the documentation
promise are in one place: the median of an even count is the mean of the two middle
values; the 90th percentile is the nearest rank (the smallest value with at least 90 %
of the values at or below it), so it is always a time some case really took.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta


def median(values: Sequence[int]) -> float | None:
    """The median of values already sorted, None for none."""
    n = len(values)
    if n == 0:
        return None
    mid = n // 2
    return float(values[mid]) if n % 2 else (values[mid - 1] + values[mid]) / 2


def nearest_rank(values: Sequence[int], share: float) -> float | None:
    """The nearest-rank percentile (``share`` in 0..1) of values already sorted."""
    if not values:
        return None
    return float(values[max(math.ceil(share * len(values)), 1) - 1])


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, one decimal; None when there is no whole."""
    return round(100 * part / whole, 1) if whole else None


def bucket_start(day: date, period: str) -> date:
    """The first day of the day/week (Monday)/month ``day`` falls in."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def buckets(start: date, end: date, period: str) -> list[date]:
    """Every bucket start from the one holding ``start`` to the one holding ``end``."""
    found: list[date] = []
    day = bucket_start(start, period)
    while day <= end:
        found.append(day)
        if period == "month":
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            day += timedelta(days=7 if period == "week" else 1)
    return found
