"""Tags on cases. Tags are created on first use, per corporation."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casedesk.domain.permissions import Permission, Principal
from casedesk.services.kernel import audit
from casedesk.services.kernel.access import load_case
from casedesk.services.kernel.case_state import ensure_updatable, touch
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from casedesk.store.models import CaseTag, Tag


def names(session: Session, case_ids: list[int]) -> dict[int, list[str]]:
    if not case_ids:
        return {}
    rows = session.execute(
        select(CaseTag.case_id, Tag.name)
        .join(Tag, Tag.id == CaseTag.tag_id)
        .where(CaseTag.case_id.in_(case_ids))
        .order_by(Tag.name)
    ).all()
    out: dict[int, list[str]] = {}
    for case_id, name in rows:
        out.setdefault(case_id, []).append(name)
    return out


def replace_tags(
    session: Session, corporation_id: int, case_id: int, wanted: list[str]
) -> dict[str, object]:
    """Make the case's tags exactly ``wanted`` (case-insensitive, deduplicated).
    Returns the audit change, empty when nothing changed."""
    current = names(session, [case_id]).get(case_id, [])
    target = sorted({w.strip().lower() for w in wanted if w.strip()})
    if target == sorted(current):
        return {}
    session.execute(delete(CaseTag).where(CaseTag.case_id == case_id))
    for tag_id in _tag_ids(session, corporation_id, target):
        session.add(CaseTag(case_id=case_id, tag_id=tag_id))
    return {"tags": {"from": sorted(current), "to": target}}


def _tag_ids(session: Session, corporation_id: int, wanted: list[str]) -> list[int]:
    if not wanted:
        return []
    existing = dict(
        session.execute(
            select(Tag.name, Tag.id).where(
                Tag.corporation_id == corporation_id, Tag.name.in_(wanted)
            )
        ).all()
    )
    for name in wanted:
        if name not in existing:
            existing[name] = _create_tag(session, corporation_id, name)
    return [existing[n] for n in wanted]


def _create_tag(session: Session, corporation_id: int, name: str) -> int:
    """A new tag's id, or that of the same tag a concurrent transaction created first
    (tagging two cases with one new tag at once must not fail)."""
    try:
        with session.begin_nested():
            tag = Tag(corporation_id=corporation_id, name=name)
            session.add(tag)
        return tag.id
    except IntegrityError:
        return session.scalars(
            select(Tag.id).where(Tag.corporation_id == corporation_id, Tag.name == name)
        ).one()


def add_tag(db: Database, principal: Principal, case_id: int, name: str) -> list[str]:
    return _edit(db, principal, case_id, add=name)


def remove_tag(db: Database, principal: Principal, case_id: int, name: str) -> list[str]:
    return _edit(db, principal, case_id, remove=name)


def list_tags(db: Database, principal: Principal, case_id: int) -> list[str]:
    with db.read() as s:
        load_case(s, principal, case_id)
        return names(s, [case_id]).get(case_id, [])


def _edit(
    db: Database,
    principal: Principal,
    case_id: int,
    add: str | None = None,
    remove: str | None = None,
) -> list[str]:
    now = utcnow()
    with db.write() as s:
        case = load_case(s, principal, case_id, Permission.EDIT_CASE, for_update=True)
        ensure_updatable(case)
        current = set(names(s, [case.id]).get(case.id, []))
        if add:
            current.add(add.strip().lower())
        if remove:
            current.discard(remove.strip().lower())
        change = replace_tags(s, case.corporation_id, case.id, sorted(current))
        if change:
            touch(case, now)
            audit.record(
                s,
                principal,
                case.corporation_id,
                "case.tags",
                "case",
                case.id,
                case_id=case.id,
                changes=change,  # type: ignore[arg-type]
            )
        return sorted(current)


def tag_ids(db: Database, principal: Principal, case_id: int) -> dict[str, int]:
    """The case's tags by name with their ids (for faces that show tag ids)."""
    with db.read() as s:
        load_case(s, principal, case_id)
        rows = s.execute(
            select(Tag.name, Tag.id)
            .join(CaseTag, CaseTag.tag_id == Tag.id)
            .where(CaseTag.case_id == case_id)
            .order_by(Tag.name)
        ).all()
        return {name: tag_id for name, tag_id in rows}
