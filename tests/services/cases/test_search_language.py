"""The search language through the case search, on both stores, whichever way the
search is planned: driven from the text index, or walking the cases in their order
with the text checked case by case. Segregation and counts hold at every bound."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import select

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.cases import core as cases
from casedesk.services.cases import messages, search
from casedesk.services.cases.schemas import CaseCreate, CaseQuery, MessageCreate
from casedesk.services.cases.text_search import Tuning
from casedesk.services.identity.auth import principal_for
from casedesk.services.identity.users import add_user
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store import search_match
from casedesk.store.db import Database
from casedesk.store.models import Case, Contact, ContactEmail, Group, Organization, Priority, User
from tests.store.test_search_index import HOSTILE

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
#: Every way of planning: always walk (no clause is rare), the default, always drive.
PLANS = {"walk": Tuning(drive_below=0), "default": Tuning(), "drive": Tuning(drive_below=10**6)}


def principal(db: Database, email: str, role: str, groups: list[str], corp: int) -> Principal:
    uid = add_user(db, email, role, None, groups=groups, corporation_id=corp)
    with db.read() as s:
        user = s.get(User, uid)
        assert user is not None
        return principal_for(s, user)


@dataclass
class Desk:
    admin: Principal
    agent_a: Principal
    ids: dict[str, int]
    numbers: dict[str, int]

    def names(self, found: list[int]) -> list[str]:
        by_id = {v: k for k, v in self.ids.items()}
        return [by_id[i] for i in found]


@pytest.fixture
def desk(db: Database) -> Desk:
    with db.write() as s:
        corp = create_corporation(s, "Acme", "TCK-")
        ga = Group(corporation_id=corp.id, name="First line")
        gb = Group(corporation_id=corp.id, name="B")
        org = Organization(corporation_id=corp.id, name="Initech")
        ann = Contact(corporation_id=corp.id, first_name="Ann")
        s.add_all([ga, gb, org, ann])
        s.flush()
        s.add(ContactEmail(corporation_id=corp.id, contact_id=ann.id, email="ann@initech.test"))
        high = s.scalars(
            select(Priority.id).where(Priority.corporation_id == corp.id, Priority.name == "High")
        ).one()
        ref = {"A": ga.id, "B": gb.id, "org": org.id, "ann": ann.id, "high": high, "corp": corp.id}
    admin = principal(db, "admin@acme.test", "admin", [], ref["corp"])
    agent_a = principal(db, "alice@acme.test", "agent", ["First line"], ref["corp"])

    def mk(hour: int, title: str, **fields: Any) -> int:
        fields.setdefault("group_id", ref["A"])
        at = T0 + timedelta(hours=hour)
        return cases.open_case(db, admin, CaseCreate(title=title, **fields), now=at).id

    ids = {
        "jam": mk(1, "Printer paper jam", priority_id=ref["high"], tags=["vip"]),
        "toner": mk(2, "Printer out of toner", assignee_id=agent_a.user_id),
        "vpn": mk(3, "VPN drops", organization_id=ref["org"], contact_id=ref["ann"]),
        "wifi": mk(4, "Wifi is slow", status=2),
        "hidden": mk(5, "Printer paper jam in B", group_id=ref["B"]),
        "jammed": mk(24 * 40, "Jammed door", description="paper everywhere"),
    }
    messages.add_message(
        db,
        admin,
        ids["vpn"],
        MessageCreate(visibility="internal", body_text="the printer next to it works"),
        now=T0 + timedelta(hours=6),
    )
    with db.read() as s:
        numbers = {k: s.get_one(Case, v).number for k, v in ids.items()}
    return Desk(admin, agent_a, ids, numbers)


def found(db: Database, desk: Desk, who: Principal, q: str, tuning: Tuning, **kw: Any) -> list[str]:
    """Names of every case the search finds, in its order (newest first), walking
    every page of two."""
    ids: list[int] = []
    cursor = None
    while True:
        query = CaseQuery(q=q, limit=2, cursor=cursor, **kw)
        with db.read() as s:
            page = search.search_cases_in(s, who, query, tuning=tuning)
        ids.extend(c.id for c in page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(ids) == len(set(ids))
    return desk.names(ids)


SEARCHES: list[tuple[str, list[str]]] = [
    ("printer", ["vpn", "toner", "jam"]),  # "vpn" by its message
    ("print", ["vpn", "toner", "jam"]),
    ("paper jam", ["jammed", "jam"]),  # one word in the title, one in the description
    ('"paper jam"', ["jam"]),
    ("vpn OR wifi", ["wifi", "vpn"]),
    ('toner OR "paper jam"', ["toner", "jam"]),
    ("printer -toner", ["vpn", "jam"]),
    ('printer -"paper jam"', ["vpn", "toner"]),
    ("-printer", ["jammed", "wifi"]),
    ("status:closed", ["wifi"]),
    ("status:open printer", ["vpn", "toner", "jam"]),
    ("priority:high", ["jam"]),
    ("tag:VIP", ["jam"]),
    ("assignee:me", ["toner"]),
    ("assignee:alice@acme.test printer", ["toner"]),
    ("assignee:none printer", ["vpn", "jam"]),
    ('group:"first line" wifi', ["wifi"]),
    ("group:B", []),
    ("organization:initech", ["vpn"]),
    ("contact:ann@initech.test", ["vpn"]),
    ("contact:nobody@initech.test", []),
    ("priority:nonesuch", []),
    ("created:>=2026-03-03", ["jammed"]),
    ("created:2026-03-02 jam", ["jam"]),
    ("updated:<2026-03-02T10:30:00Z", ["jam"]),
    ("nothingmatches", []),
]


@pytest.mark.parametrize("plan", list(PLANS))
def test_the_language_finds_the_same_cases_however_planned(
    db: Database, desk: Desk, plan: str
) -> None:
    for q, expected in SEARCHES:
        assert found(db, desk, desk.agent_a, q, PLANS[plan]) == expected, q


@pytest.mark.parametrize("plan", list(PLANS))
def test_kept_words_of_frequent_prefixes_find_the_same_cases(
    db: Database, desk: Desk, plan: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every word counts as frequent here, so the words a prefix stands for are kept
    and read again: the answers stay those of the language; once they are older than
    the time they are kept, a word written since is found too."""
    monkeypatch.setattr(search_match, "FREQUENT", 1)
    monkeypatch.setattr(search_match, "_expansions", weakref.WeakKeyDictionary())
    for _ in range(2):
        for q, expected in SEARCHES:
            assert found(db, desk, desk.agent_a, q, PLANS[plan]) == expected, q
    messages.add_message(
        db,
        desk.admin,
        desk.ids["wifi"],
        MessageCreate(visibility="internal", body_text="the printers upstairs too"),
        now=T0 + timedelta(hours=7),
    )
    monkeypatch.setattr(search_match, "KEEP_EXPANSION", 0.0)
    assert found(db, desk, desk.agent_a, "printer", PLANS[plan]) == ["wifi", "vpn", "toner", "jam"]


