"""Assignment by a category's rules (SuperOffice owner 2147483647): the category names a
strategy and its agents; a case asked to be assigned automatically gets one of them.

``domain.assignment`` picks; this module decides who the candidates are: the category's
agents who can see the case's group (admins see every group), available when their
account is active, with their open-case counts (cases they are the active assignee of
that are not Closed, Deleted, Merged or Spam). The category row is locked while a pick is
made and recorded, so concurrent picks take their turns one after another and the round
robin never hands the same turn out twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from casedesk.domain.assignment import Candidate, Strategy, parse_strategy, pick_assignee
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.members import MemberRole
from casedesk.domain.permissions import Principal, Role
from casedesk.domain.statuses import InternalStatus
from casedesk.services.cases import members
from casedesk.services.cases.schemas import CaseFields
from casedesk.services.kernel import audit
from casedesk.services.kernel.references import require_agent
from casedesk.services.reference.common import Id, In, Out, get_row, require_manager
from casedesk.store.db import Database
from casedesk.store.models import (
    Case,
    CaseMember,
    Category,
    CategoryAgent,
    GroupAssignmentTurn,
    GroupMembership,
    User,
)

#: Cases that count as an agent's open load.
_LOAD_STATUSES = (
    InternalStatus.OPEN,
    InternalStatus.AWAITING_EXTERNAL,
    InternalStatus.AWAITING_INTERNAL,
    InternalStatus.ON_HOLD,
)


class AssignmentRules(In):
    strategy: Strategy | None = Field(
        description="round_robin: agents take turns; least_open: the agent with the fewest "
        "open cases; null: cases of this category are never assigned automatically."
    )
    agent_ids: Annotated[list[Id], Field(max_length=500)] = Field(
        default_factory=list, description="Active users of the corporation who take the cases."
    )


class AssignmentRulesOut(Out):
    category_id: int
    strategy: Strategy | None
    agent_ids: list[int]
    last_assigned_user_id: int | None


def get_rules(db: Database, principal: Principal, category_id: int) -> AssignmentRulesOut:
    with db.read() as s:
        category = get_row(s, Category, category_id, principal.corporation_id, "category")
        return _out(s, category)


def set_rules(
    db: Database, principal: Principal, category_id: int, data: AssignmentRules
) -> AssignmentRulesOut:
    """Replace the strategy and the agents. Agents who stay keep their last-assigned time."""
    with db.write() as s:
        category = _lock(s, category_id, principal.corporation_id)
        require_manager(principal)
        wanted = list(dict.fromkeys(data.agent_ids))
        for uid in wanted:
            require_agent(s, uid, category.corporation_id, "agent_ids")
        before = _out(s, category)
        rows = {
            r.user_id: r
            for r in s.scalars(
                select(CategoryAgent).where(CategoryAgent.category_id == category.id)
            )
        }
        for uid, row in rows.items():
            if uid not in wanted:
                s.delete(row)
        for uid in wanted:
            if uid not in rows:
                s.add(CategoryAgent(category_id=category.id, user_id=uid))
        category.assign_strategy = data.strategy.value if data.strategy else None
        s.flush()
        after = _out(s, category)
        changes = audit.diff(
            {"strategy": before.strategy, "agent_ids": before.agent_ids},
            {"strategy": after.strategy, "agent_ids": after.agent_ids},
        )
        if changes:
            audit.record(
                s,
                principal,
                category.corporation_id,
                "category.assignment-updated",
                "category",
                category.id,
                changes=changes,
            )
        return after


def assign_if_asked(s: Session, case: Case, data: CaseFields, now: datetime) -> audit.Changes:
    """The hook of case create and update: assign by the rules when ``auto_assign`` is
    set. Returns the audit changes (who was assigned, or why nobody was)."""
    if not data.auto_assign:
        return {}
    if "assignee_id" in data.model_fields_set and data.assignee_id is not None:
        raise ValidationFailed(
            "name an assignee or ask for auto_assign, not both", field="auto_assign"
        )
    s.flush()  # the members written so far are part of what the pick sees
    picked, reason = pick_by_category(s, case, now)
    if picked is None:
        return {"auto_assign": {"from": None, "to": {"assignee_id": None, "reason": reason}}}
    roster, rows = members.load(s, case.id)
    before = members.active_party(roster, MemberRole.ASSIGNED_USER)
    members.persist(
        s, case.id, members.set_single(roster, MemberRole.ASSIGNED_USER, picked, now), rows
    )
    return {
        "assignee_id": {"from": before, "to": picked},
        "auto_assign": {"from": None, "to": {"assignee_id": picked, "reason": reason}},
    }


def pick_by_category(s: Session, case: Case, now: datetime) -> tuple[int | None, str]:
    """Who gets ``case`` and why, recording the turn on the category; None if nobody.
    The ``auto_assign`` flag and the rules' ``assign`` action with strategy
    ``category`` both pick here."""
    if case.category_id is None:
        return None, "the case has no category"
    category = _lock(s, case.category_id, case.corporation_id)
    if category.assign_strategy is None:
        return None, f"category {category.id} has no assignment strategy"
    strategy = parse_strategy(category.assign_strategy)
    agents = {a.user_id: a for a in _agents(s, category.id)}
    users = _users_seeing_group(s, list(agents), case.group_id)
    load = _open_cases(s, list(users), exclude_case_id=case.id)
    candidates = [
        Candidate(
            user_id=uid,
            open_cases=load.get(uid, 0),
            last_assigned_at=agents[uid].last_assigned_at,
            available=user.is_active,
        )
        for uid, user in users.items()
    ]
    picked = pick_assignee(strategy, candidates, category.last_assigned_user_id)
    if picked is None:
        return None, (f"no active agent of category {category.id} can see group {case.group_id}")
    category.last_assigned_user_id = picked
    agents[picked].last_assigned_at = now
    return picked, f"{strategy.value} in category {category.id}"


def _lock(s: Session, category_id: int, corporation_id: int) -> Category:
    """The category, locked for this transaction (PostgreSQL; SQLite writers are serial)."""
    get_row(s, Category, category_id, corporation_id, "category")
    return s.scalars(select(Category).where(Category.id == category_id).with_for_update()).one()


def _agents(s: Session, category_id: int) -> list[CategoryAgent]:
    return list(
        s.scalars(
            select(CategoryAgent)
            .where(CategoryAgent.category_id == category_id)
            .order_by(CategoryAgent.user_id)
        )
    )


def _users_seeing_group(s: Session, user_ids: list[int], group_id: int) -> dict[int, User]:
    if not user_ids:
        return {}
    in_group = set(
        s.scalars(
            select(GroupMembership.user_id).where(
                GroupMembership.group_id == group_id, GroupMembership.user_id.in_(user_ids)
            )
        )
    )
    users = s.scalars(select(User).where(User.id.in_(user_ids)).order_by(User.id))
    return {u.id: u for u in users if u.role == Role.ADMIN.value or u.id in in_group}


def _open_cases(s: Session, user_ids: list[int], *, exclude_case_id: int) -> dict[int, int]:
    if not user_ids:
        return {}
    rows = s.execute(
        select(CaseMember.user_id, func.count(func.distinct(CaseMember.case_id)))
        .join(Case, Case.id == CaseMember.case_id)
        .where(
            CaseMember.role == int(MemberRole.ASSIGNED_USER),
            CaseMember.end_at.is_(None),
            CaseMember.user_id.in_(user_ids),
            Case.status.in_([int(st) for st in _LOAD_STATUSES]),
            Case.id != exclude_case_id,
        )
        .group_by(CaseMember.user_id)
    ).all()
    return {uid: int(n) for uid, n in rows if uid is not None}


def _out(s: Session, category: Category) -> AssignmentRulesOut:
    return AssignmentRulesOut(
        category_id=category.id,
        strategy=parse_strategy(category.assign_strategy) if category.assign_strategy else None,
        agent_ids=[a.user_id for a in _agents(s, category.id)],
        last_assigned_user_id=category.last_assigned_user_id,
    )


def pick_in_group(
    s: Session, case: Case, group_id: int, strategy: Strategy, now: datetime
) -> tuple[int | None, str]:
    """Who of ``group_id``'s active agents gets ``case`` by ``strategy`` (rules' "assign
    round robin / least open cases within a group"), recording the group's turn; the
    group's turn row is locked like a category's, so concurrent picks take turns."""
    members_of = list(
        s.scalars(
            select(GroupMembership.user_id)
            .join(User, User.id == GroupMembership.user_id)
            .where(
                GroupMembership.group_id == group_id,
                User.corporation_id == case.corporation_id,
                User.is_active.is_(True),
            )
            .order_by(GroupMembership.user_id)
        )
    )
    turn = _group_turn(s, group_id, now)
    load = _open_cases(s, members_of, exclude_case_id=case.id)
    candidates = [
        Candidate(user_id=uid, open_cases=load.get(uid, 0), last_assigned_at=None)
        for uid in members_of
    ]
    picked = pick_assignee(strategy, candidates, turn.last_user_id)
    if picked is None:
        return None, f"no active agent in group {group_id}"
    turn.last_user_id = picked
    turn.updated_at = now
    return picked, f"{strategy.value} in group {group_id}"


def _group_turn(s: Session, group_id: int, now: datetime) -> GroupAssignmentTurn:
    """The group's turn row, made once whoever gets there first, and locked."""
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    s.execute(
        insert(GroupAssignmentTurn)
        .values(group_id=group_id, last_user_id=None, updated_at=now)
        .on_conflict_do_nothing()
    )
    return s.scalars(
        select(GroupAssignmentTurn)
        .where(GroupAssignmentTurn.group_id == group_id)
        .with_for_update()
    ).one()
