"""The search box's language, parsed without a database: every form and every refusal."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import pytest

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.search_query import MAX_PARTS, Range, SearchQuery, Term, parse


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


W = Term  # a word (prefix)


def P(text: str) -> Term:  # a phrase; capital, as W, so the tables read best
    return Term(text, phrase=True)


PARSED: list[tuple[str, SearchQuery]] = [
    ("printer", SearchQuery(clauses=[(W("printer"),)])),
    ("printer jam", SearchQuery(clauses=[(W("printer"),), (W("jam"),)])),
    ('"paper jam"', SearchQuery(clauses=[(P("paper jam"),)])),
    ('"  paper   jam "', SearchQuery(clauses=[(P("paper jam"),)])),
    ('"unclosed phrase', SearchQuery(clauses=[(P("unclosed phrase"),)])),
    ("vpn OR wifi", SearchQuery(clauses=[(W("vpn"), W("wifi"))])),
    ("a OR b OR c d", SearchQuery(clauses=[(W("a"), W("b"), W("c")), (W("d"),)])),
    ('vpn OR "no signal"', SearchQuery(clauses=[(W("vpn"), P("no signal"))])),
    ("OR vpn", SearchQuery(clauses=[(W("vpn"),)])),
    ("vpn or wifi", SearchQuery(clauses=[(W("vpn"),), (W("or"),), (W("wifi"),)])),
    ("printer -toner", SearchQuery(clauses=[(W("printer"),)], excluded=[(W("toner"),)])),
    (
        'printer -"out of toner"',
        SearchQuery(clauses=[(W("printer"),)], excluded=[(P("out of toner"),)]),
    ),
    ("-toner", SearchQuery(excluded=[(W("toner"),)])),
    ("error:404", SearchQuery(clauses=[(W("error:404"),)])),
    ("e-mail", SearchQuery(clauses=[(W("e-mail"),)])),
    ("status:open", SearchQuery(fields={"status": ["open"]})),
    ("Status:open,closed status:spam", SearchQuery(fields={"status": ["open", "closed", "spam"]})),
    ('group:"Second line"', SearchQuery(fields={"group": ["Second line"]})),
    ("group:a,b", SearchQuery(fields={"group": ["a,b"]})),
    ("org:Acme", SearchQuery(fields={"organization": ["Acme"]})),
    (
        "printer assignee:me tag:vip priority:high contact:ann@x.test",
        SearchQuery(
            clauses=[(W("printer"),)],
            fields={
                "assignee": ["me"],
                "tag": ["vip"],
                "priority": ["high"],
                "contact": ["ann@x.test"],
            },
        ),
    ),
    ("created:2024-05-01", SearchQuery(created=Range(at("2024-05-01"), at("2024-05-02")))),
    ("created:>=2024-05-01", SearchQuery(created=Range(after=at("2024-05-01")))),
    ("created:>2024-05-01", SearchQuery(created=Range(after=at("2024-05-02")))),
    ("updated:<2024-05-01", SearchQuery(updated=Range(before=at("2024-05-01")))),
    ("updated:<=2024-05-01", SearchQuery(updated=Range(before=at("2024-05-02")))),
    (
        "created:2024-05-01..2024-05-31",
        SearchQuery(created=Range(at("2024-05-01"), at("2024-06-01"))),
    ),
    ("created:..2024-05-31", SearchQuery(created=Range(None, at("2024-06-01")))),
    (
        "created:>=2024-01-01 created:<2024-02-01",
        SearchQuery(created=Range(at("2024-01-01"), at("2024-02-01"))),
    ),
    (
        "updated:>=2024-05-01T10:00:00+02:00",
        SearchQuery(updated=Range(after=at("2024-05-01T08:00:00"))),
    ),
    ("1234", SearchQuery(clauses=[(W("1234"),)], number=1234)),
    ("#1234", SearchQuery(clauses=[(W("1234"),)], number=1234)),
    ("1234 printer", SearchQuery(clauses=[(W("1234"),), (W("printer"),)])),
    ('"1234"', SearchQuery(clauses=[(P("1234"),)])),
    ("status:open 42", SearchQuery(clauses=[(W("42"),)], fields={"status": ["open"]}, number=42)),
    ("printer !!! ***", SearchQuery(clauses=[(W("printer"),)])),
]


@pytest.mark.parametrize(("text", "expected"), PARSED, ids=[t for t, _ in PARSED])
def test_parses(text: str, expected: SearchQuery) -> None:
    assert parse(text) == expected


REFUSED = [
    ("", "empty"),
    ("   ", "empty"),
    ("!!! ---", "empty"),
    ('""', "empty"),
    ("OR", "empty"),
    ("-status:open", "cannot be excluded"),
    ('status:""', "needs a value"),
    ("created:yesterday", "is not a date"),
    ("created:2024-13-01", "is not a date"),
    ("created:9999-12-31", "is not a date"),  # its end is past the last day there is
    ("created:>=2024-05-01T10:00:00", "needs a time zone"),
    (" ".join(["w"] * (MAX_PARTS + 1)), "at most"),
]


@pytest.mark.parametrize(("text", "reason"), REFUSED, ids=[t[:20] for t, _ in REFUSED])
def test_refuses(text: str, reason: str) -> None:
    with pytest.raises(ValidationFailed, match=reason) as info:
        parse(text)
    assert info.value.field == "q"


@pytest.mark.parametrize(
    "text", ['"', "-", "'; DROP TABLE cases; --", "a\x00b", "\ud800x", "NEAR(a b", "x <-> y", "::"]
)
def test_hostile_text_parses_or_is_refused_cleanly(text: str) -> None:
    with contextlib.suppress(ValidationFailed):
        parse(text)