@pytest.mark.parametrize("plan", list(PLANS))
def test_a_case_number_finds_that_case(db: Database, desk: Desk, plan: str) -> None:
    for name in ("jam", "wifi"):
        number = desk.numbers[name]
        for q in (str(number), f"#{number}"):
            assert found(db, desk, desk.agent_a, q, PLANS[plan]) == [name]
    # the number of a case the agent may not see finds nothing
    assert found(db, desk, desk.agent_a, str(desk.numbers["hidden"]), PLANS[plan]) == []
    assert found(db, desk, desk.admin, str(desk.numbers["hidden"]), PLANS[plan]) == ["hidden"]


@pytest.mark.parametrize("plan", list(PLANS))
def test_the_language_and_the_filters_both_apply(db: Database, desk: Desk, plan: str) -> None:
    assert found(db, desk, desk.agent_a, "printer", PLANS[plan], status=[1]) == [
        "vpn",
        "toner",
        "jam",
    ]
    assert found(db, desk, desk.agent_a, "status:closed", PLANS[plan], status=[1]) == []


@pytest.mark.parametrize("up_to", [1, 2, 3, 4, 100])
@pytest.mark.parametrize("plan", list(PLANS))
def test_counts_are_exact_below_the_bound_and_at_least_above_it_for_what_the_caller_sees(
    db: Database, desk: Desk, plan: str, up_to: int
) -> None:
    tuning = Tuning(exact_count_up_to=up_to, drive_below=PLANS[plan].drive_below)
    # agent_a sees 3 printer cases; the admin sees 4 (one in group B)
    for who, q, seen in (
        (desk.agent_a, "printer", 3),
        (desk.admin, "printer", 4),
        (desk.agent_a, "paper", 2),
        (desk.admin, "paper", 3),
        (desk.agent_a, "", 5),
        (desk.admin, "", 6),
    ):
        query = CaseQuery(q=q or None)
        counted = search.count_matches(db, who, query, tuning=tuning)
        if seen > up_to:
            assert (counted.count, counted.is_estimate) == (up_to, True), (q, who.user_id)
        else:
            assert (counted.count, counted.is_estimate) == (seen, False), (q, who.user_id)
        with db.read() as s:
            page = search.search_cases_in(s, who, query, with_total=True, tuning=tuning)
        assert (page.total, page.total_is_estimate) == (counted.count, counted.is_estimate)
        assert len(page.items) == seen
        assert search.count_cases(db, who, query) == seen


