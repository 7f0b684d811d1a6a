"""/note-types, /activity-codes, /field-labels: the words notes and faces use. Everyone
reads; writing needs the manage_reference permission."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from casedesk.api.deps import Caller, Db
from casedesk.api.routers.reference_params import ERRORS
from casedesk.api.routing import NativeRoute
from casedesk.services.reference import vocabulary
from casedesk.services.reference.vocabulary import (
    ActivityCodeCreate,
    ActivityCodeOut,
    FieldLabelSet,
    NoteTypeCreate,
    NoteTypeOut,
)

router = APIRouter(route_class=NativeRoute, responses=ERRORS)

SchemePath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_.-]{0,63}$")]
FieldKeyPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]


@router.get("/note-types", response_model=list[NoteTypeOut], tags=["notes"])
def list_note_types(caller: Caller, db: Db) -> list[NoteTypeOut]:
    return vocabulary.list_note_types(db, caller)


@router.post("/note-types", status_code=201, response_model=NoteTypeOut, tags=["notes"])
def create_note_type(data: NoteTypeCreate, caller: Caller, db: Db) -> NoteTypeOut:
    return vocabulary.create_note_type(db, caller, data)


@router.get("/activity-codes", response_model=list[ActivityCodeOut], tags=["notes"])
def list_activity_codes(
    caller: Caller, db: Db, for_cases: bool | None = None
) -> list[ActivityCodeOut]:
    """All activity codes; with `for_cases=true` only those a case's note may name."""
    return vocabulary.list_activity_codes(db, caller, for_cases=for_cases)


@router.post("/activity-codes", status_code=201, response_model=ActivityCodeOut, tags=["notes"])
def create_activity_code(data: ActivityCodeCreate, caller: Caller, db: Db) -> ActivityCodeOut:
    return vocabulary.create_activity_code(db, caller, data)


@router.get("/field-labels/{scheme}", response_model=dict[str, str], tags=["field labels"])
def get_field_labels(scheme: SchemePath, caller: Caller, db: Db) -> dict[str, str]:
    """Display names set for the fields of a scheme (e.g. `trackit.ticket`), by field key."""
    return vocabulary.field_labels(db, caller, scheme)


@router.put(
    "/field-labels/{scheme}/{field_key}", response_model=dict[str, str], tags=["field labels"]
)
def set_field_label(
    scheme: SchemePath, field_key: FieldKeyPath, data: FieldLabelSet, caller: Caller, db: Db
) -> dict[str, str]:
    """Rename a field (`label` null restores its own name); returns the scheme's labels."""
    return vocabulary.set_field_label(db, caller, scheme, field_key, data)
