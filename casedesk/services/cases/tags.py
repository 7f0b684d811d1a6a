"""Tags on cases. Tags are created on first use, per corporation, with the spelling
they were first used with ("VIP" stays "VIP"); they match case-insensitively, so "vip"
later is the same tag and shows as "VIP"."""

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
        .order_by(Tag.name_key)
    ).all()
    out: dict[int, list[str]] = {}
    for case_id, name in rows:
        out.setdefault(case_id, []).append(name)
    return out


def key_of(name: str) -> str:
    """What a tag name matches by."""
    return name.strip().lower()


def replace_tags(
    session: Session, corporation_id: int, case_id: int, wanted: list[str]
) -> dict[str, object]:
    """Make the case's tags exactly ``wanted`` (case-insensitive, deduplicated; the
    first spelling of a new tag is kept). Returns the audit change, empty when nothing
    changed."""
    current = names(session, [case_id]).get(case_id, [])
    spelled: dict[str, str] = {}
    for w in wanted:
        if w.strip():
            spelled.setdefault(key_of(w), w.strip())
    if sorted(spelled) == sorted(key_of(c) for c in current):
        return {}
    session.execute(delete(CaseTag).where(CaseTag.case_id == case_id))
    target = _tags(session, corporation_id, spelled)
    for tag_id in target.values():
        session.add(CaseTag(case_id=case_id, tag_id=tag_id))
    return {"tags": {"from": sorted(current), "to": sorted(target)}}


def find_or_create(
    session: Session, corporation_id: int, spelled: dict[str, str]
) -> dict[str, int]:
    """The tags for ``spelled`` (key -> spelling) as stored name -> id, made if new."""
    return _tags(session, corporation_id, spelled)


def _tags(session: Session, corporation_id: int, spelled: dict[str, str]) -> dict[str, int]:
    """The tags for ``spelled`` (key -> spelling) as stored name -> id, made if new."""
    if not spelled:
        return {}
    existing = {
        key: (name, tag_id)
        for key, name, tag_id in session.execute(
            select(Tag.name_key, Tag.name, Tag.id).where(
                Tag.corporation_id == corporation_id, Tag.name_key.in_(list(spelled))
            )
        ).all()
    }
    out: dict[str, int] = {}
    for key, spelling in spelled.items():
        if key in existing:
            name, tag_id = existing[key]
        else:
            name, tag_id = _create_tag(session, corporation_id, spelling)
        out[name] = tag_id
    return out


def _create_tag(session: Session, corporation_id: int, name: str) -> tuple[str, int]:
    """A new tag's name and id, or those of the same tag a concurrent transaction
    created first (tagging two cases with one new tag at once must not fail)."""
    try:
        with session.begin_nested():
            tag = Tag(corporation_id=corporation_id, name=name, name_key=key_of(name))
            session.add(tag)
        return tag.name, tag.id
    except IntegrityError:
        row = session.execute(
            select(Tag.name, Tag.id).where(
                Tag.corporation_id == corporation_id, Tag.name_key == key_of(name)
            )
        ).one()
        return row.name, row.id


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
        current = {key_of(n): n for n in names(s, [case.id]).get(case.id, [])}
        if add and add.strip():
            current.setdefault(key_of(add), add.strip())
        if remove:
            current.pop(key_of(remove), None)
        change = replace_tags(s, case.corporation_id, case.id, list(current.values()))
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
        return names(s, [case.id]).get(case.id, [])


def tag_ids(db: Database, principal: Principal, case_id: int) -> dict[str, int]:
    """The case's tags by name with their ids (for faces that show tag ids)."""
    with db.read() as s:
        load_case(s, principal, case_id)
        rows = s.execute(
            select(Tag.name, Tag.id)
            .join(CaseTag, CaseTag.tag_id == Tag.id)
            .where(CaseTag.case_id == case_id)
            .order_by(Tag.name_key)
        ).all()
        return {name: tag_id for name, tag_id in rows}
