"""ITX EMS paths under ``/itx``: each with and without the ``/rest`` prefix, since the
seed uses both (``POST /rest/itxems/case`` and ``POST /itxems/case``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Query, UploadFile

from casedesk.dialects.itx import catalog, mapping, wire
from casedesk.dialects.itx.deps import AppSettings, Blobs, Caller, Db
from casedesk.dialects.itx.errors import ItxError, ItxRoute
from casedesk.domain.errors import Forbidden
from casedesk.domain.permissions import Principal
from casedesk.services.attachments import attaching as attachments
from casedesk.services.attachments.files import Upload
from casedesk.services.cases import core as cases
from casedesk.services.cases import history, links, messages, reads, search
from casedesk.services.cases.schemas import CaseOut
from casedesk.services.reference import priorities

router = APIRouter(prefix="/itx", route_class=ItxRoute, include_in_schema=False)

#: Files one ``corefile`` request may carry.
MAX_FILES = 10
EactId = Annotated[int, Path(ge=1, le=2**53)]
EactIdQuery = Annotated[int, Query(ge=1, le=2**53)]


def _both(method: str, path: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a handler under ``/rest{path}`` and ``{path}``."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        for prefix in ("/rest", ""):
            router.add_api_route(prefix + path, fn, methods=[method])
        return fn

    return register


def full_case(db: Any, caller: Principal, case: CaseOut) -> dict[str, Any]:
    try:
        files = attachments.list_attachments(db, caller, case.id)
    except Forbidden:  # may see the case but not its files
        files = []
    parts = mapping.Parts(
        messages=messages.list_messages(db, caller, case.id),
        audit=history.case_history(db, caller, case.id).audit,
        files=files,
        links=links.get_links(db, caller, case.id),
    )
    out = mapping.outgoing(case, caller.corporation_id, catalog.load(db, caller), parts)
    return out.model_dump(mode="json")


@_both("POST", "/itxems/case")
def save_case(body: wire.Case, caller: Caller, db: Db) -> dict[str, Any]:
    """Create a case, or update the one named by ``eactId`` with the fields sent; new
    ``texts`` (without ``actxId``) are added in the same transaction."""
    inc = mapping.incoming(body, caller.corporation_id)
    if body.eactId is None:
        case = cases.open_case(db, caller, mapping.to_create(inc), notes=inc.texts)
    else:
        patch = mapping.to_patch(inc)
        case = cases.update_case(db, caller, body.eactId, patch, notes=inc.texts)
    return full_case(db, caller, case)


@_both("GET", "/itxems/case/{eactId}")
def get_case(eactId: EactId, caller: Caller, db: Db) -> dict[str, Any]:
    return full_case(db, caller, reads.read_case(db, caller, eactId))


@_both("POST", "/itxems/cases/search")
def search_cases(body: wire.SearchRequest, caller: Caller, db: Db) -> dict[str, Any]:
    """A page of the cases the caller may see, newest change first."""
    query = mapping.to_query(body)
    page = search.search_cases(db, caller, query)
    for _ in range(body.page):
        if page.next_cursor is None:
            page.items = []
            break
        page = search.search_cases(
            db, caller, query.model_copy(update={"cursor": page.next_cursor})
        )
    total = search.count_cases(db, caller, query)
    cat = catalog.load(db, caller)
    content = [mapping.outgoing(c, caller.corporation_id, cat, mapping.Parts()) for c in page.items]
    return wire.SearchPage(
        content=content,
        page=body.page,
        size=body.size,
        totalElements=total,
        totalPages=-(-total // body.size),
    ).model_dump(mode="json")


@router.get("/rest/itxems/categories")
def list_categories(caller: Caller, db: Db) -> list[dict[str, Any]]:
    cat = catalog.load(db, caller)
    return [
        wire.CategoryOut(
            ctnoId=cid,
            name=name,
            parent=wire.Category(ctnoId=parent, name=cat.categories[parent][0]) if parent else None,
        ).model_dump(mode="json")
        for cid, (name, parent) in cat.categories.items()
    ]


@router.get("/rest/itxems/statuses")
def list_statuses(
    caller: Caller,
    db: Db,
    type: Annotated[int, Query(ge=0, le=2**31)],
) -> list[dict[str, Any]]:
    if type != wire.STATUS_LIST_TYPE:
        raise ItxError(f"type must be {wire.STATUS_LIST_TYPE} (ems statuses)", field="type")
    return [
        wire.StatusOut(
            emstId=s.id, name=s.name, internalStatus=s.internal_status, isDefault=s.is_default
        ).model_dump(mode="json")
        for s in catalog.load(db, caller).statuses.values()
    ]


@router.get("/rest/itxems/priorities")
def list_priorities(caller: Caller, db: Db) -> list[dict[str, Any]]:
    return [
        wire.PriorityOut(emprId=p.id, name=p.name, isDefault=p.is_default).model_dump(mode="json")
        for p in priorities.list_priorities(db, caller)
    ]


@router.get("/rest/itxpbx/queue")
def list_queues(caller: Caller, db: Db) -> list[dict[str, Any]]:
    return [
        wire.QueueOut(ucquId=qid, name=name).model_dump(mode="json")
        for qid, name in catalog.load(db, caller).queues.items()
    ]


@router.post("/rest/core/corefile")
def upload_corefile(
    caller: Caller,
    db: Db,
    blobs: Blobs,
    settings: AppSettings,
    tblId: Annotated[int, Query(ge=0, le=2**31)],
    type: Annotated[int, Query(ge=0, le=2**31)],
    id: EactIdQuery,
    files: Annotated[list[UploadFile], File()],
) -> list[dict[str, Any]]:
    """Attach ``files`` to the case ``id``; ``tblId=35007`` and ``type=3`` say "a case"."""
    if tblId != wire.COREFILE_TABLE_CASE:
        raise ItxError(f"tblId must be {wire.COREFILE_TABLE_CASE} (cases)", field="tblId")
    if type != wire.COREFILE_TYPE_CASE:
        raise ItxError(f"type must be {wire.COREFILE_TYPE_CASE} (case file)", field="type")
    uploads = [Upload(f.filename, f.file, f.content_type) for f in files]
    stored = attachments.add_attachments(
        db, blobs, caller, id, uploads, settings.max_attachment_bytes
    )
    return [mapping.file_out(f).model_dump(mode="json") for f in stored]
