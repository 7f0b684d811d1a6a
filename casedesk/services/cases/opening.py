"""Opening cases, one or many in one transaction.

Every way a case comes in (the API, a template, a split, an email, the portal, a
dialect) ends in :func:`open_cases_in`. It opens a batch of cases in four steps, so that
a batch costs about what one case does and a single case costs no more than before:

1. each case is checked and planned on its own: permission, references, status and
   priority defaults, group, members. A case that fails here gets its error and is left
   out; nothing of it is written. The status catalog and the corporation's defaults are
   read once per batch.
2. the numbers of the whole batch are taken with one UPDATE of the counter, after every
   check (on PostgreSQL it locks the counter row until commit);
3. the rows are written with one statement per table (cases, first status, full-text
   documents, audit records, outbox events); the SLA fields are set in one refresh;
4. what only some cases ask for (members, assignment, tags, fields, notes) is done case
   by case. (The bulk import writes those in bulk: ``bulk.py``.)

:func:`open_cases` runs a batch in a write transaction. If anything fails after the
planning, the batch is rolled back and each case is opened alone, so each gets exactly
the answer it would have had on its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from casedesk.domain.errors import DomainError
from casedesk.domain.members import Member, MemberRole
from casedesk.domain.permissions import Permission, Principal
from casedesk.domain.statuses import StatusCatalog, resolve_status
from casedesk.services.cases import assignment, custom_fields, members, messages, tags
from casedesk.services.cases.schemas import CaseCreate, CaseOut, MessageCreate
from casedesk.services.cases.search_text import index_new_cases
from casedesk.services.cases.views import build_new, build_one
from casedesk.services.kernel import audit
from casedesk.services.kernel.case_state import (
    check_status_permission,
    record_status_changes,
    status_fields,
)
from casedesk.services.kernel.clock import utcnow
from casedesk.services.kernel.memberships import case_organization
from casedesk.services.kernel.references import (
    NewCaseDefaults,
    check_case_refs,
    default_group_id,
    new_case_defaults,
    require_agent,
    require_default_priority,
    status_catalog,
)
from casedesk.services.sla import evaluation
from casedesk.services.sla import state as sla
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseCounter

#: Fields of the input copied to the row as they are.
PLAIN_FIELDS = (
    "title",
    "description",
    "priority_id",
    "category_id",
    "queue_id",
    "group_id",
    "organization_id",
    "asset_id",
    "deadline_at",
    "on_hold_until",
    "on_hold_comment",
    "primary_reference",
    "secondary_reference",
    "customer_reference",
    "occurred_at",
    "code",
    "parent_id",
)

#: Reference fields whose check a batch makes once per caller and value.
_CHECKED_ONCE = frozenset({"status_id", "priority_id", "category_id", "queue_id", "group_id"})

_cases = sla.case_table()
#: A new row: every column but the id, at its default (a plain value) or null. The
#: rows of one INSERT must name the same columns, so every row starts from this.
_BLANK_ROW: dict[str, Any] = {
    column.name: getattr(column.default, "arg", None)
    if column.default is not None and column.default.is_scalar
    else None
    for column in _cases.columns
    if column.name != "id"
}
_INSERT_CASES = insert(_cases).returning(_cases.c.id, _cases.c.corporation_id, _cases.c.number)
_BUMP_COUNTER = (
    update(CaseCounter)
    .where(CaseCounter.corporation_id == bindparam("of_corporation"))
    .values(last_number=CaseCounter.last_number + bindparam("count"))
    .returning(CaseCounter.last_number)
)

#: What opening a case answers: its view, or why it was refused.
Opened = CaseOut | DomainError


@dataclass(frozen=True, slots=True)
class NewCase:
    """One case to open: who asks, with what, and where it came from (e.g. the template
    it was opened from; it goes into the audit record and the outbox event)."""

    principal: Principal
    data: CaseCreate
    source: dict[str, int] | None = None
    notes: Sequence[MessageCreate] = ()
    #: Row fields an import keeps (``created_at``, …); ``opened_as_*``: first status.
    kept: Mapping[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class _Plan:
    order: NewCase
    data: CaseCreate
    row: dict[str, Any]
    roster: list[Member]
    prefix: str
    requires_custom_fields: bool
    #: The row as written, for the rules and the answer (an ORM object once loaded).
    case: Any = None
    changes: audit.Changes = field(default_factory=dict)

    @property
    def simple(self) -> bool:
        """Nothing to do beyond the rows every case has."""
        d = self.data
        return not (
            self.roster
            or d.tags
            or d.custom_fields
            or d.auto_assign
            or self.order.notes
            or self.requires_custom_fields
        )


class _Reference:
    """The status catalog and new-case defaults of each corporation, read once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.catalogs: dict[int, StatusCatalog] = {}
        self.defaults: dict[int, NewCaseDefaults] = {}
        #: References an earlier case of the batch, for the same caller, showed valid.
        self.checked: set[tuple[Principal, str, Any]] = set()

    def unchecked(self, principal: Principal, data: CaseCreate) -> set[str]:
        """The fields of ``data`` to check: those given, less the references an earlier
        case of the batch from the same caller passed with the same value."""
        seen = {
            n
            for n in data.model_fields_set & _CHECKED_ONCE
            if (principal, n, getattr(data, n)) in self.checked
        }
        return (data.model_fields_set | {"title"}) - seen

    def remember(self, principal: Principal, data: CaseCreate) -> None:
        given = data.model_fields_set & _CHECKED_ONCE
        self.checked.update((principal, n, getattr(data, n)) for n in given)

    def catalog(self, corporation_id: int) -> StatusCatalog:
        found = self.catalogs.get(corporation_id)
        if found is None:
            found = self.catalogs[corporation_id] = status_catalog(self.session, corporation_id)
        return found

    def defaults_of(self, corporation_id: int) -> NewCaseDefaults:
        found = self.defaults.get(corporation_id)
        if found is None:
            found = self.defaults[corporation_id] = new_case_defaults(self.session, corporation_id)
        return found


