"""Case templates (Track-It templates): named default values for new cases.

A template holds the fields of a case create request, every one optional. Opening a
case from it starts from those fields and lets the request override each one (a field
sent as ``null`` clears the template's value; lists and maps such as ``tags`` and
``custom_fields`` are replaced, not merged). The case is then opened by
``open_case_in``, so every default, permission, numbering and audit rule of a plain
create applies, and its audit record and outbox event name the template.

Everyone in a corporation may read its templates and open cases from them; writing
templates needs ``Permission.MANAGE_REFERENCE``, like other reference data. Template
fields are checked on write: unknown keys, values of the wrong shape and ids that are
not rows of the corporation are refused, naming the field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.permissions import Permission, Principal
from casedesk.domain.statuses import InternalStatus, resolve_status
from casedesk.services.cases import custom_fields
from casedesk.services.cases.opening import open_case_in
from casedesk.services.cases.schemas import CaseCreate, CaseFields, CaseOut, Id, Origin, Title
from casedesk.services.kernel import audit
from casedesk.services.kernel.clock import utcnow
from casedesk.services.kernel.references import check_case_refs, require_agent, status_catalog
from casedesk.services.reference.common import (
    In,
    Name100,
    Out,
    created,
    deleted,
    ensure_unique,
    ensure_unused,
    flush,
    get_row,
    present,
    require_manager,
    snapshot,
)
from casedesk.store.db import Database
from casedesk.store.models import CaseTemplate

_FIELDS = ("name", "fields")


class TemplateFields(CaseFields):
    """The fields of a case create request, each optional. ``null`` is refused for the
    fields a case cannot have empty (``title``, ``origin``, ``follower_ids``)."""

    title: Title | None = None
    origin: Origin | None = None
    from_address: Annotated[str, Field(max_length=320)] | None = None
    follower_ids: Annotated[list[Id], Field(max_length=50)] | None = None

    @field_validator("title", "origin", "follower_ids", mode="after")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null; leave the field out instead")
        return value

    def values(self) -> dict[str, Any]:
        """The fields that were given, as JSON values."""
        return self.model_dump(mode="json", exclude_unset=True)


class TemplateOut(Out):
    id: int
    name: str
    fields: dict[str, Any] = Field(
        description="The fields a case opened from the template starts from."
    )
    created_at: datetime


class TemplateCreate(In):
    name: Name100
    fields: TemplateFields = Field(default_factory=TemplateFields)


class TemplatePatch(In):
    """``fields``, when given, replaces the template's fields as a whole."""

    name: Name100 | None = None
    fields: TemplateFields | None = None


# --------------------------------------------------------------------------- reading


def list_templates(db: Database, principal: Principal) -> list[TemplateOut]:
    with db.read() as s:
        rows = s.scalars(
            select(CaseTemplate)
            .where(CaseTemplate.corporation_id == principal.corporation_id)
            .order_by(CaseTemplate.name, CaseTemplate.id)
        )
        return [TemplateOut.model_validate(r) for r in rows]


def get_template(db: Database, principal: Principal, template_id: int) -> TemplateOut:
    with db.read() as s:
        return TemplateOut.model_validate(_get(s, principal, template_id))


# --------------------------------------------------------------------------- writing


def create_template(db: Database, principal: Principal, data: TemplateCreate) -> TemplateOut:
    require_manager(principal)
    corp = principal.corporation_id
    with db.write() as s:
        ensure_unique(s, CaseTemplate, corp, "name", data.name, "template")
        _check_fields(s, principal, data.fields)
        row = CaseTemplate(
            corporation_id=corp, name=data.name, fields=data.fields.values(), created_at=utcnow()
        )
        s.add(row)
        flush(s, f"a template named {data.name!r} exists already")
        audit.record(
            s,
            principal,
            corp,
            "template.created",
            "template",
            row.id,
            changes=created(snapshot(row, _FIELDS)),
        )
        return TemplateOut.model_validate(row)


