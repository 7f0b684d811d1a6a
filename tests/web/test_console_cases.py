"""The console's case lists over HTTP: views and counts respect the agent's groups,
full-text search combines with filters, paging, and saved filters are personal."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from casedesk.config import Settings
from casedesk.services.cases import saved_filters
from casedesk.services.cases.core import update_case
from casedesk.services.cases.schemas import CasePatch
from casedesk.store.db import Database
from tests.factories import World, make_case
from tests.web.console_support import agent_client, csrf


def _count(html: str, view: str) -> int:
    found = re.search(rf">{re.escape(view)} <span class=\"count\"[^>]*>(\d+)</span>", html)
    assert found, f"no view {view!r} in the sidebar"
    return int(found.group(1))


def test_lists_and_counts_show_only_the_agents_groups(
    settings: Settings, db: Database, world: World
) -> None:
    mine = make_case(db, world.agent_a, title="Alpha printer jam")
    make_case(db, world.agent_a, title="Alpha scanner")
    make_case(db, world.agent_b, title="Bravo secret budget")
    update_case(db, world.agent_a.principal, mine.id, CasePatch(assignee_id=world.agent_a.user_id))

    alice = agent_client(settings, db, world.agent_a.email)
    page = alice.get("/console/cases")
    assert page.status_code == 200
    assert "Alpha printer jam" in page.text and "Alpha scanner" in page.text
    assert "Bravo secret budget" not in page.text
    assert _count(page.text, "All cases") == 2
    assert _count(page.text, "Mine") == 1
    assert _count(page.text, "Unassigned") == 1

    bob = agent_client(settings, db, world.agent_b.email)
    other = bob.get("/console/cases")
    assert _count(other.text, "All cases") == 1
    assert "Alpha" not in other.text


def test_full_text_search_combines_with_the_list_filters(
    settings: Settings, db: Database, world: World
) -> None:
    first = make_case(db, world.agent_a, title="Invoice missing for March")
    make_case(db, world.agent_a, title="Invoice wrong address")
    make_case(db, world.agent_b, title="Invoice of group B")
    update_case(db, world.agent_a.principal, first.id, CasePatch(assignee_id=world.agent_a.user_id))
    alice = agent_client(settings, db, world.agent_a.email)

    found = alice.get("/console/cases", params={"q": "invoice"})
    assert "Invoice missing for March" in found.text
    assert "Invoice wrong address" in found.text
    assert "group B" not in found.text

    narrowed = alice.get(
        "/console/cases", params={"q": "invoice", "assignee_id": str(world.agent_a.user_id)}
    )
    assert "Invoice missing for March" in narrowed.text
    assert "Invoice wrong address" not in narrowed.text
    # The list's filter form holds the words beside the other filters, so changing
    # one keeps the others.
    assert 'id="f-q" name="q" type="search" value="invoice"' in narrowed.text
    assert f'<option value="{world.agent_a.user_id}" selected>' in narrowed.text


def test_pages_follow_the_cursor(settings: Settings, db: Database, world: World) -> None:
    for n in range(3):
        make_case(db, world.agent_a, title=f"Paged case {n}")
    alice = agent_client(settings, db, world.agent_a.email)
    first = alice.get("/console/cases", params={"limit": "2", "sort": "number"})
    assert "Paged case 0" in first.text and "Paged case 2" not in first.text
    next_url = re.search(r'href="([^"]+)" rel="next"', first.text)
    assert next_url
    second = alice.get(next_url.group(1).replace("&amp;", "&"))
    assert "Paged case 2" in second.text and "Paged case 0" not in second.text
    assert 'rel="next"' not in second.text


def test_a_bad_filter_is_a_clear_422(settings: Settings, db: Database, world: World) -> None:
    alice = agent_client(settings, db, world.agent_a.email)
    answer = alice.get("/console/cases", params={"priority_id": "lots"})
    assert answer.status_code == 422
    assert "priority_id" in answer.text
    unknown = alice.get("/console/cases", params={"colour": "red"})
    assert unknown.status_code == 422
    assert "colour" in unknown.text


def test_saved_filters_are_listed_with_counts_and_are_personal(
    settings: Settings, db: Database, world: World
) -> None:
    make_case(db, world.agent_a, title="Network down", tags=["network"])
    make_case(db, world.agent_a, title="Mouse broken")
    alice = agent_client(settings, db, world.agent_a.email)
    saved = alice.post(
        "/console/filters",
        data={"csrf_token": csrf(alice), "name": "Network <b>issues</b>", "query": "tag=network"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = alice.get("/console/cases")
    assert _count(page.text, "Network &lt;b&gt;issues&lt;/b&gt;") == 1
    assert "<b>issues</b>" not in page.text

    (mine,) = saved_filters.list_filters(db, world.agent_a.principal)
    bob = agent_client(settings, db, world.agent_b.email)
    assert "Network" not in bob.get("/console/cases").text
    refused = bob.post(f"/console/filters/{mine.id}/delete", data={"csrf_token": csrf(bob)})
    assert refused.status_code == 404
    assert saved_filters.list_filters(db, world.agent_a.principal) == [mine]

    deleted = alice.post(
        f"/console/filters/{mine.id}/delete",
        data={"csrf_token": csrf(alice)},
        follow_redirects=False,
    )
    assert deleted.status_code == 303
    assert saved_filters.list_filters(db, world.agent_a.principal) == []


def test_a_filter_that_does_not_parse_is_not_saved(
    settings: Settings, db: Database, world: World
) -> None:
    alice = agent_client(settings, db, world.agent_a.email)
    answer = alice.post(
        "/console/filters",
        data={"csrf_token": csrf(alice), "name": "Broken", "query": "status=99"},
    )
    assert answer.status_code == 422
    assert "status" in answer.text
    assert saved_filters.list_filters(db, world.agent_a.principal) == []


def test_a_stranger_is_sent_to_sign_in(settings: Settings, db: Database) -> None:
    from casedesk.api.app import create_app

    client = TestClient(create_app(settings, db))
    answer = client.get("/console/cases", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/console/sign-in")


def test_the_filter_form_keeps_the_views_other_conditions(
    settings: Settings, db: Database, world: World
) -> None:
    alice = agent_client(settings, db, world.agent_a.email)
    page = alice.get("/console/cases", params=[("status", "1"), ("status", "3"), ("q", "vpn")])
    form = page.text.split('class="panel row filters"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="status" value="1">' in form
    assert '<input type="hidden" name="status" value="3">' in form
    assert 'name="q" type="search" value="vpn"' in form