def open_case_in(
    s: Session,
    principal: Principal,
    data: CaseCreate,
    now: datetime,
    *,
    source: dict[str, int] | None = None,
    notes: Sequence[MessageCreate] = (),
) -> CaseOut:
    """Open one case in a transaction the caller owns (idempotent creates, templates,
    splits, mail, the portal); raises what refuses it. ``source`` says where the case
    came from (e.g. the template it was opened from); it goes into the audit record and
    the outbox event."""
    opened = open_cases_in(s, [NewCase(principal, data, source, notes)], now)[0]
    if isinstance(opened, DomainError):
        raise opened
    return opened


def open_cases(
    db: Database, orders: Sequence[NewCase], *, now: datetime | None = None
) -> list[Opened | Exception]:
    """Open the cases of ``orders`` in one write transaction; an answer for each, in
    order: the case, or what refused or failed it. When the batch fails after its
    planning, each case is opened alone."""
    now = now or utcnow()
    if len(orders) == 1:
        return [_open_alone(db, orders[0], now)]
    try:
        with db.write() as s:
            return list(open_cases_in(s, orders, now))
    except Exception:  # which case failed is found by opening each alone
        return [_open_alone(db, order, now) for order in orders]


def _open_alone(db: Database, order: NewCase, now: datetime) -> Opened | Exception:
    try:
        with db.write() as s:
            return open_cases_in(s, [order], now)[0]
    except Exception as exc:  # that case's own answer, whatever it is
        return exc


def open_cases_in(
    s: Session, orders: Sequence[NewCase], now: datetime, *, announce: bool = True
) -> list[Opened]:
    """Open the cases of ``orders`` in the caller's transaction (module docstring).
    ``announce=False`` writes no outbox events (an import of past cases notifies no
    one); the audit records are written all the same."""
    answers: dict[int, Opened] = {}
    reference = _Reference(s)
    plans: list[tuple[int, _Plan]] = []
    for index, order in enumerate(orders):
        try:
            plans.append((index, _plan(s, reference, order, now)))
        except DomainError as exc:
            answers[index] = exc
    if plans:
        _write(s, [plan for _, plan in plans], now, announce=announce)
        for index, plan in plans:
            answers[index] = _answer(s, plan)
    return [answers[index] for index in range(len(orders))]


def _plan(s: Session, reference: _Reference, order: NewCase, now: datetime) -> _Plan:
    principal, data = order.principal, order.data
    principal.require(Permission.CREATE_CASE)
    corp = principal.corporation_id
    if principal.organization_id is not None and data.organization_id is None:
        data = data.model_copy(update={"organization_id": principal.organization_id})
    check_case_refs(s, principal, data, reference.unchecked(principal, data))
    if data.contact_id is not None:
        organization = case_organization(s, data.contact_id, data.organization_id, chosen=True)
        data = data.model_copy(update={"organization_id": organization})
    status = resolve_status(reference.catalog(corp), data.status, data.status_id, None)
    check_status_permission(principal, status)
    reference.remember(principal, data)
    defaults = reference.defaults_of(corp)
    roster: list[Member] = []  # a new case has no members yet
    if data.assignee_id:
        roster = members.set_single(roster, MemberRole.ASSIGNED_USER, data.assignee_id, now)
    if data.contact_id:
        roster = members.set_single(roster, MemberRole.CONTACT, data.contact_id, now)
    for uid in dict.fromkeys(data.follower_ids):
        require_agent(s, uid, corp, "follower_ids")
        roster = members.set_single(roster, MemberRole.FOLLOWER, uid, now)
    row = _BLANK_ROW | {name: getattr(data, name) for name in PLAIN_FIELDS}
    row |= {
        "corporation_id": corp,
        "description": data.description or "",
        "priority_id": data.priority_id or require_default_priority(defaults),
        "group_id": data.group_id or default_group_id(s, principal, data.queue_id, defaults),
        "creator_id": principal.user_id,
        "origin": data.origin,
        "from_address": data.from_address,
        "created_at": now,
        "updated_at": now,
        "last_activity_at": now,
        "last_activity_by_id": principal.user_id,
        "assignee_id": data.assignee_id or None,
    }
    row |= status_fields(status, order.kept.get("status_changed_at", now), None)
    if order.kept:
        row |= {k: v for k, v in order.kept.items() if k in _BLANK_ROW}
    return _Plan(order, data, row, roster, defaults.case_prefix, defaults.requires_custom_fields)