def update_template(
    db: Database, principal: Principal, template_id: int, patch: TemplatePatch
) -> TemplateOut:
    values = present(patch, _FIELDS)
    with db.write() as s:
        row = _get(s, principal, template_id)
        require_manager(principal)
        before = snapshot(row, _FIELDS)
        if "fields" in values:
            assert patch.fields is not None  # present() refuses null
            _check_fields(s, principal, patch.fields)
            values["fields"] = patch.fields.values()
        after = before | values
        if after == before:
            return TemplateOut.model_validate(row)
        ensure_unique(
            s,
            CaseTemplate,
            row.corporation_id,
            "name",
            after["name"],
            "template",
            exclude_id=row.id,
        )
        row.name, row.fields = after["name"], after["fields"]
        flush(s, f"a template named {row.name!r} exists already")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "template.updated",
            "template",
            row.id,
            changes=audit.diff(before, after),
        )
        return TemplateOut.model_validate(row)


def delete_template(db: Database, principal: Principal, template_id: int) -> None:
    with db.write() as s:
        row = _get(s, principal, template_id)
        require_manager(principal)
        ensure_unused(s, CaseTemplate, row.id, "template")
        before = snapshot(row, _FIELDS)
        s.delete(row)
        flush(s, f"template {template_id} is still in use")
        audit.record(
            s,
            principal,
            row.corporation_id,
            "template.deleted",
            "template",
            template_id,
            changes=deleted(before),
        )


# --------------------------------------------------------------------------- opening cases


def open_from_template(
    db: Database,
    principal: Principal,
    template_id: int,
    overrides: TemplateFields | None = None,
    *,
    origin: Origin | None = None,
    now: datetime | None = None,
) -> CaseOut:
    """Open a case from the template's fields with ``overrides`` on top. ``origin``,
    when given, says where the case comes from whatever the template says (a scheduler
    passes ``"scheduled"``)."""
    now = now or utcnow()
    with db.write() as s:
        return open_from_template_in(s, principal, template_id, overrides, now, origin=origin)


def open_from_template_in(
    s: Session,
    principal: Principal,
    template_id: int,
    overrides: TemplateFields | None,
    now: datetime,
    *,
    origin: Origin | None = None,
) -> CaseOut:
    """``open_from_template`` inside a transaction the caller owns."""
    principal.require(Permission.CREATE_CASE)
    template = _get(s, principal, template_id)
    values = dict(template.fields) | (overrides.values() if overrides else {})
    if origin is not None:
        values["origin"] = origin
    if not values.get("title"):
        raise ValidationFailed(
            f"title is required: template {template.id} has none, so the request must give one",
            field="title",
        )
    try:
        data = CaseCreate.model_validate(values)
    except PydanticValidationError as exc:  # a stored template no longer fits
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ValidationFailed(f"{field}: {first['msg']}", field=field) from None
    return open_case_in(s, principal, data, now, source={"template_id": template.id})


# --------------------------------------------------------------------------- helpers


def _get(s: Session, principal: Principal, template_id: int) -> CaseTemplate:
    return get_row(s, CaseTemplate, template_id, principal.corporation_id, "template")


def _check_fields(s: Session, principal: Principal, fields: TemplateFields) -> None:
    """The checks a create would make of these fields, so that a template cannot hold
    what no case could be opened with. Errors name the field as ``fields.<name>``."""
    corp = principal.corporation_id
    given = fields.model_fields_set
    try:
        check_case_refs(s, principal, fields, given)
        for uid in fields.follower_ids or ():
            require_agent(s, uid, corp, "follower_ids")
        if fields.custom_fields:
            custom_fields.check_values(s, corp, fields.custom_fields)
        if given & {"status", "status_id"}:
            catalog = status_catalog(s, corp)
            status = resolve_status(catalog, fields.status, fields.status_id, None)
            if status.internal == InternalStatus.MERGED:
                raise ValidationFailed("a case cannot be opened merged", field="status")
    except ValidationFailed as exc:
        name = f"fields.{exc.field}" if exc.field else "fields"
        raise ValidationFailed(exc.detail, field=name) from None
