"""The composer's drafts: what an agent has typed on a case and not sent, kept on the
server per agent, case and tab (reply or note), so a reload or another device finds it.

Saving a draft with no text deletes it; sending from a tab discards that tab's draft in the
sending transaction. Nobody reads another agent's drafts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from casedesk.domain.permissions import Permission, Principal
from casedesk.services.kernel.access import load_case
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reference.common import In, Out
from casedesk.store.db import Database
from casedesk.store.models import ComposerDraft

Kind = Literal["reply", "note"]


class DraftIn(In):
    kind: Kind
    body: Annotated[str, Field(max_length=1_000_000)] = ""
    to: Annotated[str, Field(max_length=2000)] = ""
    cc: Annotated[str, Field(max_length=2000)] = ""


class DraftOut(Out):
    kind: str
    body: str
    to: str
    cc: str
    updated_at: datetime | None


def drafts_of(db: Database, principal: Principal, case_id: int) -> dict[str, DraftOut]:
    """The caller's drafts on the case, by tab."""
    with db.read() as s:
        load_case(s, principal, case_id)
        rows = s.scalars(
            select(ComposerDraft).where(
                ComposerDraft.user_id == principal.user_id, ComposerDraft.case_id == case_id
            )
        )
        return {r.kind: _out(r) for r in rows}


def save_draft(
    db: Database, principal: Principal, case_id: int, data: DraftIn, *, now: datetime | None = None
) -> None:
    now = now or utcnow()
    with db.write() as s:
        load_case(s, principal, case_id, Permission.ADD_NOTE)
        if not data.body.strip():
            discard_in(s, principal, case_id, data.kind)
            return
        # One statement, so two saves racing (keystrokes, then blur) cannot collide.
        insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
        values = {"body": data.body, "to_addresses": data.to, "cc_addresses": data.cc}
        stmt = insert(ComposerDraft).values(
            user_id=principal.user_id, case_id=case_id, kind=data.kind, updated_at=now, **values
        )
        s.execute(
            stmt.on_conflict_do_update(
                index_elements=["user_id", "case_id", "kind"], set_=values | {"updated_at": now}
            )
        )


def discard_in(s: Session, principal: Principal, case_id: int, kind: Kind) -> None:
    s.execute(
        delete(ComposerDraft).where(
            ComposerDraft.user_id == principal.user_id,
            ComposerDraft.case_id == case_id,
            ComposerDraft.kind == kind,
        )
    )


def _out(row: ComposerDraft) -> DraftOut:
    return DraftOut(
        kind=row.kind,
        body=row.body,
        to=row.to_addresses,
        cc=row.cc_addresses,
        updated_at=row.updated_at,
    )
