"""ITX case ↔ the service layer's case.

``eactId`` is the case id and ``seqNo`` its number, so an ITX client and every other face
name the same case alike. ``description`` is the ITX case title. Status precedence,
default statuses and priorities, member history and the reopen rules are the core's;
this module only moves values between the two shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from casedesk.dialects.itx import wire
from casedesk.dialects.itx.catalog import Catalog
from casedesk.dialects.itx.errors import ItxError
from casedesk.services.attachments.attaching import AttachmentOut
from casedesk.services.cases.schemas import (
    AuditOut,
    CaseCreate,
    CaseOut,
    CasePatch,
    CaseQuery,
    LinksOut,
    MessageCreate,
    MessageOut,
)

M = TypeVar("M", bound=BaseModel)

ROLE_ASSIGNED_USER = 1
ROLE_CASE_FOLLOWER = 2
ROLE_CONTACT = 20


@dataclass
class Incoming:
    """What one ITX post asks for: the case fields, and new comments to add."""

    values: dict[str, Any]
    texts: list[MessageCreate]


def incoming(case: wire.Case, corporation_id: int) -> Incoming:
    """The service fields present in ``case`` (only those the client sent)."""
    sent = case.model_fields_set
    if "activityType" in sent and case.activityType != wire.ACTIVITY_TYPE_CASE:
        raise ItxError("activityType of a case is always 15", field="activityType")
    corp = case.corporation.corpId if case.corporation else None
    if corp is not None and corp != corporation_id:
        raise ItxError(f"corporation {corp} does not exist", field="corporation.corpId")
    v: dict[str, Any] = {}
    if "description" in sent:
        v["title"] = case.description
    if "status" in sent:
        v["status"] = case.status
    if "emsStatus" in sent:
        v["status_id"] = case.emsStatus.emstId if case.emsStatus else None
    refs: dict[str, tuple[str, int | None]] = {
        "entityExtension": (
            "contact_id",
            case.entityExtension.eeexId if case.entityExtension else None,
        ),
        "category": ("category_id", case.category.ctnoId if case.category else None),
        "priority": ("priority_id", case.priority.emprId if case.priority else None),
        "queue": ("queue_id", case.queue.ucquId if case.queue else None),
    }
    for name, (target, ref) in refs.items():
        if name in sent:
            v[target] = ref or None
    for name, target in (
        ("deadlineTs", "deadline_at"),
        ("onHoldToTs", "on_hold_until"),
        ("onHoldComment", "on_hold_comment"),
    ):
        if name in sent:
            v[target] = getattr(case, name)
    if case.members is not None:
        v |= _members(case.members, v.get("contact_id"), "entityExtension" in sent)
    if case.links is not None:
        parents = [link.eactId for link in case.links if link.type == "parent"]
        if len(parents) > 1:
            raise ItxError("a case has one parent", field="links")
        v["parent_id"] = parents[0] if parents else None
    if case.emsTags is not None:
        v["tags"] = [t.name for t in case.emsTags]
    if case.propValues is not None:
        v["custom_fields"] = {p.name: p.value for p in case.propValues}
    texts = [
        MessageCreate(visibility="internal" if t.internal else "external", body_text=t.text)
        for t in case.texts or ()
        if t.actxId is None
    ]
    return Incoming(v, texts)


def _members(
    members: list[wire.Member], contact_id: int | None, has_contact: bool
) -> dict[str, Any]:
    """The active members wanted: those the post lists without an ``endTs``. Ended ones
    are history, which the server keeps."""
    wanted = [m for m in members if m.endTs is None]
    users = {role: [m.user.userId for m in wanted if m.role == role and m.user and m.user.userId]
             for role in (ROLE_ASSIGNED_USER, ROLE_CASE_FOLLOWER)}  # fmt: skip
    contacts = [
        m.entityExtension.eeexId
        for m in wanted
        if m.role == ROLE_CONTACT and m.entityExtension and m.entityExtension.eeexId
    ]
    if len(users[ROLE_ASSIGNED_USER]) > 1 or len(contacts) > 1:
        raise ItxError("only one active assigned user and one contact per case", field="members")
    if any(m.role != ROLE_CONTACT and not (m.user and m.user.userId) for m in wanted) or any(
        m.role == ROLE_CONTACT and not (m.entityExtension and m.entityExtension.eeexId)
        for m in wanted
    ):
        raise ItxError("a member names a user (userId) or a contact (eeexId)", field="members")
    out: dict[str, Any] = {
        "assignee_id": users[ROLE_ASSIGNED_USER][0] if users[ROLE_ASSIGNED_USER] else None,
        "follower_ids": users[ROLE_CASE_FOLLOWER],
    }
    member_contact = contacts[0] if contacts else None
    if has_contact:
        if member_contact is not None and member_contact != contact_id:
            raise ItxError("entityExtension and the contact member differ", field="members")
    else:
        out["contact_id"] = member_contact
    return out


def build(model: type[M], values: dict[str, Any]) -> M:
    """The service input model, with its validation errors named in ITX terms."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else None
        raise ItxError(str(first["msg"]), field=field) from None


def to_create(inc: Incoming) -> CaseCreate:
    values = dict(inc.values)
    if values.get("title") is None:
        raise ItxError("description (the case title) is required", field="title")
    return build(
        CaseCreate, {k: v for k, v in values.items() if v is not None or k != "follower_ids"}
    )


