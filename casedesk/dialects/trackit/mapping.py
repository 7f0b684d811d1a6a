"""Track-It! fields ↔ the service layer's case, note, attachment and template.

``Ticket ID`` is the case id, so every face names a ticket alike. A field is addressed by
its sequence number or by its display name as the admin configured it (field labels of
the ``trackit.ticket`` scheme); answers use the configured names too. Fields with no
place in the case model are kept in the custom field whose key is the field's own name
in snake case (``Callback Number`` → ``callback_number``), when an admin defined one.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from xml.sax.saxutils import escape

from pydantic import BaseModel, ValidationError

from casedesk.dialects.trackit import wire
from casedesk.dialects.trackit.catalog import Catalog
from casedesk.dialects.trackit.errors import TrackItError
from casedesk.domain.statuses import InternalStatus
from casedesk.services.attachments.attaching import AttachmentOut
from casedesk.services.cases.schemas import (
    CaseCreate,
    CaseOut,
    CasePatch,
    MessageCreate,
    MessageOut,
)
from casedesk.services.cases.templates import TemplateOut

#: Updatable fields that are ids of the case's own columns.
ID_FIELDS = {
    4: "group_id",
    8: "contact_id",
    10: "assignee_id",
    11: "category_id",
    95: "status_id",
    106: "priority_id",
    166: "asset_id",
}
TEXT_FIELDS = {7: "description", 22: "title"}
DATE_FIELDS = {100: "deadline_at"}
#: Updatable fields given by name, resolved to the id field they stand for.
NAMED_FIELDS = {34: 4, 67: 10, 72: 11, 96: 95, 107: 106}
MAPPED = set(ID_FIELDS) | set(TEXT_FIELDS) | set(DATE_FIELDS) | set(NAMED_FIELDS)

M = TypeVar("M", bound=BaseModel)
_FRACTION = re.compile(r"(\.\d{6})\d+")


def custom_key(seq: int) -> str:
    return re.sub(r"[^a-z0-9]+", "_", wire.TICKET_FIELDS[seq].lower()).strip("_")


def display_names(cat: Catalog) -> dict[int, str]:
    return {seq: cat.labels.get(str(seq), name) for seq, name in wire.TICKET_FIELDS.items()}


def timestamp(value: datetime | None) -> str | None:
    """Track-It's form: UTC with seven fractional digits and ``Z``."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


# --------------------------------------------------------------------------- in


def _seq(key: str, names: dict[int, str]) -> int:
    key = key.strip()
    if key.isdigit() and int(key) in names:
        return int(key)
    by_name = {name.strip().lower(): seq for seq, name in names.items()}
    if key.lower() in by_name:
        return by_name[key.lower()]
    raise TrackItError(f"there is no ticket field {key!r}", field=key)


