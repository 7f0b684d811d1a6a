"""The knowledge base in the portal: public articles for everyone, signed in or not.

Clean URLs per language — ``/portal/kb/<language>/<category>/<article>`` — a search,
``/portal/sitemap.xml`` with absolute links from ``CASEDESK_PUBLIC_URL``, a title and a
meta description per page, and "Was this helpful?" under each article. What a reader
may see is decided by ``services.knowledge.public`` alone: an internal, draft or
archived article is a 404 here exactly like a missing one, files included.

A signed-out visitor's form (feedback) is protected by the sign-in forms' double-submit
cookie; a signed-in contact's by their session's token, as on every portal page.
"""

from __future__ import annotations

from typing import Annotated
from xml.sax.saxutils import escape

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from casedesk.domain.errors import Unauthenticated
from casedesk.domain.knowledge import LANGUAGE_NAMES, LANGUAGES, SLUG_PATTERN
from casedesk.downloads import file_headers
from casedesk.services.identity import web_sessions
from casedesk.services.identity.web_sessions import ContactSession
from casedesk.services.knowledge import feedback, public
from casedesk.services.knowledge.public import Reader
from casedesk.services.knowledge.schemas import FeedbackIn
from casedesk.store.blobs import BlobStore
from casedesk.web.session import (
    CONTACT_COOKIE,
    check_csrf,
    check_sign_in_csrf,
    database,
    remember_sign_in_csrf,
    sign_in_csrf,
)
from casedesk.web.templating import render

router = APIRouter(prefix="/portal")

Language = Annotated[str, Path(pattern="^(" + "|".join(LANGUAGES) + ")$")]
Slug = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=120)]
FileId = Annotated[int, Path(ge=1, le=2**63 - 1)]
FileName = Annotated[str, Path(max_length=255)]


def reader_of(request: Request) -> tuple[Reader, ContactSession | None]:
    """The signed-in contact's knowledge base, or the portal's for a visitor. A contact's
    session also makes the page show the portal's menu and their CSRF token."""
    db = database(request)
    try:
        session = web_sessions.contact_session(db, request.cookies.get(CONTACT_COOKIE, ""))
    except Unauthenticated:
        sign_in_csrf(request)
        return public.visitor(db), None
    request.state.csrf_token = session.csrf_token
    request.state.signed_in = session
    caller = session.caller
    return Reader(caller.corporation_id, caller.contact_id), session


def _page(request: Request, template: str, values: dict[str, object]) -> Response:
    response = render(request, template, values | {"language_names": LANGUAGE_NAMES})
    if getattr(request.state, "signed_in", None) is None:
        remember_sign_in_csrf(request, response, request.state.csrf_token)
    return response


@router.get("/kb")
def kb_start(request: Request) -> Response:
    """To the knowledge base in the reader's language (Accept-Language), if it has any
    article in it, else in its first language."""
    reader, _ = reader_of(request)
    available = public.languages(database(request), reader) or ["en"]
    wanted = [
        part.split(";")[0].strip().lower()[:2]
        for part in request.headers.get("accept-language", "").split(",")
    ]
    language = next((w for w in wanted if w in available), available[0])
    return RedirectResponse(f"/portal/kb/{language}", status_code=303)


@router.get("/sitemap.xml")
def sitemap(request: Request) -> Response:
    """Every public article, each language its own URL, with its last change."""
    db = database(request)
    base = request.app.state.settings.link_base_url.rstrip("/")
    entries = []
    for hit, updated in public.sitemap(db, public.visitor(db)):
        url = f"{base}/portal/kb/{hit.language}/{hit.category_slug}/{hit.slug}"
        entries.append(
            f"<url><loc>{escape(url)}</loc><lastmod>{updated.date().isoformat()}</lastmod></url>"
        )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "\n".join(entries)
        + "\n</urlset>\n"
    )
    return Response(body, media_type="application/xml")


@router.get("/kb/files/{file_id}/{name}")
def kb_file(request: Request, file_id: FileId, name: FileName) -> Response:
    """A file of an article the reader may read; offered as a download (images still
    show in the article), never rendered in the site's origin."""
    reader, _ = reader_of(request)
    found = public.open_file(database(request), reader, file_id)
    store: BlobStore = request.app.state.blob_store
    return FileResponse(
        store.path(found.storage_key),
        media_type=found.content_type,
        headers=file_headers(found.filename) | {"Cache-Control": "no-cache"},
    )


@router.get("/kb/{language}")
def kb_home(request: Request, language: Language) -> Response:
    reader, _ = reader_of(request)
    db = database(request)
    return _page(
        request,
        "portal/kb_home.html",
        {
            "language": language,
            "languages": public.languages(db, reader),
            "categories": public.categories(db, reader, language),
        },
    )


@router.get("/kb/{language}/search")
def kb_search(
    request: Request, language: Language, q: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    reader, _ = reader_of(request)
    text = q.replace("\x00", " ").strip()
    hits = public.search_articles(database(request), reader, language, text) if text else []
    return _page(request, "portal/kb_search.html", {"language": language, "q": text, "hits": hits})


@router.get("/kb/{language}/{category}")
def kb_category(request: Request, language: Language, category: Slug) -> Response:
    reader, _ = reader_of(request)
    found, hits = public.category_articles(database(request), reader, language, category)
    return _page(
        request, "portal/kb_category.html", {"language": language, "category": found, "hits": hits}
    )


@router.get("/kb/{language}/{category}/{slug}")
def kb_article(request: Request, language: Language, category: Slug, slug: Slug) -> Response:
    reader, _ = reader_of(request)
    shown = public.article(database(request), reader, language, category, slug)
    return _page(
        request, "portal/kb_article.html", {"language": language, "article": shown, "done": ""}
    )


@router.post("/kb/{language}/{category}/{slug}/feedback")
async def kb_feedback(
    request: Request,
    language: Language,
    category: Slug,
    slug: Slug,
    helpful: Annotated[str, Form(pattern="^(yes|no)$")],
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    reader, session = reader_of(request)
    if session is not None:
        await check_csrf(request, session.csrf_token)
    else:
        await check_sign_in_csrf(request)
    db = database(request)
    shown = public.article(db, reader, language, category, slug)
    data = FeedbackIn(helpful=helpful == "yes", comment=comment.replace("\x00", " "))
    feedback.give_feedback(db, reader, shown.hit.translation_id, data)
    return _page(
        request,
        "portal/kb_article.html",
        {"language": language, "article": shown, "done": "thanks"},
    )