def to_patch(inc: Incoming) -> CasePatch:
    return build(CasePatch, inc.values)


def to_query(req: wire.SearchRequest) -> CaseQuery:
    return build(
        CaseQuery,
        {
            "status": req.status,
            "status_id": req.emstId,
            "category_id": req.ctnoId,
            "priority_id": req.emprId,
            "queue_id": req.ucquId,
            "contact_id": req.eeexId,
            "assignee_id": req.assignedUserId,
            "tag": req.emsTag,
            "q": req.query,
            "created_after": req.createdFrom,
            "created_before": req.createdTo,
            "updated_after": req.updatedFrom,
            "updated_before": req.updatedTo,
            "include_deleted": req.includeDeleted,
            "limit": req.size,
        },
    )


# --------------------------------------------------------------------------- out


def _status(cat: Catalog, status_id: int | None) -> wire.EmsStatus | None:
    if status_id is None or status_id not in cat.statuses:
        return None
    s = cat.statuses[status_id]
    return wire.EmsStatus(emstId=s.id, name=s.name, internalStatus=s.internal_status)


def _category(cat: Catalog, category_id: int | None, depth: int = 0) -> wire.Category | None:
    if category_id is None or category_id not in cat.categories or depth > 50:
        return None
    name, parent = cat.categories[category_id]
    return wire.Category(ctnoId=category_id, name=name, parent=_category(cat, parent, depth + 1))


def _user(cat: Catalog, user_id: int | None) -> wire.User | None:
    if user_id is None:
        return None
    found = cat.user(user_id)
    return wire.User(
        userId=user_id, name=found[0] if found else None, email=found[1] if found else None
    )


def _contact(cat: Catalog, contact_id: int | None) -> wire.EntityExtension | None:
    if contact_id is None:
        return None
    return wire.EntityExtension(eeexId=contact_id, name=cat.contact(contact_id))


@dataclass
class Parts:
    """What a full case view shows around the case row."""

    messages: list[MessageOut] | None = None
    audit: list[AuditOut] | None = None
    files: list[AttachmentOut] | None = None
    links: LinksOut | None = None


def outgoing(case: CaseOut, corporation_id: int, cat: Catalog, parts: Parts) -> wire.Case:
    members = [
        wire.Member(
            acmeId=m.id,
            role=m.role,
            user=_user(cat, m.user_id),
            entityExtension=_contact(cat, m.contact_id),
            startTs=m.start_at,
            endTs=m.end_at,
        )
        for m in case.members
    ]
    return wire.Case(
        eactId=case.id,
        corporation=wire.Corporation(corpId=corporation_id),
        activityType=wire.ACTIVITY_TYPE_CASE,
        seqNo=case.number,
        status=case.status,
        description=case.title,
        creationTs=case.created_at,
        updateTs=case.updated_at,
        creator=_user(cat, case.creator_id),
        entityExtension=_contact(cat, case.contact_id),
        category=_category(cat, case.category_id),
        priority=wire.Priority(emprId=case.priority_id, name=cat.priorities.get(case.priority_id)),
        emsStatus=_status(cat, case.status_id),
        emsStatusChangeTs=case.status_changed_at,
        internalUpdateTs=case.internal_updated_at,
        externalUpdateTs=case.external_updated_at,
        deadlineTs=case.deadline_at,
        emsStatusLastOpen=_status(cat, case.last_open_status_id),
        queue=wire.Queue(ucquId=case.queue_id, name=cat.queues.get(case.queue_id))
        if case.queue_id
        else None,
        onHoldToTs=case.on_hold_until,
        onHoldComment=case.on_hold_comment,
        members=members,
        links=_links(parts.links) if parts.links else None,
        texts=[_text(cat, m) for m in parts.messages] if parts.messages is not None else None,
        logs=[_log(cat, a) for a in parts.audit] if parts.audit is not None else None,
        emsTags=[wire.EmsTag(name=t) for t in case.tags],
        coreFileReferences=[file_out(f) for f in parts.files] if parts.files is not None else None,
        propValues=[
            wire.PropValue(name=k, value=v.isoformat() if isinstance(v, date) else v)
            for k, v in case.custom_fields.items()
        ],
    )


def _links(links: LinksOut) -> list[wire.Link]:
    out = [wire.Link(type="parent", eactId=links.parent_id)] if links.parent_id else []
    out += [wire.Link(type="child", eactId=i) for i in links.children]
    out += [wire.Link(type="related", eactId=i) for i in links.related]
    if links.merged_into_id:
        out.append(wire.Link(type="mergedInto", eactId=links.merged_into_id))
    out += [wire.Link(type="mergedFrom", eactId=i) for i in links.merged_from]
    return out


def _text(cat: Catalog, m: MessageOut) -> wire.Text:
    return wire.Text(
        actxId=m.id,
        text=m.body_text or " ",
        internal=m.visibility == "internal",
        creationTs=m.created_at,
        creator=_user(cat, m.author_user_id),
    )


def _log(cat: Catalog, a: AuditOut) -> wire.Log:
    return wire.Log(
        logId=a.id,
        action=a.action,
        creationTs=a.at,
        creator=_user(cat, a.actor_user_id),
        changes=a.changes,
    )


def file_out(f: AttachmentOut) -> wire.CoreFileReference:
    return wire.CoreFileReference(
        cofiId=f.id,
        fileName=f.filename,
        contentType=f.content_type,
        size=f.size,
        creationTs=f.created_at,
    )
