"""Writing what comes with many new cases at once: messages, members, tags,
attachments and status history, one statement per table.

The bulk import opens its cases with :func:`opening.open_cases_in` and then writes
what each case brought along through here, in the same transaction. The rows are the
ones the one-at-a-time use-cases write (a message gets its full-text document, a tag
its ``case_tags`` row, an attachment its row for a blob already stored); the rules that
decide them (who may, which status follows) are applied by the caller per case, and
what a message changes on the case (its external and internal times, its first
response) is given to ``open_cases_in`` as the case's kept fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from casedesk.services.attachments.attaching import StoredFile
from casedesk.services.cases import tags
from casedesk.services.kernel.case_state import record_status_changes
from casedesk.store.models import Attachment, CaseMember, CaseMessage, CaseTag
from casedesk.store.search_index import index_new_texts

_INSERT_MESSAGES = insert(CaseMessage).returning(CaseMessage.id, sort_by_parameter_order=True)
_PLAIN_INSERT = insert(CaseMessage)
_INSERT_MEMBERS = insert(CaseMember)
_INSERT_TAGS = insert(CaseTag)
_INSERT_ATTACHMENTS = insert(Attachment)


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A message of a new case, its direction and visibility already checked."""

    case_id: int
    visibility: str
    direction: str
    body_text: str
    created_at: datetime
    body_html: str | None = None
    author_user_id: int | None = None
    author_contact_id: int | None = None
    files: tuple[StoredFile, ...] = ()


def write_messages(s: Session, messages: list[NewMessage]) -> list[int]:
    """Insert the messages and their full-text documents; their ids, in order."""
    if not messages:
        return []
    rows = [
        {
            "case_id": m.case_id,
            "visibility": m.visibility,
            "direction": m.direction,
            "is_system": False,
            "author_user_id": m.author_user_id,
            "author_contact_id": m.author_contact_id,
            "body_text": m.body_text,
            "body_html": m.body_html,
            "note_type": None,
            "activity_code": None,
            "duration_seconds": None,
            "email_headers": None,
            "message_id_header": None,
            "created_at": m.created_at,
        }
        for m in messages
    ]
    connection = s.connection()
    if connection.dialect.name == "sqlite":
        # The write transaction holds SQLite's only write lock, so the ids after the
        # largest are free: numbering here spares RETURNING its row-by-row round trips.
        last = connection.execute(select(func.max(CaseMessage.id))).scalar() or 0
        ids = list(range(last + 1, last + 1 + len(rows)))
        connection.execute(_PLAIN_INSERT, [r | {"id": i} for r, i in zip(rows, ids, strict=True)])
    else:
        ids = [row[0] for row in connection.execute(_INSERT_MESSAGES, rows)]
    index_new_texts(
        s, [(m.case_id, "message", i, m.body_text) for m, i in zip(messages, ids, strict=True)]
    )
    return ids


def write_attachments(
    s: Session, files: list[tuple[int, int | None, StoredFile, datetime]], uploader_id: int
) -> None:
    """Attachment rows ``(case_id, message_id, file, created_at)`` for stored blobs."""
    if files:
        s.connection().execute(
            _INSERT_ATTACHMENTS,
            [
                {
                    "case_id": case_id,
                    "message_id": message_id,
                    "filename": f.filename,
                    "storage_key": f.storage_key,
                    "content_type": f.content_type,
                    "size": f.size,
                    "sha256": f.sha256,
                    "uploaded_by_id": uploader_id,
                    "created_at": at,
                }
                for case_id, message_id, f, at in files
            ],
        )


def write_members(s: Session, rows: list[dict[str, object]]) -> None:
    """Member rows (``case_id``, ``role``, ``user_id``, ``contact_id``, ``start_at``)."""
    if rows:
        s.connection().execute(_INSERT_MEMBERS, [r | {"end_at": None} for r in rows])


def write_tags(s: Session, corporation_id: int, wanted: dict[int, list[str]]) -> None:
    """Tag each case with its names (case-insensitive, the first spelling of a new tag
    kept), creating the corporation's new tags once for the whole batch."""
    spelled: dict[str, str] = {}
    for names in wanted.values():
        for name in names:
            if name.strip():
                spelled.setdefault(tags.key_of(name), name.strip())
    if not spelled:
        return
    by_key = {tags.key_of(n): i for n, i in tags.find_or_create(s, corporation_id, spelled).items()}
    rows = [
        {"case_id": case_id, "tag_id": tag_id}
        for case_id, names in wanted.items()
        for tag_id in dict.fromkeys(by_key[tags.key_of(n)] for n in names if n.strip())
    ]
    if rows:
        s.connection().execute(_INSERT_TAGS, rows)


def write_history(s: Session, rows: list[dict[str, object]]) -> None:
    """Status history rows as the source system recorded them."""
    record_status_changes(s, rows)
