"""Which of ITFlow's three priorities ("Priority (low/med/high)", seed 002) each
casedesk priority shows as, and which one a write of the three sets."""

from __future__ import annotations

from casedesk.domain.itflow_priority import Ranked, level_of_name, levels, pick

DEFAULTS = [Ranked(1, "Low", 30, None), Ranked(2, "Medium", 20, None), Ranked(3, "High", 10, None)]


def test_names_then_ranks_then_configuration() -> None:
    prios = [*DEFAULTS, Ranked(4, "Critical", 0, None), Ranked(5, "Someday", 99, None),
             Ranked(6, "Normal", 25, None), Ranked(7, "Blocker", -5, "Medium")]  # fmt: skip
    assert levels(prios) == {1: "Low", 2: "Medium", 3: "High", 4: "High", 5: "Low",
                             6: "Medium", 7: "Medium"}  # fmt: skip


def test_without_named_priorities_the_rank_order_is_cut_in_thirds() -> None:
    prios = [Ranked(i, f"P{i}", i, None) for i in range(1, 7)]
    assert levels(prios) == {1: "High", 2: "High", 3: "Medium", 4: "Medium", 5: "Low", 6: "Low"}


def test_a_write_keeps_the_current_priority_when_it_already_shows_so() -> None:
    prios = [*DEFAULTS, Ranked(4, "Critical", 0, None)]
    assert pick("High", prios, current=4) == 4
    assert pick("High", prios, current=2) == 3
    assert pick("High", prios) == 3
    assert pick("Low", [Ranked(4, "Critical", 0, None)]) is None


def test_spellings() -> None:
    assert [level_of_name(x) for x in ("low", "MED", "Medium", " high ", "Critical")] == [
        "Low", "Medium", "Medium", "High", None,
    ]  # fmt: skip
