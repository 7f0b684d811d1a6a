"""Deleting cases outright, with everything that hangs off them.

Used by erasure and by retention policies that delete. Every table with a foreign key
to ``cases`` is handled from the schema itself: rows that belong to the case are
deleted, nullable references (a merge target, a parent, a mail record) are cleared, so
no dialect's foreign-key settings decide what is left behind. The audit log keeps no
foreign key, so its entries about the cases are deleted by ``case_id`` too.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from casedesk.services.reports import day_rollups
from casedesk.store.models import Attachment, AuditEntry, Base, Case

#: Mail records of a deleted case go with it: they hold the mail's content.
_MAIL_RECORDS = ("inbound_mails", "outbound_mails")


def _dependents(cases: Table) -> list[tuple[Table, str, bool]]:
    found = []
    for table in reversed(Base.metadata.sorted_tables):
        for fk in table.foreign_keys:
            if fk.column.table is cases and table is not cases:
                found.append((table, fk.parent.name, bool(fk.parent.nullable)))
    return found


def delete_cases(s: Session, case_ids: Sequence[int]) -> list[str]:
    """Delete ``case_ids`` and their rows; returns the blob keys of their files, to be
    deleted once the transaction commits."""
    if not case_ids:
        return []
    ids = list(case_ids)
    keys = list(s.scalars(select(Attachment.storage_key).where(Attachment.case_id.in_(ids))))
    cases = Base.metadata.tables["cases"]
    counted = day_rollups.days_of(s, ids)  # the report days that count them
    # Files first: they point at messages as well as at the case.
    s.execute(delete(Attachment).where(Attachment.case_id.in_(ids)))
    for table, column, nullable in _dependents(cases):
        where = table.c[column].in_(ids)
        if table is Attachment.__table__:
            continue
        if nullable and table.name not in _MAIL_RECORDS:
            s.execute(update(table).where(where).values({column: None}))
        else:
            s.execute(delete(table).where(where))
    s.execute(delete(AuditEntry).where(AuditEntry.case_id.in_(ids)))
    s.execute(update(cases).where(cases.c.merged_into_id.in_(ids)).values(merged_into_id=None))
    s.execute(update(cases).where(cases.c.parent_id.in_(ids)).values(parent_id=None))
    s.execute(delete(Case).where(Case.id.in_(ids)).execution_options(synchronize_session=False))
    day_rollups.recount(s, counted)
    s.expire_all()
    return keys
