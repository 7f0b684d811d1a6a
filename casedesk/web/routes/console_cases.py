"""The console's case lists: built-in views (mine, unassigned, by queue, by status),
the agent's saved filters with their counts, full-text search combined with the
other filters, and cursor paging. Lists sort by latest activity unless told
otherwise, and mark the cases with activity the agent has not seen. Every list is a
query string parsed into the same ``CaseQuery`` the API uses, so the list shows exactly
what the search service returns for the agent (their groups only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from casedesk.domain.permissions import Principal
from casedesk.services.cases import saved_filters, shared_views
from casedesk.services.cases.lookup import due_light
from casedesk.services.cases.reads import unread_case_ids
from casedesk.services.cases.search import count_matches, search_cases
from casedesk.services.kernel.clock import utcnow
from casedesk.services.kernel.translations import N_
from casedesk.services.rules import definitions as rule_definitions
from casedesk.store.db import Database
from casedesk.web.routes.console_assist import list_badges
from casedesk.web.routes.console_context import OPEN_STATUSES, Lookups, OtherId, db_of, lookups
from casedesk.web.routing import SessionFirstRoute
from casedesk.web.session import Agent
from casedesk.web.templating import render

router = APIRouter(prefix="/console", route_class=SessionFirstRoute)

#: Parameters a list keeps when the search box or the filter form changes the others.
_PAGING = frozenset({"cursor"})
#: Parameters the filter form has controls for; the others ride along hidden, so
#: narrowing "Mine" by priority keeps it to my open cases.
#: A list without a sort shows the cases with the latest activity first.
DEFAULT_SORT = "-last_activity_at"
_FORM_CONTROLS = frozenset(
    {"q", "status_id", "priority_id", "queue_id", "assignee_id", "tag", "sort"}
)


@dataclass(frozen=True, slots=True)
class View:
    """A sidebar entry: a named query string and how many cases it holds (at least,
    when ``estimate``: counts stop at a bound, docs/search.md)."""

    name: str
    query: str
    count: int
    saved_id: int | None = None
    estimate: bool = False

    @property
    def shown(self) -> str:
        return f"{self.count:,}+" if self.estimate else f"{self.count:,}"

    @property
    def url(self) -> str:
        return "/console/cases" + ("?" + self.query if self.query else "")


def _open(**extra: str | int) -> str:
    return urlencode([*extra.items(), *(("status", s) for s in OPEN_STATUSES)])


def _views(db: Database, principal: Principal, looked: Lookups) -> dict[str, list[View]]:
    def view(name: str, query: str, saved_id: int | None = None) -> View:
        counted = count_matches(db, principal, saved_filters.parse_query_string(query))
        return View(name, query, counted.count, saved_id, counted.is_estimate)

    return {
        N_("Views"): [
            view(N_("Mine"), _open(assignee_id=principal.user_id)),
            view(N_("Unassigned"), _open(unassigned="true")),
            view(N_("All open"), _open()),
            view(N_("All cases"), ""),
        ],
        N_("Queues"): [view(q.name, _open(queue_id=q.id)) for q in looked.queues.values()],
        N_("Statuses"): [
            view(s.name, urlencode({"status_id": s.id})) for s in looked.statuses.values()
        ],
        N_("Saved filters"): [
            view(f.name, f.query, f.id) for f in saved_filters.list_filters(db, principal)
        ],
        N_("Shared views"): [
            view(v.name, v.query) for v in shared_views.visible_shared(db, principal)
        ],
    }


@router.get("")
def home(request: Request, agent: Agent) -> Response:
    """The start page: the agent's lists with how many cases each holds."""
    db = db_of(request)
    views = _views(db, agent.principal, lookups(db, agent.principal))
    return render(request, "console/home.html", {"agent": agent, "views": views})


@router.get("/cases")
def case_list(request: Request, agent: Agent) -> Response:
    db = db_of(request)
    principal = agent.principal
    pairs = list(request.query_params.multi_items())
    query = saved_filters.parse_query(pairs)
    if not any(key == "sort" for key, _ in pairs):
        query = query.model_copy(update={"sort": DEFAULT_SORT})  # lists follow activity
    page = search_cases(db, principal, query, with_total=True)
    looked = lookups(db, principal)
    now = utcnow()
    current = saved_filters.canonical(pairs)
    kept = [(k, v) for k, v in pairs if k not in _PAGING and v.strip()]
    next_url = (
        "/console/cases?" + urlencode([*kept, ("cursor", page.next_cursor)])
        if page.next_cursor
        else None
    )
    views = _views(db, principal, looked)
    title = next((v.name for vs in views.values() for v in vs if v.query == current), "Cases")
    if query.q:
        title = f"Search: {query.q}"
    return render(
        request,
        "console/cases.html",
        {
            "agent": agent,
            "page": page,
            "rows": [(case, *due_light(case, now)) for case in page.items],
            "unread": unread_case_ids(db, principal, [case.id for case in page.items]),
            "assist_badges": list_badges(db, principal, [case.id for case in page.items]),
            "looked": looked,
            "views": views,
            "title": title,
            "current": current,
            "query": query,
            "paged": query.cursor is not None,
            "hidden": [(k, v) for k, v in kept if k not in _FORM_CONTROLS],
            "first_url": "/console/cases" + ("?" + current if current else ""),
            "next_url": next_url,
            "view_columns": shared_views.columns_for(db, principal, current),
            "share_groups": shared_views.groups_to_share_with(db, principal),
            "macros": rule_definitions.list_rules(db, principal, "macro"),
        },
    )


@router.post("/filters")
def save_filter(
    request: Request,
    agent: Agent,
    name: Annotated[str, Form(max_length=200)],
    query: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    saved = saved_filters.create_filter(db_of(request), agent.principal, name, query)
    target = "/console/cases" + ("?" + saved.query if saved.query else "")
    return RedirectResponse(target, status_code=303)


@router.post("/filters/{filter_id}/delete")
def delete_filter(request: Request, agent: Agent, filter_id: OtherId) -> Response:
    saved_filters.delete_filter(db_of(request), agent.principal, filter_id)
    return RedirectResponse("/console/cases", status_code=303)
