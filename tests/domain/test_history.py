"""Audit entries told as sentences: names not ids, no no-op lines, channels named as
channels."""

from __future__ import annotations

import pytest

from casedesk.domain.history import Actor, Entry, sentences

NAMES = {
    ("status_id", 1): "Open",
    ("status_id", 3): "Awaiting customer",
    ("priority_id", 2): "High",
    ("assignee_id", 7): "Priya",
}


def name(field: str, value: object) -> str:
    if value is None:
        return ""
    return NAMES.get((field, value), str(value))  # type: ignore[arg-type]


PRIYA = Actor(name="Priya")
EMAIL = Actor(channel="email")
PORTAL = Actor(channel="portal")
SYSTEM = Actor(channel="system")


def change(before: object, after: object) -> dict[str, object]:
    return {"from": before, "to": after}


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            Entry("case.updated", PRIYA, {"status_id": change(1, 3)}),
            ["Priya changed status from Open to Awaiting customer"],
        ),
        # A no-op (the same value, or the same name, on both sides) says nothing.
        (Entry("case.updated", PRIYA, {"status_id": change(1, 1)}), []),
        (
            Entry(
                "case.updated", PRIYA, {"status_id": change(1, 1), "priority_id": change(None, 2)}
            ),
            ["Priya set priority to High"],
        ),
        (
            Entry("case.updated", PRIYA, {"assignee_id": change(7, None)}),
            ["Priya cleared assignee (was Priya)"],
        ),
        (
            Entry("case.updated", EMAIL, {"status_id": change(3, 1)}),
            ["Status changed from Awaiting customer to Open by email"],
        ),
        (
            Entry("case.updated", SYSTEM, {"title": change("Old", "New")}),
            ["Title changed from Old to New automatically"],
        ),
        (
            Entry(
                "message.added",
                EMAIL,
                {"message": change(None, {"visibility": "external", "direction": "inbound"})},
                sender="julia@example.com",
            ),
            ["Mail from julia@example.com added a message"],
        ),
        (
            Entry(
                "message.added",
                EMAIL,
                {
                    "message": change(None, {"visibility": "external", "direction": "inbound"}),
                    "status_id": change(3, 1),
                },
                sender="julia@example.com",
            ),
            [
                "Mail from julia@example.com added a message",
                "Status changed from Awaiting customer to Open by email",
            ],
        ),
        (
            Entry(
                "message.added",
                PORTAL,
                {"message": change(None, {"visibility": "external", "direction": "inbound"})},
                sender="julia@example.com",
            ),
            ["julia@example.com added a message through the portal"],
        ),
        (
            Entry(
                "message.added",
                PRIYA,
                {"message": change(None, {"visibility": "external", "direction": "outbound"})},
            ),
            ["Priya replied to the customer"],
        ),
        (
            Entry(
                "message.added",
                PRIYA,
                {"message": change(None, {"visibility": "internal", "direction": "note"})},
            ),
            ["Priya added an internal note"],
        ),
        (Entry("case.created", PRIYA, {"title": change(None, "x")}), ["Priya opened the case"]),
        (
            Entry("case.created", EMAIL, {}, sender="julia@example.com"),
            ["Mail from julia@example.com opened the case"],
        ),
        (Entry("case.created", EMAIL, {}), ["The case was opened by email"]),
        (
            Entry("member.added", PRIYA, {"members.1": change(None, 7)}),
            ["Priya set assignee to 7"],
        ),
        (Entry("case.escalated", SYSTEM, {}), ["The case was escalated"]),
        (Entry("something.new", PRIYA, {}), ["Priya recorded something new"]),
    ],
)
def test_an_entry_reads_as_sentences(entry: Entry, expected: list[str]) -> None:
    assert sentences(entry, name) == expected