@pytest.mark.parametrize("up_to", [1, 2, 3])
def test_a_count_of_many_matches_of_which_the_caller_sees_few_is_exact(
    db: Database, desk: Desk, up_to: int
) -> None:
    # Twenty "scanner" cases the agent may not see come first in the text index, then
    # two of theirs: the first documents do not settle the count, the whole does.
    for i in range(20):
        cases.open_case(
            db, desk.admin, CaseCreate(title=f"Scanner {i} offline", group_id=_group(db, "B"))
        )
    for i in range(2):
        cases.open_case(
            db,
            desk.admin,
            CaseCreate(title=f"Scanner {i} jams", group_id=_group(db, "First line")),
        )
    query = CaseQuery(q="scanner")
    tuning = Tuning(exact_count_up_to=up_to)
    counted = search.count_matches(db, desk.agent_a, query, tuning=tuning)
    expected = (2, False) if up_to >= 2 else (1, True)
    assert (counted.count, counted.is_estimate) == expected
    admin_count = search.count_matches(db, desk.admin, query, tuning=tuning)
    assert (admin_count.count, admin_count.is_estimate) == (up_to, True)


def _group(db: Database, name: str) -> int:
    with db.read() as s:
        return s.scalars(select(Group.id).where(Group.name == name)).one()


def test_later_pages_carry_no_total(db: Database, desk: Desk) -> None:
    with db.read() as s:
        first = search.search_cases_in(s, desk.admin, CaseQuery(limit=2), with_total=True)
        assert first.total == 6 and first.next_cursor
        query = CaseQuery(limit=2, cursor=first.next_cursor)
        later = search.search_cases_in(s, desk.admin, query, with_total=True)
    assert later.total is None


@pytest.mark.parametrize("q", ["!!!", "-status:open", "created:someday"])
def test_a_query_that_cannot_be_used_is_refused(db: Database, desk: Desk, q: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        search.search_cases(db, desk.agent_a, CaseQuery(q=q))
    assert info.value.field == "q"


@pytest.mark.parametrize("plan", list(PLANS))
def test_any_text_is_searched_or_refused_never_a_failure(
    db: Database, desk: Desk, plan: str
) -> None:
    texts = [*HOSTILE, "x:y", "status:", "created:>", '"', 'a OR "', "-", "#", "#0"]
    for text in texts:
        try:
            query = CaseQuery(q=text)
        except PydanticValidationError:  # the faces refuse it before the search
            continue
        with db.read() as s:
            for search_or_count in ("search", "count"):
                try:
                    if search_or_count == "search":
                        search.search_cases_in(s, desk.agent_a, query, tuning=PLANS[plan])
                    else:
                        search.count_cases_in(s, desk.agent_a, query, up_to=2)
                except ValidationFailed as exc:
                    assert exc.field == "q", text
