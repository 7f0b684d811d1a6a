"""More of the console's knowledge base: its categories, the editors' page of what
helps (articles that spare the most cases, and those readers found unhelpful), the
composer's article picker, and turning a case's answer into a draft article."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as PydanticError

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.knowledge import LANGUAGE_NAMES
from casedesk.services.knowledge import articles, categories, desk, feedback
from casedesk.services.knowledge.schemas import CategoryCreate, CategoryPatch
from casedesk.web.routes.console_context import CaseId, OtherId, db_of, settings
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(route_class=SessionFirstRoute)

_PAGE = "/console/kb/categories"
Name = Annotated[str, Form(max_length=200)]
Description = Annotated[str, Form(max_length=1000)]


def _refused(exc: PydanticError) -> ValidationFailed:
    first = exc.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "name"
    return ValidationFailed(f"{field}: {first['msg']}", field=field)


@router.get(_PAGE)
def categories_page(request: Request, agent: Agent) -> Response:
    rows = categories.list_categories(db_of(request), agent.principal)
    return render(request, "console/kb_categories.html", {"categories": rows})


@router.post(_PAGE)
def create_category(
    request: Request, agent: Agent, name: Name, description: Description = ""
) -> Response:
    try:
        data = CategoryCreate(name=name, description=description)
    except PydanticError as exc:
        raise _refused(exc) from None
    made = categories.create_category(db_of(request), agent.principal, data)
    return RedirectResponse(f"{_PAGE}#category-{made.id}", status_code=303)


@router.post(_PAGE + "/{category_id}")
def update_category(
    request: Request,
    agent: Agent,
    category_id: CaseId,
    name: Name,
    slug: Annotated[str, Form(max_length=120)],
    description: Description = "",
    position: Annotated[int, Form(ge=0, le=10_000)] = 0,
) -> Response:
    try:
        patch = CategoryPatch(
            name=name, slug=slug.strip(), description=description, position=position
        )
    except PydanticError as exc:
        raise _refused(exc) from None
    categories.update_category(db_of(request), agent.principal, category_id, patch)
    return RedirectResponse(f"{_PAGE}#category-{category_id}", status_code=303)


@router.post(_PAGE + "/{category_id}/delete")
def delete_category(request: Request, agent: Agent, category_id: CaseId) -> Response:
    categories.delete_category(db_of(request), agent.principal, category_id)
    return RedirectResponse(_PAGE, status_code=303)


@router.get("/console/kb/insights")
def insights(request: Request, agent: Agent) -> Response:
    db = db_of(request)
    figures = feedback.figures(db, agent.principal)
    disappointing = feedback.most_disappointing(figures)
    comments = {
        f.translation_id: [
            said.comment
            for said in feedback.list_feedback(db, agent.principal, f.translation_id, limit=20)
            if said.comment and not said.helpful
        ][:5]
        for f in disappointing
    }
    return render(
        request,
        "console/kb_insights.html",
        {
            "deflecting": feedback.top_deflecting(figures),
            "disappointing": disappointing,
            "comments": comments,
            "language_names": LANGUAGE_NAMES,
        },
    )


@router.get("/console/kb/picker")
def picker(
    request: Request,
    agent: Agent,
    kb_q: Annotated[str, Query(max_length=200)] = "",
    kind: Annotated[str, Query(pattern="^(reply|note)$")] = "reply",
) -> Response:
    """Articles to insert into a reply: a link to a public one, the text of any."""
    text = kb_q.replace("\x00", " ").strip()
    hits = desk.find(db_of(request), agent.principal, text, limit=8) if text else []
    base = settings(request).link_base_url.rstrip("/")
    return render(
        request, "console/kb_picker_results.html", {"hits": hits, "base": base, "kind": kind}
    )


@router.get("/console/kb/picker/{translation_id}/text")
def picker_text(request: Request, agent: Agent, translation_id: CaseId) -> Response:
    """The article's Markdown, to paste into the composer."""
    found = articles.get_translation(db_of(request), agent.principal, translation_id)
    return Response(found.body, media_type="text/plain; charset=utf-8")


@router.post("/console/cases/{case_id}/messages/{message_id}/to-article")
def to_article(request: Request, agent: Agent, case_id: CaseId, message_id: OtherId) -> Response:
    """A draft article (internal, in the first category) made of this answer."""
    db = db_of(request)
    first = categories.list_categories(db, agent.principal)
    if not first:
        raise ValidationFailed("create a knowledge-base category first", field="category_id")
    made = desk.draft_from_case(db, agent.principal, case_id, message_id, first[0].id)
    return RedirectResponse(f"/console/kb/translations/{made.translations[0].id}", status_code=303)