def _write(s: Session, plans: list[_Plan], now: datetime, *, announce: bool = True) -> None:
    _number(s, plans)
    connection = s.connection()
    ids = {(r[1], r[2]): r[0] for r in connection.execute(_INSERT_CASES, [p.row for p in plans])}
    for plan in plans:
        row = plan.row
        plan.case = SimpleNamespace(id=ids[(row["corporation_id"], row["number"])], **row)
    record_status_changes(
        s,
        [
            {
                "case_id": p.case.id,
                "status_id": p.order.kept.get("opened_as_status_id", p.row["status_id"]),
                "internal_status": p.order.kept.get("opened_as_internal", p.row["status"]),
                "from_status_id": None,
                "changed_at": p.row["created_at"],
                "changed_by_id": p.order.principal.user_id,
                "reason": "created",
            }
            for p in plans
        ],
    )
    for plan in plans:
        if not plan.simple:
            _add_extras(s, plan, now)
    index_new_cases(s, [(p.case.id, p.row["title"], p.row["description"]) for p in plans])
    changed = sla.refresh_facts(s, [evaluation.CaseFacts.of(p.case) for p in plans], now)
    for plan in plans:
        for name, value in changed.get(plan.case.id, {}).items():
            if isinstance(plan.case, Case):
                set_committed_value(plan.case, name, value)
            else:
                setattr(plan.case, name, value)
    audit.record_many(
        s,
        [
            audit.entry(
                p.order.principal,
                p.row["corporation_id"],
                "case.created",
                "case",
                p.case.id,
                case_id=p.case.id,
                changes=_created(p),
                at=now,
            )
            for p in plans
        ],
    )
    if announce:
        audit.emit_many(
            s,
            [
                (
                    p.row["corporation_id"],
                    "case.created",
                    {"case_id": p.case.id, "number": p.row["number"]} | (p.order.source or {}),
                )
                for p in plans
            ],
        )
    for plan in plans:
        for note in plan.order.notes:
            messages.add_message_in(s, plan.order.principal, plan.case, note, now)


def _number(s: Session, plans: list[_Plan]) -> None:
    """Number the plans in order, taking a run of numbers per corporation with one
    UPDATE of its counter: under the row lock (PostgreSQL) or the write lock (SQLite),
    so concurrent creates get distinct, consecutive numbers."""
    by_corporation: dict[int, list[_Plan]] = {}
    for plan in plans:
        by_corporation.setdefault(plan.row["corporation_id"], []).append(plan)
    connection = s.connection()
    for corp, batch in by_corporation.items():
        params = {"of_corporation": corp, "count": len(batch)}
        last = connection.execute(_BUMP_COUNTER, params).scalar()
        if last is None:
            last = len(batch)
            connection.execute(insert(CaseCounter).values(corporation_id=corp, last_number=last))
        for offset, plan in enumerate(batch):
            plan.row["number"] = int(last) - len(batch) + 1 + offset


def _add_extras(s: Session, plan: _Plan, now: datetime) -> None:
    """Members, automatic assignment, tags and custom fields, on the ORM object."""
    case = s.get_one(Case, plan.case.id)
    plan.case = case
    data, corp = plan.data, case.corporation_id
    members.write_rows(s, case.id, plan.roster, {})
    plan.changes |= assignment.assign_if_asked(s, case, data, now)
    if data.tags:
        tags.replace_tags(s, corp, case.id, data.tags)
    if data.custom_fields or plan.requires_custom_fields:
        custom_fields.set_values(s, corp, case.id, data.custom_fields or {}, creating=True)


def _created(plan: _Plan) -> audit.Changes:
    """The audit changes of a new case: every field given, where it came from, and whom
    automatic assignment picked."""
    given = plan.data.model_dump(exclude_none=True)
    return (
        {k: {"from": None, "to": audit.jsonable(v)} for k, v in given.items()}
        | {k: {"from": None, "to": v} for k, v in (plan.order.source or {}).items()}
        | plan.changes
    )


def _answer(s: Session, plan: _Plan) -> CaseOut:
    if plan.simple:
        return build_new(plan.case, plan.prefix)
    s.flush()
    return build_one(s, plan.case, plan.order.principal)