def _int(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TrackItError(f"{field} is a number", field=field)
    number = value
    if not 1 <= number <= 2**53:
        raise TrackItError(f"{field} {number} does not exist", field=field)
    return number


def _text(value: Any, field: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TrackItError(f"{field} is a text", field=field)
    return value


def _date(value: Any, field: str) -> datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise TrackItError(f"{field} is a date and time", field=field)
    try:
        parsed = datetime.fromisoformat(_FRACTION.sub(r"\1", str(value)).replace("Z", "+00:00"))
    except ValueError:
        raise TrackItError(f"{field} is a date and time", field=field) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _by_name(value: Any, seq: int, names: dict[int, str], cat: Catalog) -> int | None:
    field = names[seq]
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise TrackItError(f"{field} is a name", field=field)
    text = value.strip().lower()
    pools: dict[int, dict[int, str]] = {
        34: cat.groups,
        72: {i: n for i, (n, _) in cat.categories.items()},
        96: {i: s.name for i, s in cat.statuses.items()},
        107: cat.priorities,
    }
    if seq == 67:
        return cat.user_by_email(str(value), field)
    found = [i for i, name in pools[seq].items() if name.lower() == text]
    if len(found) != 1:
        what = "no" if not found else "more than one"
        raise TrackItError(f"{what} {field} named {value!r}", field=field)
    return found[0]


def case_fields(properties: dict[str, Any], cat: Catalog) -> dict[str, Any]:
    """The service fields a ``Properties`` object sets. For fields named twice (by id and
    by name) the one listed last wins, as the seed says."""
    names = display_names(cat)
    out: dict[str, Any] = {}
    custom: dict[str, Any] = {}
    for key, value in properties.items():
        seq = _seq(key, names)
        if seq not in wire.UPDATABLE:
            raise TrackItError(f"{names[seq]} cannot be set", field=names[seq])
        if seq in ID_FIELDS:
            out[ID_FIELDS[seq]] = _int(value, names[seq])
        elif seq in NAMED_FIELDS:
            out[ID_FIELDS[NAMED_FIELDS[seq]]] = _by_name(value, seq, names, cat)
        elif seq in TEXT_FIELDS:
            out[TEXT_FIELDS[seq]] = _text(value, names[seq])
        elif seq in DATE_FIELDS:
            out[DATE_FIELDS[seq]] = _date(value, names[seq])
        else:
            custom[custom_key(seq)] = value
    if custom:
        out["custom_fields"] = custom
    return out


def _build(model: type[M], values: dict[str, Any]) -> M:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else None
        raise TrackItError(str(first["msg"]), field=field) from None


def to_create(fields: dict[str, Any]) -> CaseCreate:
    """A ticket needs no summary in Track-It; the case title is then the first line of
    the additional information, or ``Ticket``."""
    values = dict(fields)
    if not values.get("title"):
        lines = [ln.strip() for ln in (values.get("description") or "").splitlines()]
        values["title"] = next((ln[:500] for ln in lines if ln), "Ticket")
    return _build(CaseCreate, values)


def to_patch(fields: dict[str, Any]) -> CasePatch:
    return _build(CasePatch, fields)


def to_note(note: wire.NoteInput, *, required: bool) -> MessageCreate:
    """The note of an AddNote / ChangeStatus / Close. Given a note, Note Type and
    Activity Code are required; the text is required only for AddNote."""
    if note.note_type is None:
        raise TrackItError("Note Type is required with a note", field="Note Type")
    if note.activity_code is None:
        raise TrackItError("Activity Code is required with a note", field="Activity Code")
    text = (note.note or "").strip()
    if not text and required:
        raise TrackItError("Note is required", field="Note")
    return MessageCreate(
        visibility="internal" if note.private else "external",
        body_text=note.note if text else f"{note.note_type}: {note.activity_code}",
        note_type=note.note_type,
        activity_code=note.activity_code,
        duration_seconds=note.duration or 0,
    )


# --------------------------------------------------------------------------- out


def ticket(
    case: CaseOut,
    cat: Catalog,
    notes: list[MessageOut],
    last_user_id: int | None,
    closed_by_id: int | None,
) -> dict[str, dict[str, Any]]:
    names = display_names(cat)
    status = cat.statuses.get(case.status_id)
    contact = cat.contact(case.contact_id)
    assignee = cat.user(case.assignee_id)
    opener = cat.user(case.creator_id)
    closer = cat.user(closed_by_id) if case.status == InternalStatus.CLOSED else None
    last = cat.user(last_user_id)
    durations = [n.duration_seconds or 0 for n in notes]
    stopped = status is not None and status.clock in ("external", "stopped")
    values: dict[int, Any] = {
        1: case.id,
        2: timestamp(case.updated_at),
        3: last[1] if last else None,
        4: case.group_id,
        7: case.description or None,
        8: case.contact_id,
        10: case.assignee_id,
        11: case.category_id,
        12: timestamp(case.created_at),
        16: case.creator_id,
        17: closed_by_id if closer else None,
        18: timestamp(case.closed_at) if case.status == InternalStatus.CLOSED else None,
        22: case.title,
        34: cat.groups.get(case.group_id),
        48: closer[1] if closer else None,
        66: opener[1] if opener else None,
        67: assignee[1] if assignee else None,
        72: cat.categories[case.category_id][0] if case.category_id in cat.categories else None,
        95: case.status_id,
        96: status.name if status else None,
        97: InternalStatus(case.status).name.replace("_", " ").title(),
        100: timestamp(case.deadline_at),
        102: case.status == InternalStatus.DELETED,
        103: timestamp(case.status_changed_at) if stopped else None,
        106: case.priority_id,
        107: cat.priorities.get(case.priority_id),
        110: timestamp(case.first_response_due_at),
        111: timestamp(case.resolution_due_at),
        127: case.origin,
        132: timestamp(case.first_response_at),
        163: sum(durations) if notes else None,
        164: cat.category_path(case.category_id),
        166: case.asset_id,
        175: timestamp(max(n.created_at for n in notes)) if notes else None,
    }
    if contact is not None:
        full = f"{contact.first_name} {contact.last_name}".strip()
        values |= {
            37: contact.first_name or None,
            38: contact.last_name or None,
            39: contact.phones[0].number if contact.phones else None,
            43: contact.title or None,
            49: contact.location or None,
            65: contact.department or None,
            114: contact.emails[0] if contact.emails else None,
            149: full or None,
        }
    for seq, person in ((68, assignee), (128, opener), (130, closer)):
        if person is not None and person[0]:
            first, _, rest = person[0].partition(" ")
            values |= {seq: first, seq + 1: rest or None}
    if assignee is not None:
        values[157] = assignee[0] or None
    if opener is not None:
        values[177] = opener[0] or None
    for seq in wire.TICKET_FIELDS:
        if seq not in MAPPED and seq not in values and custom_key(seq) in case.custom_fields:
            value = case.custom_fields[custom_key(seq)]
            values[seq] = value.isoformat() if isinstance(value, date) else value
    return wire.pairs(values, names)


def note(
    m: MessageOut, case: CaseOut, cat: Catalog, max_length: int = -1
) -> dict[str, dict[str, Any]]:
    author = cat.user(m.author_user_id)
    code = cat.activity_codes.get((m.activity_code or "").lower())
    text = m.body_text if max_length < 0 else m.body_text[:max_length]
    values: dict[int, Any] = {
        1: m.id,
        2: timestamp(m.created_at),
        3: author[1] if author else None,
        4: case.group_id,
        5: text,
        6: case.id,
        7: timestamp(m.created_at),
        8: m.author_user_id,
        10: m.duration_seconds,
        11: code[0] if code else None,
        13: True,
        14: m.is_system,
        15: m.activity_code,
        16: author[0] or author[1] if author else None,
        26: m.note_type,
        27: m.visibility == "internal",
        28: m.author_contact_id,
        30: code[1] or None if code else None,
    }
    return wire.pairs(values, wire.NOTE_FIELDS)


def attachment(a: AttachmentOut, cat: Catalog) -> dict[str, dict[str, Any]]:
    uploader = cat.user(a.uploaded_by_id)
    values: dict[int, Any] = {
        1: a.id,
        2: timestamp(a.created_at),
        3: uploader[1] if uploader else None,
        5: a.case_id,
        6: a.size,
        7: a.filename,
        8: a.content_type,
        14: f"/api/v1/cases/{a.case_id}/attachments/{a.id}/content",
    }
    return wire.pairs(values, wire.ATTACHMENT_FIELDS)


def assignment(task: CaseOut, cat: Catalog, last_user_id: int | None) -> dict[str, dict[str, Any]]:
    status = cat.statuses.get(task.status_id)
    assignee = cat.user(task.assignee_id)
    last = cat.user(last_user_id)
    values: dict[int, Any] = {
        1: task.id,
        2: timestamp(task.updated_at),
        3: last[1] if last else None,
        4: task.group_id,
        5: task.parent_id,
        6: task.title,
        7: status.name if status else None,
        8: task.assignee_id,
        9: assignee[1] if assignee else None,
        10: timestamp(task.created_at),
        11: timestamp(task.closed_at) if task.status == InternalStatus.CLOSED else None,
    }
    return wire.pairs(values, wire.ASSIGNMENT_FIELDS)


def template(t: TemplateOut) -> dict[str, dict[str, Any]]:
    rows = "".join(
        f"<RowData><fieldname>{escape(k)}</fieldname><value>{escape(str(v))}</value></RowData>"
        for k, v in t.fields.items()
    )
    values: dict[int, Any] = {
        1: t.id,
        3: t.name,
        4: str(t.fields.get("title") or t.name),
        6: f"<TemplateData>{rows}</TemplateData>",
        10: False,
    }
    return wire.pairs(values, wire.TEMPLATE_FIELDS)


def page(items: list[Any], size: int, number: int) -> list[Any]:
    """Track-It paging: numbers count from 1; 0 for either means everything."""
    if size == 0 or number == 0:
        return items
    return items[(number - 1) * size : number * size]
