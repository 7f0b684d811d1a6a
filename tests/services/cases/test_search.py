"""Case search: every filter, free text, segregation, and cursor pagination that walks
every page exactly once in each sort order."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.services.cases import core as cases
from casedesk.services.cases import messages, search
from casedesk.services.cases.schemas import CaseCreate, CasePatch, CaseQuery, MessageCreate
from casedesk.services.identity.auth import principal_for
from casedesk.services.identity.users import add_user
from casedesk.services.kernel.bootstrap import create_corporation
from casedesk.store.db import Database
from casedesk.store.models import (
    CaseStatus,
    Category,
    Contact,
    CustomFieldDefinition,
    Group,
    Organization,
    Priority,
    Queue,
    User,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def hours(n: float) -> datetime:
    return T0 + timedelta(hours=n)


def make_principal(db: Database, email: str, role: str, groups: list[str], corp: int) -> Principal:
    # No password: these tests do not authenticate, and hashing is slow on purpose.
    uid = add_user(db, email, role, None, groups=groups, corporation_id=corp)
    with db.read() as s:
        user = s.get(User, uid)
        assert user is not None
        return principal_for(s, user)


@dataclass
class Data:
    """Five cases c1..c5 (c4 soft-deleted) and the reference rows they point at."""

    admin: Principal
    agent_a: Principal
    ids: dict[str, int]
    ref: dict[str, int]

    def names(self, found: list[int]) -> set[str]:
        by_id = {v: k for k, v in self.ids.items()}
        return {by_id[i] for i in found}


@pytest.fixture
def data(db: Database) -> Data:
    with db.write() as s:
        corp = create_corporation(s, "Acme", "TCK-")
        ga, gb = Group(corporation_id=corp.id, name="A"), Group(corporation_id=corp.id, name="B")
        s.add_all([ga, gb])
        s.flush()
        hardware = Category(corporation_id=corp.id, name="Hardware")
        software = Category(corporation_id=corp.id, name="Software")
        s.add_all([hardware, software])
        s.flush()
        printers = Category(corporation_id=corp.id, name="Printers", parent_id=hardware.id)
        s.add(printers)
        s.flush()
        laser = Category(corporation_id=corp.id, name="Laser", parent_id=printers.id)
        q1 = Queue(corporation_id=corp.id, name="Q1", group_id=ga.id)
        q2 = Queue(corporation_id=corp.id, name="Q2")
        o1 = Organization(corporation_id=corp.id, name="Initech")
        o2 = Organization(corporation_id=corp.id, name="Umbrella")
        c1 = Contact(corporation_id=corp.id, first_name="Peter")
        c2 = Contact(corporation_id=corp.id, first_name="Alice")
        vendor = CaseStatus(
            corporation_id=corp.id,
            name="Waiting for vendor",
            internal_status=3,
            is_default=False,
            clock="external",
        )
        s.add_all([laser, q1, q2, o1, o2, c1, c2, vendor])
        for key, ftype, options in (
            ("vip", "bool", None),
            ("amount", "number", None),
            ("due", "date", None),
            ("tier", "select", ["gold", "silver"]),
            ("serial", "text", None),
        ):
            s.add(
                CustomFieldDefinition(
                    corporation_id=corp.id, key=key, label=key, type=ftype, options=options
                )
            )
        s.flush()
        prio = {
            p.name: p.id
            for p in s.scalars(select(Priority).where(Priority.corporation_id == corp.id))
        }
        open_id = s.scalars(
            select(CaseStatus.id).where(
                CaseStatus.corporation_id == corp.id, CaseStatus.internal_status == 1
            )
        ).one()
        ref = {
            "A": ga.id,
            "B": gb.id,
            "hardware": hardware.id,
            "software": software.id,
            "printers": printers.id,
            "laser": laser.id,
            "q1": q1.id,
            "q2": q2.id,
            "o1": o1.id,
            "o2": o2.id,
            "c1": c1.id,
            "c2": c2.id,
            "vendor": vendor.id,
            "open": open_id,
            "high": prio["High"],
            "low": prio["Low"],
            "corp": corp.id,
        }
    admin = make_principal(db, "admin@acme.test", "admin", [], ref["corp"])
    agent_a = make_principal(db, "alice@acme.test", "agent", ["A"], ref["corp"])

    def mk(at: float, **fields: Any) -> int:
        return cases.open_case(db, admin, CaseCreate(**fields), now=hours(at)).id

    ids = {
        "c1": mk(
            1,
            title="Printer jams",
            category_id=ref["laser"],
            queue_id=ref["q1"],
            group_id=ref["A"],
            priority_id=ref["high"],
            organization_id=ref["o1"],
            contact_id=ref["c1"],
            assignee_id=agent_a.user_id,
            tags=["hardware", "urgent"],
            custom_fields={
                "vip": True,
                "amount": 10,
                "due": "2026-05-01",
                "tier": "gold",
                "serial": "SN-1",
            },
        ),
        "c2": mk(
            2,
            title="Screen flickers",
            category_id=ref["hardware"],
            queue_id=ref["q2"],
            group_id=ref["A"],
            priority_id=ref["low"],
            organization_id=ref["o2"],
            contact_id=ref["c2"],
            assignee_id=admin.user_id,
            tags=["Hardware"],
            status=7,
            custom_fields={"vip": False, "amount": "20.5", "tier": "silver"},
        ),
        "c3": mk(
            3,
            title="Licence expired",
            description="renewal of the ACME licence",
            category_id=ref["software"],
            group_id=ref["B"],
            status=2,
        ),
        "c4": mk(4, title="Mouse broken", group_id=ref["A"], status=4),
        "c5": mk(
            5,
            title="Keyboard",
            category_id=ref["printers"],
            group_id=ref["B"],
            status_id=ref["vendor"],
        ),
    }
    cases.update_case(db, admin, ids["c2"], CasePatch(code="X"), now=hours(10))
    cases.update_case(db, admin, ids["c1"], CasePatch(code="Y"), now=hours(20))
    messages.add_message(
        db,
        admin,
        ids["c5"],
        MessageCreate(visibility="internal", body_text="the toner smells burnt"),
        now=hours(30),
    )
    return Data(admin, agent_a, ids, ref)


def found(db: Database, data: Data, principal: Principal | None = None, **query: Any) -> set[str]:
    page = search.search_cases(db, principal or data.admin, CaseQuery(limit=200, **query))
    assert page.next_cursor is None
    names = data.names([c.id for c in page.items])
    count = search.count_cases(db, principal or data.admin, CaseQuery(**query))
    assert count == len(names)
    return names


FILTERS: list[tuple[str, dict[str, Any], set[str]]] = [
    ("nothing hides deleted", {}, {"c1", "c2", "c3", "c5"}),
    ("include_deleted", {"include_deleted": True}, {"c1", "c2", "c3", "c4", "c5"}),
    ("status", {"status": [1]}, {"c1"}),
    ("status any of", {"status": [2, 3]}, {"c3", "c5"}),
    ("status deleted asked for", {"status": [4]}, {"c4"}),
    ("status awaiting internal", {"status": [7]}, {"c2"}),
    ("status_id", {"status_id": ["vendor"]}, {"c5"}),
    ("status_id default open", {"status_id": ["open"]}, {"c1"}),
    ("priority", {"priority_id": ["high"]}, {"c1"}),
    ("priority any of", {"priority_id": ["high", "low"]}, {"c1", "c2"}),
    ("category root subtree", {"category_id": ["hardware"]}, {"c1", "c2", "c5"}),
    ("category middle subtree", {"category_id": ["printers"]}, {"c1", "c5"}),
    ("category leaf", {"category_id": ["laser"]}, {"c1"}),
    ("category any of", {"category_id": ["laser", "software"]}, {"c1", "c3"}),
    ("queue", {"queue_id": ["q1"]}, {"c1"}),
    ("group", {"group_id": ["A"]}, {"c1", "c2"}),
    ("group B", {"group_id": ["B"]}, {"c3", "c5"}),
    ("assignee", {"assignee_id": ["agent_a"]}, {"c1"}),
    ("unassigned", {"unassigned": True}, {"c3", "c5"}),
    ("assigned", {"unassigned": False}, {"c1", "c2"}),
    ("contact", {"contact_id": ["c1"]}, {"c1"}),
    ("organization", {"organization_id": ["o2"]}, {"c2"}),
    ("tag", {"tag": ["hardware"]}, {"c1", "c2"}),
    ("tag any case", {"tag": ["URGENT"]}, {"c1"}),
    ("tag unknown", {"tag": ["nope"]}, set()),
    ("custom bool true", {"custom": {"vip": "true"}}, {"c1"}),
    ("custom bool false", {"custom": {"vip": "false"}}, {"c2"}),
    ("custom number", {"custom": {"amount": "20.5"}}, {"c2"}),
    ("custom number int", {"custom": {"amount": "10"}}, {"c1"}),
    ("custom date", {"custom": {"due": "2026-05-01"}}, {"c1"}),
    ("custom select", {"custom": {"tier": "gold"}}, {"c1"}),
    ("custom text", {"custom": {"serial": "SN-1"}}, {"c1"}),
    ("custom two at once", {"custom": {"vip": "false", "tier": "gold"}}, set()),
    ("created_after is inclusive", {"created_after": hours(2)}, {"c2", "c3", "c5"}),
    ("created_before is exclusive", {"created_before": hours(2)}, {"c1"}),
    ("created range", {"created_after": hours(2), "created_before": hours(3)}, {"c2"}),
    ("updated_after", {"updated_after": hours(10)}, {"c1", "c2"}),
    ("updated_before", {"updated_before": hours(6)}, {"c3", "c5"}),
    ("text in title", {"q": "printer"}, {"c1"}),
    ("text prefix any case", {"q": "FLICK"}, {"c2"}),
    ("text in description", {"q": "acme licence"}, {"c3"}),
    ("text in message body", {"q": "toner"}, {"c5"}),
    ("text terms across cases", {"q": "jams toner"}, set()),
    ("text on deleted", {"q": "mouse"}, set()),
    ("text on deleted included", {"q": "mouse", "include_deleted": True}, {"c4"}),
    ("combined", {"group_id": ["A"], "tag": ["hardware"], "status": [1]}, {"c1"}),
]


@pytest.mark.parametrize(
    ("query", "expected"), [(q, e) for _, q, e in FILTERS], ids=[name for name, _, _ in FILTERS]
)
def test_filter(db: Database, data: Data, query: dict[str, Any], expected: set[str]) -> None:
    resolved: dict[str, Any] = {}
    for key, value in query.items():
        if key.endswith("_id") and key != "assignee_id":
            value = [data.ref[v] for v in value]
        elif key == "assignee_id":
            value = [data.agent_a.user_id]
        resolved[key] = value
    assert found(db, data, **resolved) == expected


def test_agents_find_only_cases_of_their_groups(db: Database, data: Data) -> None:
    assert found(db, data, data.agent_a) == {"c1", "c2"}
    assert found(db, data, data.agent_a, include_deleted=True) == {"c1", "c2", "c4"}
    assert found(db, data, data.agent_a, group_id=[data.ref["B"]]) == set()
    assert found(db, data, data.agent_a, q="toner") == set()
    assert found(db, data, data.agent_a, category_id=[data.ref["hardware"]]) == {"c1", "c2"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"custom": {"colour": "red"}}, "custom.colour"),
        ({"custom": {"vip": "maybe"}}, None),
        ({"custom": {"amount": "many"}}, None),
        ({"custom": {"due": "soon"}}, None),
    ],
)
def test_bad_filters_are_refused(
    db: Database, data: Data, query: dict[str, Any], field: str | None
) -> None:
    with pytest.raises(ValidationFailed) as err:
        search.search_cases(db, data.admin, CaseQuery(**query))
    if field is not None:
        assert err.value.field == field


def test_a_blank_text_query_filters_nothing(db: Database, data: Data) -> None:
    assert found(db, data, q="   ") == {"c1", "c2", "c3", "c5"}


# --------------------------------------------------------------------------- pagination


@pytest.fixture
def many(db: Database) -> tuple[Principal, list[Any]]:
    """23 cases whose created and updated times repeat, so ties must be broken by id."""
    with db.write() as s:
        corp = create_corporation(s, "Acme", "TCK-").id
    admin = make_principal(db, "admin@acme.test", "admin", [], corp)
    made = []
    for i in range(23):
        case = cases.open_case(
            db, admin, CaseCreate(title=f"case {i}"), now=T0 + timedelta(minutes=(i * 7) % 5)
        )
        if i % 4 == 0:
            case = cases.update_case(
                db, admin, case.id, CasePatch(code=str(i)), now=T0 + timedelta(minutes=10 + i % 3)
            )
        made.append(case)
    return admin, made


def walk(db: Database, principal: Principal, sort: str, limit: int) -> list[list[int]]:
    pages: list[list[int]] = []
    cursor: str | None = None
    while True:
        page = search.search_cases(
            db,
            principal,
            CaseQuery.model_validate({"sort": sort, "limit": limit, "cursor": cursor}),
        )
        pages.append([c.id for c in page.items])
        cursor = page.next_cursor
        if cursor is None:
            return pages
        assert len(pages) < 100, "pagination does not end"


@pytest.mark.parametrize(
    "sort", ["created_at", "-created_at", "updated_at", "-updated_at", "number", "-number"]
)
@pytest.mark.parametrize("limit", [1, 5, 23, 50])
def test_cursor_pagination_walks_every_case_once_in_order(
    db: Database, many: tuple[Principal, list[Any]], sort: str, limit: int
) -> None:
    admin, made = many
    key, desc = sort.lstrip("-"), sort.startswith("-")
    expected = [c.id for c in sorted(made, key=lambda c: (getattr(c, key), c.id), reverse=desc)]

    pages = walk(db, admin, sort, limit)

    assert [i for page in pages for i in page] == expected
    assert all(len(page) == limit for page in pages[:-1])
    assert 1 <= len(pages[-1]) <= limit


def test_cases_created_while_paging_neither_repeat_nor_vanish(
    db: Database, many: tuple[Principal, list[Any]]
) -> None:
    admin, made = many
    first = search.search_cases(db, admin, CaseQuery(sort="number", limit=10))
    added = cases.open_case(db, admin, CaseCreate(title="late"))
    seen = [c.id for c in first.items]
    cursor = first.next_cursor
    while cursor:
        page = search.search_cases(db, admin, CaseQuery(sort="number", limit=10, cursor=cursor))
        seen += [c.id for c in page.items]
        cursor = page.next_cursor
    assert seen == [c.id for c in made] + [added.id]


def _cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("sort", "cursor"),
    [
        ("number", "not a cursor"),
        ("number", "!!!!"),
        ("number", _cursor([1])),
        ("number", _cursor({"a": 1})),
        ("number", _cursor(["1", 1])),
        ("number", _cursor([1, "x"])),
        ("created_at", _cursor([3, 1])),
        ("created_at", _cursor(["2026-03-02T09:00:00", 1])),  # no time zone
        ("created_at", _cursor(["yesterday", 1])),
        ("number", _cursor([1, 10**30])),
        ("number", _cursor([10**30, 1])),
        ("-created_at", _cursor(["9999-12-31T23:59:59-05:00", 1])),
    ],
)
def test_invalid_cursor_is_refused(
    db: Database, many: tuple[Principal, list[Any]], sort: str, cursor: str
) -> None:
    admin, _ = many
    with pytest.raises(ValidationFailed) as err:
        search.search_cases(db, admin, CaseQuery.model_validate({"sort": sort, "cursor": cursor}))
    assert err.value.field == "cursor"


def test_a_cursor_of_one_sort_order_is_refused_by_another(
    db: Database, many: tuple[Principal, list[Any]]
) -> None:
    admin, _ = many
    page = search.search_cases(db, admin, CaseQuery(sort="number", limit=5))
    assert page.next_cursor is not None
    with pytest.raises(ValidationFailed):
        search.search_cases(db, admin, CaseQuery(sort="created_at", cursor=page.next_cursor))
