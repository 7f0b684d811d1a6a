"""The console's knowledge base: the list of articles (search included), writing a new
one, editing a translation with a live preview, publishing, archiving, the other
languages of an article, its files and every saved version. Every rule (who may write,
the status moves, slugs) is the service's, as on the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError as PydanticError

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.knowledge import LANGUAGE_NAMES, ArticleStatus
from casedesk.domain.permissions import Permission
from casedesk.downloads import file_headers
from casedesk.services.attachments.files import Upload
from casedesk.services.knowledge import articles, categories, desk
from casedesk.services.knowledge.schemas import (
    ArticleCreate,
    ArticlePatch,
    TranslationIn,
    TranslationPatch,
)
from casedesk.services.reference.accounts import list_users
from casedesk.web.routes.console_context import CaseId, blob_store, db_of, settings
from casedesk.web.routes.console_uploads import capped_route
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console/kb", route_class=capped_route("an article"))

Text = Annotated[str, Form(max_length=300)]
Body = Annotated[str, Form(max_length=200_000)]
Short = Annotated[str, Form(max_length=500)]


def _refused(exc: PydanticError) -> ValidationFailed:
    first = exc.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "body"
    return ValidationFailed(f"{field}: {first['msg']}", field=field)


def _id(raw: str, field: str) -> int:
    raw = raw.strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 2**53:
        raise ValidationFailed(f"{field}: choose one of the list", field=field)
    return int(raw)


@router.get("")
def kb_list(
    request: Request, agent: Agent, q: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    db = db_of(request)
    principal = agent.principal
    text = q.replace("\x00", " ").strip()
    return render(
        request,
        "console/kb_list.html",
        {
            "q": text,
            "hits": desk.find(db, principal, text, limit=50) if text else [],
            "articles": [] if text else articles.list_articles(db, principal),
            "categories": {c.id: c for c in categories.list_categories(db, principal)},
            "can_edit": principal.can(Permission.MANAGE_KNOWLEDGE),
            "language_names": LANGUAGE_NAMES,
        },
    )


@router.get("/new")
def new_form(request: Request, agent: Agent) -> Response:
    return render(
        request,
        "console/kb_new.html",
        {
            "categories": categories.list_categories(db_of(request), agent.principal),
            "language_names": LANGUAGE_NAMES,
        },
    )


@router.post("/new")
def create(
    request: Request,
    agent: Agent,
    category_id: Annotated[str, Form(max_length=20)],
    language: Annotated[str, Form(max_length=8)],
    visibility: Annotated[str, Form(max_length=16)],
    title: Text,
    body: Body,
    summary: Short = "",
) -> Response:
    try:
        data = ArticleCreate(
            category_id=_id(category_id, "category_id"),
            language=language,
            visibility=visibility,
            title=title,
            body=body,
            summary=summary,
        )
    except PydanticError as exc:
        raise _refused(exc) from None
    made = articles.create_article(db_of(request), agent.principal, data)
    return RedirectResponse(f"/console/kb/translations/{made.translations[0].id}", status_code=303)


@router.get("/translations/{translation_id}")
def edit_page(request: Request, agent: Agent, translation_id: CaseId) -> Response:
    db = db_of(request)
    principal = agent.principal
    translation = articles.get_translation(db, principal, translation_id)
    article = articles.get_article(db, principal, translation.article_id)
    return render(
        request,
        "console/kb_edit.html",
        {
            "t": translation,
            "article": article,
            "html": Markup(desk.rendered(db, principal, translation.id, "/console/kb/files")),
            "files": desk.list_files(db, principal, article.id),
            "categories": categories.list_categories(db, principal),
            "can_edit": principal.can(Permission.MANAGE_KNOWLEDGE),
            "statuses": [s.value for s in ArticleStatus],
            "language_names": LANGUAGE_NAMES,
            "missing": [
                c for c in LANGUAGE_NAMES if c not in {x.language for x in article.translations}
            ],
        },
    )


@router.post("/translations/{translation_id}")
def save(
    request: Request,
    agent: Agent,
    translation_id: CaseId,
    title: Text,
    body: Body,
    slug: Annotated[str, Form(max_length=120)],
    summary: Short = "",
) -> Response:
    try:
        patch = TranslationPatch(title=title, body=body, slug=slug.strip(), summary=summary)
    except PydanticError as exc:
        raise _refused(exc) from None
    articles.update_translation(db_of(request), agent.principal, translation_id, patch)
    return RedirectResponse(f"/console/kb/translations/{translation_id}", status_code=303)


@router.post("/translations/{translation_id}/status")
def change_status(
    request: Request,
    agent: Agent,
    translation_id: CaseId,
    status: Annotated[str, Form(max_length=16)],
) -> Response:
    articles.change_status(db_of(request), agent.principal, translation_id, status)
    return RedirectResponse(f"/console/kb/translations/{translation_id}", status_code=303)


@router.post("/articles/{article_id}/settings")
def change_settings(
    request: Request,
    agent: Agent,
    article_id: CaseId,
    category_id: Annotated[str, Form(max_length=20)],
    visibility: Annotated[str, Form(max_length=16)],
    back: Annotated[int, Form(ge=1, le=2**53)],
) -> Response:
    try:
        patch = ArticlePatch(category_id=_id(category_id, "category_id"), visibility=visibility)
    except PydanticError as exc:
        raise _refused(exc) from None
    articles.update_article(db_of(request), agent.principal, article_id, patch)
    return RedirectResponse(f"/console/kb/translations/{back}", status_code=303)


@router.post("/articles/{article_id}/translations")
def add_translation(
    request: Request,
    agent: Agent,
    article_id: CaseId,
    language: Annotated[str, Form(max_length=8)],
    title: Text,
    body: Body,
) -> Response:
    try:
        data = TranslationIn(language=language, title=title, body=body)
    except PydanticError as exc:
        raise _refused(exc) from None
    made = articles.add_translation(db_of(request), agent.principal, article_id, data)
    return RedirectResponse(f"/console/kb/translations/{made.id}", status_code=303)


@router.post("/articles/{article_id}/files")
def add_files(
    request: Request,
    agent: Agent,
    article_id: CaseId,
    files: list[UploadFile],
    back: Annotated[int, Form(ge=1, le=2**53)],
) -> Response:
    chosen = [Upload(f.filename, f.file, f.content_type) for f in files if f.filename or f.size]
    if chosen:
        desk.add_files(
            db_of(request),
            blob_store(request),
            agent.principal,
            article_id,
            chosen,
            settings(request).max_attachment_bytes,
        )
    return RedirectResponse(f"/console/kb/translations/{back}#files", status_code=303)


@router.get("/translations/{translation_id}/versions")
def versions(request: Request, agent: Agent, translation_id: CaseId) -> Response:
    db = db_of(request)
    principal = agent.principal
    users = {u.id: u.name or u.email for u in list_users(db, principal, limit=1000)}
    return render(
        request,
        "console/kb_versions.html",
        {
            "t": articles.get_translation(db, principal, translation_id),
            "versions": articles.list_versions(db, principal, translation_id),
            "users": users,
        },
    )


@router.post("/preview")
def preview(
    request: Request,
    agent: Agent,
    body: Annotated[str, Form(max_length=200_000)] = "",
    article_id: Annotated[int, Form(ge=0, le=2**53)] = 0,
) -> Response:
    html = desk.preview(db_of(request), agent.principal, article_id, body)
    return render(request, "console/kb_preview.html", {"html": Markup(html)})


@router.get("/files/{file_id}/{name}")
def file(request: Request, agent: Agent, file_id: CaseId, name: str) -> Response:
    found = desk.open_file(db_of(request), agent.principal, file_id)
    return FileResponse(
        blob_store(request).path(found.storage_key),
        media_type=found.content_type,
        headers=file_headers(found.filename),
    )
