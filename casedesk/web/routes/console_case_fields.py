"""Editing a case's fields from its page: title, status, priority, category, queue, assignee,
followers, tags and custom fields in one form that htmx posts and whose panel it swaps.

The form carries the case version it was rendered from; the service refuses the
change when the case moved on meanwhile (412), so nobody overwrites a colleague's
change unseen. Only the fields the agent changed are sent, so the audit log names
exactly what they did.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as PydanticError
from starlette.datastructures import FormData

from casedesk.domain.errors import PreconditionFailed, ValidationFailed
from casedesk.services.cases.core import get_case, update_case
from casedesk.services.cases.schemas import CaseOut, CasePatch
from casedesk.web.routes.console_case import panel_context
from casedesk.web.routes.console_context import CaseId, Lookups, db_of, field_text, lookups
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console/cases/{case_id}")

_SINGLE = ("status_id", "priority_id", "category_id", "queue_id", "assignee_id")
_MAX_ID = 2**53


def _id(form: FormData, name: str) -> int | None:
    raw = form.get(name, "")
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= _MAX_ID:
        raise ValidationFailed(f"{name.replace('_id', '')}: choose one of the list", field=name)
    return int(text)


def _version(form: FormData) -> int:
    raw = form.get("version", "")
    if not isinstance(raw, str) or not raw.isdigit() or len(raw) > 12:
        raise ValidationFailed("the form has no case version; reload the page", field="version")
    return int(raw)


def _changed(form: FormData, case: CaseOut, looked: Lookups) -> dict[str, Any]:
    """The fields whose submitted value differs from the case's."""
    wanted: dict[str, Any] = {}
    title = form.get("title")
    if isinstance(title, str) and title.strip() != case.title:
        wanted["title"] = title
    for name in _SINGLE:
        if name in form:
            value = _id(form, name)
            if value != getattr(case, name):
                wanted[name] = value
    if "follower_ids" in form or "followers_shown" in form:
        ids = sorted({v for v in (_id_text(t) for t in form.getlist("follower_ids")) if v})
        current = sorted(m.user_id for m in case.members if m.role == 2 and m.active and m.user_id)
        if ids != current:
            wanted["follower_ids"] = ids
    if "tags" in form:
        raw = form.get("tags", "")
        text = raw if isinstance(raw, str) else ""
        tags = sorted({t.strip().lower() for t in text.split(",") if t.strip()})
        if tags != sorted(case.tags):
            wanted["tags"] = tags
    custom: dict[str, Any] = {}
    for field in looked.fields:
        key = f"custom.{field.key}"
        if key not in form:
            continue
        raw = form.get(key, "")
        text = raw.strip() if isinstance(raw, str) else ""
        if text == field_text(case.custom_fields.get(field.key)):
            continue
        if not text:
            custom[field.key] = None
        elif field.type == "bool":
            if text not in ("true", "false"):
                raise ValidationFailed(f"{field.label}: choose yes or no", field=key)
            custom[field.key] = text == "true"
        else:
            custom[field.key] = text
    if custom:
        wanted["custom_fields"] = custom
    return wanted


def _id_text(text: object) -> int | None:
    if isinstance(text, str) and text.isdigit() and 1 <= int(text) <= _MAX_ID:
        return int(text)
    if isinstance(text, str) and text:
        raise ValidationFailed("followers: choose from the list", field="follower_ids")
    return None


@router.post("/fields")
async def update_fields(request: Request, agent: Agent, case_id: CaseId) -> Response:
    db = db_of(request)
    principal = agent.principal
    form = await request.form()
    case = get_case(db, principal, case_id)
    version = _version(form)
    looked = lookups(db, principal)
    try:
        patch = CasePatch.model_validate(_changed(form, case, looked))
    except PydanticError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ValidationFailed(f"{field}: {first['msg']}", field=field) from None
    try:
        updated = update_case(db, principal, case_id, patch, expected_versions=[version])
    except PreconditionFailed:
        raise PreconditionFailed(
            "Someone else changed this case after you opened it, so nothing was saved. "
            "Reload the page to see their change, then make yours again."
        ) from None
    if request.headers.get("hx-request") != "true":
        return RedirectResponse(f"/console/cases/{case_id}", status_code=303)
    saved = "Saved." if patch.model_fields_set else "Nothing to save: no field was changed."
    return render(
        request,
        "console/case_fields.html",
        panel_context(principal, updated, looked) | {"saved": saved},
    )
