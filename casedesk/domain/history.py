"""A case's audit entries told as sentences people read: "Priya changed status from
Open to Awaiting customer", "Mail from julia@example.com added a message".

The audit log keeps structured changes (``{field: {"from": old, "to": new}}``) with ids
and keys; this module turns one entry into the lines a history shows. Names come from
the caller (``Namer``), so the rules here stay pure: which field reads how, which
changes say nothing (``Open → Open``) and are left out, and how a channel (email, the
portal, the scheduler) is named instead of the account it acts as.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

#: Names a field's stored value (an id, a key, a date) for a reader: ``(field, value)``.
Namer = Callable[[str, object], str]

#: How a channel that acts on cases is named after "by" ("changed by email").
CHANNEL_WORDS = {
    "email": "by email",
    "portal": "through the portal",
    "scheduler": "by the scheduler",
    "system": "automatically",
}

#: Fields by their reader's words; the others lose ``_id``/``_at`` and underscores.
FIELD_WORDS = {
    "status_id": "status",
    "status": "internal status",
    "priority_id": "priority",
    "category_id": "category",
    "queue_id": "queue",
    "group_id": "group",
    "assignee_id": "assignee",
    "organization_id": "organization",
    "contact_id": "contact",
    "deadline_at": "deadline",
    "on_hold_until": "on hold until",
    "merged_into_id": "merged into",
    "members.1": "assignee",
    "members.2": "followers",
    "members.20": "contact",
    "links.parent": "parent case",
    "links.child": "child case",
    "links.related": "related case",
}

#: Changes that only restate bookkeeping another line already tells.
_QUIET = frozenset({"status", "version", "updated_at", "message", "attachment"})


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acted: a person by ``name``, or a ``channel`` (a key of CHANNEL_WORDS)."""

    name: str = ""
    channel: str = ""


@dataclass(frozen=True, slots=True)
class Entry:
    """One audit entry as the history reads it. ``sender`` names who wrote an inbound
    message (a contact's name or address), when the entry adds one."""

    action: str
    actor: Actor
    changes: Mapping[str, object]
    sender: str = ""


def field_words(field: str) -> str:
    if field in FIELD_WORDS:
        return FIELD_WORDS[field]
    if field.startswith("custom."):
        return field.removeprefix("custom.")
    words = field.removesuffix("_id").removesuffix("_at")
    return words.replace("_", " ").replace(".", " ")


def _pair(change: object) -> tuple[object, object] | None:
    if isinstance(change, Mapping) and set(change) <= {"from", "to"}:
        return change.get("from"), change.get("to")
    return None


def _by(actor: Actor) -> str:
    """The actor after a passive verb: " by email", " by Priya", or nothing."""
    if actor.channel:
        return " " + CHANNEL_WORDS.get(actor.channel, "by " + actor.channel)
    return f" by {actor.name}" if actor.name else ""


def field_changes(
    actor: Actor, changes: Mapping[str, object], name: Namer, *, active: bool = True
) -> list[str]:
    """A sentence per field that really changed. ``active`` says it as the actor's deed
    ("Priya changed status from …"), else passively ("Status changed from … by email")."""
    lines = []
    for field, change in changes.items():
        if field in _QUIET:
            continue
        pair = _pair(change)
        if pair is None:
            continue
        before, after = name(field, pair[0]), name(field, pair[1])
        if before == after:
            continue  # a no-op: the same value (or the same name) on both sides
        words = field_words(field)
        if not before:
            verb, rest = "set", f"to {after}"
        elif not after:
            verb, rest = "cleared", f"(was {before})"
        else:
            verb, rest = "changed", f"from {before} to {after}"
        if active and actor.name and not actor.channel:
            lines.append(f"{actor.name} {verb} {words} {rest}")
        else:
            lines.append(_capital(f"{words} {verb} {rest}") + _by(actor))
    return lines


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _subject(actor: Actor) -> str:
    return actor.name if actor.name and not actor.channel else ""


def _message(entry: Entry) -> str:
    message = entry.changes.get("message")
    pair = _pair(message)
    details = pair[1] if pair else None
    direction = details.get("direction") if isinstance(details, Mapping) else None
    who = _subject(entry.actor)
    if direction == "inbound":
        sender = entry.sender or "the customer"
        if entry.actor.channel == "email":
            return f"Mail from {sender} added a message"
        if entry.actor.channel:
            return f"{sender} added a message{_by(entry.actor)}"
        return f"{who} added a message from {sender}" if who else f"{sender} added a message"
    if direction == "note":
        return f"{who} added an internal note" if who else "An internal note was added"
    return f"{who} replied to the customer" if who else f"A reply was sent{_by(entry.actor)}"


#: Entries told in one sentence of their own, by action: (active, passive).
_DEEDS = {
    "case.created": ("opened the case", "The case was opened"),
    "case.deleted": ("deleted the case", "The case was deleted"),
    "case.cancelled": ("cancelled the case", "The case was cancelled"),
    "case.merged": ("merged this case into another", "The case was merged into another"),
    "case.merged_in": ("merged another case into this one", "Another case was merged in"),
    "case.split": ("split messages off into a new case", "Messages were split off"),
    "case.linked": ("linked a case", "A case was linked"),
    "case.unlinked": ("removed a link", "A link was removed"),
    "case.escalated": ("escalated the case", "The case was escalated"),
    "case.chaser-sent": ("sent a reminder", "A reminder was sent to the customer"),
    "sla.breached": ("missed an SLA target", "An SLA target was missed"),
    "attachment.added": ("attached a file", "A file was attached"),
    "time_entry.added": ("logged time", "Time was logged"),
    "time_entry.updated": ("changed a time entry", "A time entry was changed"),
    "time_entry.deleted": ("deleted a time entry", "A time entry was deleted"),
}


def _deed(entry: Entry) -> str:
    active, passive = _DEEDS.get(entry.action, ("", ""))
    if not active:
        words = entry.action.replace(".", " ").replace("_", " ").replace("-", " ")
        active, passive = f"recorded {words}", _capital(f"{words} recorded")
    who = _subject(entry.actor)
    if who:
        return f"{who} {active}"
    if entry.actor.channel == "email" and entry.sender and entry.action == "case.created":
        return f"Mail from {entry.sender} opened the case"
    if entry.actor.channel == "system":
        return passive  # "The case was escalated": nobody but the system does that
    return passive + _by(entry.actor)


def sentences(entry: Entry, name: Namer) -> list[str]:
    """What one audit entry says, as sentences; empty when it changed nothing a reader
    would see (every field the same on both sides)."""
    if entry.action == "message.added":
        # A customer's message may reopen the case: that follows as its own line.
        return [_message(entry), *field_changes(entry.actor, entry.changes, name, active=False)]
    if entry.action in ("case.updated", "member.added", "member.ended", "case.tags"):
        return field_changes(entry.actor, entry.changes, name)
    return [_deed(entry)]
