"""A case's audit entries told as sentences people read: "Priya changed status from
Open to Awaiting customer", "Mail from julia@example.com added a message".

The audit log keeps structured changes (``{field: {"from": old, "to": new}}``) with ids
and keys; this module turns one entry into the lines a history shows. Names come from
the caller (``Namer``), so the rules here stay pure: which field reads how, which
changes say nothing (``Open → Open``) and are left out, and how a channel (email, the
portal, the scheduler) is named instead of the account it acts as.

Each sentence is a ``Said``: English text that a page says again in its reader's
language (the templates are marked for the catalogs with ``N_``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from casedesk.domain.said import N_, Said

#: Names a field's stored value (an id, a key, a date) for a reader: ``(field, value)``.
Namer = Callable[[str, object], str]

#: How a channel that acts on cases is named after a passive verb ("changed by email").
CHANNEL_WORDS = {
    "email": N_(" by email"),
    "portal": N_(" through the portal"),
    "scheduler": N_(" by the scheduler"),
    "system": N_(" automatically"),
}

#: Fields by their reader's words; the others lose ``_id``/``_at`` and underscores.
FIELD_WORDS = {
    "status_id": N_("status"),
    "status": N_("internal status"),
    "priority_id": N_("priority"),
    "category_id": N_("category"),
    "queue_id": N_("queue"),
    "group_id": N_("group"),
    "assignee_id": N_("assignee"),
    "organization_id": N_("organization"),
    "contact_id": N_("contact"),
    "deadline_at": N_("deadline"),
    "on_hold_until": N_("on hold until"),
    "merged_into_id": N_("merged into"),
    "members.1": N_("assignee"),
    "members.2": N_("followers"),
    "members.20": N_("contact"),
    "links.parent": N_("parent case"),
    "links.child": N_("child case"),
    "links.related": N_("related case"),
    "title": N_("title"),
    "description": N_("description"),
    "tags": N_("tags"),
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
        return Said(FIELD_WORDS[field])
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
    if actor.channel in CHANNEL_WORDS:
        return Said(CHANNEL_WORDS[actor.channel])
    if actor.channel:
        return Said(N_(" by %(name)s"), name=actor.channel)
    return Said(N_(" by %(name)s"), name=actor.name) if actor.name else ""


#: A field's change: (active, passive) by what happened to it.
_CHANGES = {
    "set": (N_("%(actor)s set %(field)s to %(after)s"), N_("%(field)s set to %(after)s%(by)s")),
    "cleared": (
        N_("%(actor)s cleared %(field)s (was %(before)s)"),
        N_("%(field)s cleared (was %(before)s)%(by)s"),
    ),
    "changed": (
        N_("%(actor)s changed %(field)s from %(before)s to %(after)s"),
        N_("%(field)s changed from %(before)s to %(after)s%(by)s"),
    ),
}


def field_changes(
    actor: Actor, changes: Mapping[str, object], name: Namer, *, active: bool = True
) -> list[str]:
    """A sentence per field that really changed. ``active`` says it as the actor's deed
    ("Priya changed status from …"), else passively ("Status changed from … by email")."""
    lines: list[str] = []
    for field, change in changes.items():
        if field in _QUIET:
            continue
        pair = _pair(change)
        if pair is None:
            continue
        before, after = name(field, pair[0]), name(field, pair[1])
        if before == after:
            continue  # a no-op: the same value (or the same name) on both sides
        what = "set" if not before else "cleared" if not after else "changed"
        deed, passive = _CHANGES[what]
        field_name = field_words(field)
        if active and actor.name and not actor.channel:
            lines.append(Said(deed, actor=actor.name, field=field_name, before=before, after=after))
        else:
            by = _by(actor)
            lines.append(
                Said(passive, capital=True, by=by, field=field_name, before=before, after=after)
            )
    return lines


def _subject(actor: Actor) -> str:
    return actor.name if actor.name and not actor.channel else ""


def _message(entry: Entry) -> str:
    message = entry.changes.get("message")
    pair = _pair(message)
    details = pair[1] if pair else None
    direction = details.get("direction") if isinstance(details, Mapping) else None
    who = _subject(entry.actor)
    if direction == "inbound":
        sender = entry.sender or Said(N_("the customer"))
        if entry.actor.channel == "email":
            return Said(N_("Mail from %(sender)s added a message"), sender=sender)
        if entry.actor.channel:
            return Said(N_("%(sender)s added a message%(by)s"), sender=sender, by=_by(entry.actor))
        if who:
            return Said(N_("%(who)s added a message from %(sender)s"), who=who, sender=sender)
        return Said(N_("%(sender)s added a message"), sender=sender)
    if direction == "note":
        if who:
            return Said(N_("%(who)s added an internal note"), who=who)
        return Said(N_("An internal note was added"))
    if who:
        return Said(N_("%(who)s replied to the customer"), who=who)
    return Said(N_("A reply was sent%(by)s"), by=_by(entry.actor))


#: Entries told in one sentence of their own, by action: (active, passive).
_DEEDS = {
    "case.created": (N_("%(who)s opened the case"), N_("The case was opened")),
    "case.deleted": (N_("%(who)s deleted the case"), N_("The case was deleted")),
    "case.cancelled": (N_("%(who)s cancelled the case"), N_("The case was cancelled")),
    "case.merged": (
        N_("%(who)s merged this case into another"),
        N_("The case was merged into another"),
    ),
    "case.merged_in": (
        N_("%(who)s merged another case into this one"),
        N_("Another case was merged in"),
    ),
    "case.split": (
        N_("%(who)s split messages off into a new case"),
        N_("Messages were split off"),
    ),
    "case.linked": (N_("%(who)s linked a case"), N_("A case was linked")),
    "case.unlinked": (N_("%(who)s removed a link"), N_("A link was removed")),
    "case.escalated": (N_("%(who)s escalated the case"), N_("The case was escalated")),
    "case.chaser-sent": (N_("%(who)s sent a reminder"), N_("A reminder was sent to the customer")),
    "sla.breached": (N_("%(who)s missed an SLA target"), N_("An SLA target was missed")),
    "attachment.added": (N_("%(who)s attached a file"), N_("A file was attached")),
    "time_entry.added": (N_("%(who)s logged time"), N_("Time was logged")),
    "time_entry.updated": (N_("%(who)s changed a time entry"), N_("A time entry was changed")),
    "time_entry.deleted": (N_("%(who)s deleted a time entry"), N_("A time entry was deleted")),
}


def _deed(entry: Entry) -> str:
    who = _subject(entry.actor)
    words = entry.action.replace(".", " ").replace("_", " ").replace("-", " ")
    if entry.action in _DEEDS:
        active, passive = _DEEDS[entry.action]
        done: str = Said(passive)
    else:
        active = N_("%(who)s recorded %(words)s")
        done = Said(N_("%(words)s recorded"), capital=True, words=words)
    if who:
        return Said(active, who=who, words=words)
    if entry.actor.channel == "email" and entry.sender and entry.action == "case.created":
        return Said(N_("Mail from %(sender)s opened the case"), sender=entry.sender)
    if entry.actor.channel == "system":
        return done  # "The case was escalated": nobody but the system does that
    return Said("%(done)s%(by)s", done=done, by=_by(entry.actor))


def sentences(entry: Entry, name: Namer) -> list[str]:
    """What one audit entry says, as sentences; empty when it changed nothing a reader
    would see (every field the same on both sides)."""
    if entry.action == "message.added":
        # A customer's message may reopen the case: that follows as its own line.
        return [_message(entry), *field_changes(entry.actor, entry.changes, name, active=False)]
    if entry.action in ("case.updated", "member.added", "member.ended", "case.tags"):
        return field_changes(entry.actor, entry.changes, name)
    return [_deed(entry)]
