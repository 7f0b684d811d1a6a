"""Case members: assigned user, followers and contact, with their history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain import members as rules
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.members import Member, MemberRole
from casedesk.domain.permissions import Permission, Principal
from casedesk.services.cases.schemas import MemberCreate, MemberOut
from casedesk.services.kernel import audit
from casedesk.services.kernel.access import load_case
from casedesk.services.kernel.case_state import ensure_updatable, touch
from casedesk.services.kernel.clock import utcnow
from casedesk.services.kernel.references import require_agent, require_ref
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseMember, Contact


def load(session: Session, case_id: int) -> tuple[list[Member], dict[int, CaseMember]]:
    rows = session.scalars(
        select(CaseMember).where(CaseMember.case_id == case_id).order_by(CaseMember.id)
    ).all()
    members = [_to_domain(r) for r in rows]
    return members, {r.id: r for r in rows}


def persist(
    session: Session, case_id: int, members: list[Member], rows: dict[int, CaseMember]
) -> None:
    """Write back what the domain rules returned: ended rows get their end time, new
    memberships become rows. Nothing is deleted. The case's ``assignee_id`` follows its
    active assigned user."""
    before = next(
        (
            r.user_id
            for r in rows.values()
            if r.role == MemberRole.ASSIGNED_USER and r.end_at is None
        ),
        None,
    )
    write_rows(session, case_id, members, rows)
    after = active_party(members, MemberRole.ASSIGNED_USER)
    if after != before:
        session.get_one(Case, case_id).assignee_id = after


def write_rows(
    session: Session, case_id: int, members: list[Member], rows: dict[int, CaseMember]
) -> None:
    """:func:`persist` for a case whose row already holds its assignee (a new case)."""
    rules.check_invariants(members)
    for m in members:
        if m.key is None:
            session.add(
                CaseMember(
                    case_id=case_id,
                    role=int(m.role),
                    user_id=m.party if m.role in rules.USER_ROLES else None,
                    contact_id=m.party if m.role == MemberRole.CONTACT else None,
                    start_at=m.start,
                    end_at=m.end,
                )
            )
        elif rows[m.key].end_at != m.end:
            rows[m.key].end_at = m.end


def active_party(members: list[Member], role: MemberRole) -> int | None:
    found = rules.active_of_role(members, role)
    return found[0].party if found else None


def set_single(
    members: list[Member], role: MemberRole, party: int | None, now: datetime
) -> list[Member]:
    """Make ``party`` the one active member of ``role``, or clear the role for None."""
    if party is None:
        return rules.clear_role(members, role, now)
    return rules.add_member(members, role, party, now)


def check_party(session: Session, corporation_id: int, role: MemberRole, party: int) -> None:
    if role == MemberRole.CONTACT:
        require_ref(session, Contact, party, corporation_id, "contact_id")
    else:
        require_agent(session, party, corporation_id, "user_id")


def to_out(rows: list[CaseMember]) -> list[MemberOut]:
    return [
        MemberOut(
            id=r.id,
            role=r.role,
            user_id=r.user_id,
            contact_id=r.contact_id,
            start_at=r.start_at,
            end_at=r.end_at,
            active=r.end_at is None,
        )
        for r in rows
    ]


def list_members(db: Database, principal: Principal, case_id: int) -> list[MemberOut]:
    with db.read() as s:
        load_case(s, principal, case_id)
        rows = s.scalars(
            select(CaseMember).where(CaseMember.case_id == case_id).order_by(CaseMember.id)
        ).all()
        return to_out(list(rows))


def add_member(
    db: Database, principal: Principal, case_id: int, data: MemberCreate
) -> list[MemberOut]:
    role = MemberRole(data.role)
    party = data.contact_id if role == MemberRole.CONTACT else data.user_id
    wrong = data.user_id if role == MemberRole.CONTACT else data.contact_id
    if party is None or wrong is not None:
        need = "contact_id" if role == MemberRole.CONTACT else "user_id"
        raise ValidationFailed(f"role {role.value} takes {need} only", field=need)
    return _change(db, principal, case_id, role, party, adding=True)


def end_member(
    db: Database, principal: Principal, case_id: int, role: int, party: int
) -> list[MemberOut]:
    return _change(db, principal, case_id, rules.parse_role(role), party, adding=False)


def _change(
    db: Database, principal: Principal, case_id: int, role: MemberRole, party: int, *, adding: bool
) -> list[MemberOut]:
    now = utcnow()
    with db.write() as s:
        case = load_case(s, principal, case_id, Permission.EDIT_CASE, for_update=True)
        ensure_updatable(case)
        if adding:
            check_party(s, case.corporation_id, role, party)
        members, rows = load(s, case.id)
        before = active_party(members, role)
        changed = (
            rules.add_member(members, role, party, now)
            if adding
            else rules.end_member(members, role, party, now)
        )
        if changed != members:  # re-adding an active member changes nothing
            persist(s, case.id, changed, rows)
            touch(case, now)
            audit.record(
                s,
                principal,
                case.corporation_id,
                "member.added" if adding else "member.ended",
                "case",
                case.id,
                case_id=case.id,
                changes={
                    f"members.{role.value}": {"from": before, "to": party if adding else None}
                },
            )
            s.flush()
        rows_now = s.scalars(
            select(CaseMember).where(CaseMember.case_id == case.id).order_by(CaseMember.id)
        ).all()
        return to_out(list(rows_now))


def _to_domain(r: CaseMember) -> Member:
    party = r.contact_id if r.role == MemberRole.CONTACT else r.user_id
    return Member(MemberRole(r.role), party or 0, r.start_at, r.end_at, key=r.id)
