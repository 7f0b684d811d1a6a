"""ITFlow knows three priorities (seed 002: "Priority (low/med/high)"); a corporation
may have any number. Each priority shows as one of the three: the one an admin set on
it, else the one its name says, else the one its rank falls in (at least as urgent as
the priority named High: High; at most as urgent as the one named Low: Low; between:
Medium). Without priorities named so, the rank order is cut in thirds. A write names
one of the three and gets back a priority that shows as it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["Low", "Medium", "High"]
LEVELS: tuple[Level, ...] = ("Low", "Medium", "High")
#: What a client may write, casefolded: the three and the seed's ``med``.
SPELLINGS: dict[str, Level] = {"low": "Low", "med": "Medium", "medium": "Medium", "high": "High"}


@dataclass(frozen=True)
class Ranked:
    id: int
    name: str
    rank: int  # lower is more urgent
    configured: Level | None


def level_of_name(name: str) -> Level | None:
    return SPELLINGS.get(name.strip().casefold())


def levels(priorities: list[Ranked]) -> dict[int, Level]:
    """The ITFlow priority each of ``priorities`` shows as."""
    named = {level_of_name(p.name): p.rank for p in priorities if level_of_name(p.name)}
    ordered = sorted(priorities, key=lambda p: (p.rank, p.name, p.id))
    out: dict[int, Level] = {}
    for i, p in enumerate(ordered):
        out[p.id] = p.configured or level_of_name(p.name) or _by_rank(p, named, i, len(ordered))
    return out


def _by_rank(p: Ranked, named: dict[Level | None, int], index: int, count: int) -> Level:
    high, low = named.get("High"), named.get("Low")
    if high is not None and p.rank <= high:
        return "High"
    if low is not None and p.rank >= low:
        return "Low"
    if high is not None or low is not None or "Medium" in named:
        return "Medium"
    third = index * 3 // max(count, 1)
    return ("High", "Medium", "Low")[third]


def pick(level: Level, priorities: list[Ranked], current: int | None = None) -> int | None:
    """The priority a write of ``level`` sets: the case's ``current`` one when it
    already shows as ``level`` (writing back what was read changes nothing), else the
    one named so, else the most urgent one showing as it; None when none does."""
    shown = levels(priorities)
    if current is not None and shown.get(current) == level:
        return current
    candidates = [p for p in sorted(priorities, key=lambda p: (p.rank, p.name, p.id))
                  if shown[p.id] == level]  # fmt: skip
    named = [p for p in candidates if level_of_name(p.name) == level]
    chosen = named or candidates
    return chosen[0].id if chosen else None
