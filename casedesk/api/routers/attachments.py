"""/cases/{case_id}/attachments: upload (multipart), list, metadata, download.

Downloads are always offered as a file to save, never to render: the stored type is the
one sniffed from the bytes, ``nosniff`` stops the browser from guessing another, and a
``default-src 'none'`` policy disarms anything that still gets opened in a tab.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Header, Path, Request, Response, UploadFile
from fastapi.responses import FileResponse

from casedesk.api.deps import MAX_ID, Caller, CaseId, Db, get_settings
from casedesk.api.errors import PROBLEM
from casedesk.api.routers.cases import _ERRORS
from casedesk.api.routing import NativeRoute
from casedesk.body_limits import Handler, capped
from casedesk.config import Settings
from casedesk.downloads import cache_headers, download_headers
from casedesk.services.attachments import attaching as attachments
from casedesk.services.attachments.attaching import AttachmentOut
from casedesk.services.attachments.files import Upload
from casedesk.store.blobs import BlobStore, LocalBlobStore

#: Files one upload request may carry.
MAX_FILES_PER_REQUEST = 10
#: Room for multipart boundaries and part headers on top of the files themselves.
_MULTIPART_OVERHEAD = 1024 * 1024

AttachmentId = Annotated[int, Path(ge=1, le=MAX_ID)]


def get_blob_store(
    request: Request, settings: Annotated[Settings, Depends(get_settings)]
) -> BlobStore:
    """The application's blob store, made once from the settings."""
    store: BlobStore | None = getattr(request.app.state, "blob_store", None)
    if store is None:
        store = LocalBlobStore(settings.attachments_dir)
        request.app.state.blob_store = store
    return store


Blobs = Annotated[BlobStore, Depends(get_blob_store)]


class _UploadRoute(NativeRoute):
    """Caps the whole request body before the multipart parser spools it to disk.

    The app-wide body limit skips multipart, and the framework parses the form before
    any dependency runs, so the cap (as many files as allowed at the largest size each)
    has to sit in front of the handler. Each file is then held to the per-file limit
    as it is stored.
    """

    def get_route_handler(self) -> Handler:
        return capped(super().get_route_handler(), _upload_cap)


def _upload_cap(request: Request) -> tuple[int, str]:
    cap = get_settings(request).max_attachment_bytes * MAX_FILES_PER_REQUEST + _MULTIPART_OVERHEAD
    return cap, f"upload requests are limited to {cap} bytes"


router = APIRouter(
    route_class=NativeRoute,
    prefix="/cases/{case_id}/attachments",
    tags=["attachments"],
    responses=_ERRORS,
)


def upload_attachments(
    case_id: CaseId,
    file: Annotated[
        list[UploadFile],
        File(
            description=f"The file(s) to attach; repeat the field for up to "
            f"{MAX_FILES_PER_REQUEST} files in one request.",
            min_length=1,
            max_length=MAX_FILES_PER_REQUEST,
        ),
    ],
    caller: Caller,
    db: Db,
    store: Blobs,
    settings: Annotated[Settings, Depends(get_settings)],
    message_id: Annotated[
        int | None, Form(ge=1, le=MAX_ID, description="A message of this case to attach to.")
    ] = None,
) -> list[AttachmentOut]:
    """Attach files to the case, all of them or none. The stored content type is
    detected from the bytes; the type the client declares is not trusted."""
    uploads = [Upload(f.filename, f.file, f.content_type) for f in file]
    return attachments.add_attachments(
        db, store, caller, case_id, uploads, settings.max_attachment_bytes, message_id
    )


router.add_api_route(
    "",
    upload_attachments,
    methods=["POST"],
    status_code=201,
    response_model=list[AttachmentOut],
    responses={
        413: {"description": "A file is over the attachment size limit", "content": {PROBLEM: {}}}
    },
    route_class_override=_UploadRoute,
    form_limits={"max_files": MAX_FILES_PER_REQUEST},
)


@router.get("", response_model=list[AttachmentOut])
def list_attachments(case_id: CaseId, caller: Caller, db: Db) -> list[AttachmentOut]:
    return attachments.list_attachments(db, caller, case_id)


@router.get("/{attachment_id}", response_model=AttachmentOut)
def get_attachment(
    case_id: CaseId, attachment_id: AttachmentId, caller: Caller, db: Db
) -> AttachmentOut:
    """The attachment's metadata; its bytes are at ``.../content``."""
    return attachments.get_attachment(db, caller, case_id, attachment_id)


@router.get(
    "/{attachment_id}/content",
    response_class=FileResponse,
    responses={
        200: {
            "description": "The file, as a download, in the content type detected at upload",
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            "headers": {
                "ETag": {
                    "description": "The SHA-256 of the content, quoted",
                    "schema": {"type": "string"},
                },
                "Content-Disposition": {
                    "description": "Always `attachment`, with the filename",
                    "schema": {"type": "string"},
                },
            },
        },
        304: {"description": "Not modified (If-None-Match matched the ETag)"},
    },
)
def download_attachment(
    case_id: CaseId,
    attachment_id: AttachmentId,
    caller: Caller,
    db: Db,
    store: Blobs,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The file's bytes, offered for download with the detected content type.
    The ETag is the SHA-256 of the content."""
    found = attachments.open_attachment(db, store, caller, case_id, attachment_id)
    meta = found.meta
    if if_none_match is not None and _matches(if_none_match, meta.sha256):
        return Response(status_code=304, headers=cache_headers(meta.sha256))
    headers = download_headers(meta.filename, meta.sha256)
    return FileResponse(found.path, media_type=meta.content_type, headers=headers)


def _matches(if_none_match: str, sha256: str) -> bool:
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or f'"{sha256}"' in tags
