"""The console's case page over HTTP: what it shows (escaped and sanitized), editing
fields with the case version, the changed-meanwhile poll, and 404 for other groups."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from casedesk.config import Settings
from casedesk.services.cases import messages
from casedesk.services.cases.core import get_case, update_case
from casedesk.services.cases.schemas import CasePatch, MessageCreate
from casedesk.services.reference import field_definitions, sla_policies
from casedesk.services.reference.field_definitions import FieldDefinitionCreate
from casedesk.services.reference.sla_policies import SlaPolicyCreate
from casedesk.store.db import Database
from tests.factories import World, make_case
from tests.web.console_support import agent_client, csrf

HX = {"HX-Request": "true"}


def _status_ids(client: TestClient, case_id: int) -> dict[str, str]:
    html = client.get(f"/console/cases/{case_id}").text
    select = html.split('id="field-status"', 1)[1].split("</select>", 1)[0]
    return {name: value for value, name in re.findall(r'value="(\d+)"[^>]*>([^<]+)<', select)}


def test_titles_and_bodies_are_escaped_and_email_html_is_sanitized(
    settings: Settings, db: Database, world: World
) -> None:
    case = make_case(db, world.agent_a, title="<script>alert('title')</script>")
    messages.add_message(
        db,
        world.agent_a.principal,
        case.id,
        MessageCreate(visibility="internal", body_text="<img src=x onerror=alert(1)> plain"),
    )
    messages.add_message(
        db,
        world.agent_a.principal,
        case.id,
        MessageCreate(
            visibility="external",
            direction="inbound",
            body_text="fallback",
            body_html='<p onclick="steal()">Hello <b>there</b></p><script>alert(2)</script>'
            '<a href="javascript:alert(3)">x</a>',
        ),
    )
    alice = agent_client(settings, db, world.agent_a.email)
    html = alice.get(f"/console/cases/{case.id}").text
    assert "<script>alert('title')</script>" not in html
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt; plain" in html
    assert "<b>there</b>" in html  # harmless markup of the mail stays
    assert "<script>alert(2)" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "Internal note" in html


def test_another_groups_case_is_not_found_on_every_route(
    settings: Settings, db: Database, world: World
) -> None:
    case = make_case(db, world.agent_a, title="Only for group A")
    bob = agent_client(settings, db, world.agent_b.email)
    token = csrf(bob)
    missing = bob.get("/console/cases/999999")
    hidden = bob.get(f"/console/cases/{case.id}")
    assert hidden.status_code == missing.status_code == 404
    assert "Only for group A" not in hidden.text
    assert f"case {case.id} not found" in hidden.text
    assert hidden.text.replace(f"case {case.id} ", "case N ") == missing.text.replace(
        "case 999999 ", "case N "
    )
    posts = {
        "fields": {"version": str(case.version), "priority_id": str(case.priority_id)},
        "messages": {"visibility": "internal", "body": "peek"},
        "merge": {"into": "1"},
        "links": {"kind": "related", "other": "1"},
        "links/remove": {"kind": "related", "other_id": "1"},
    }
    for route, data in posts.items():
        answer = bob.post(f"/console/cases/{case.id}/{route}", data=data | {"csrf_token": token})
        assert answer.status_code == 404, route
    assert bob.get(f"/console/cases/{case.id}/changes", params={"version": 1}).status_code == 404
    assert messages.list_messages(db, world.agent_a.principal, case.id) == []


def test_fields_change_in_place_and_the_panel_shows_them(
    settings: Settings, db: Database, world: World
) -> None:
    case = make_case(db, world.agent_a, title="Edit me")
    alice = agent_client(settings, db, world.agent_a.email)
    statuses = _status_ids(alice, case.id)
    answer = alice.post(
        f"/console/cases/{case.id}/fields",
        headers=HX | {"X-CSRF-Token": csrf(alice)},
        data={
            "version": str(case.version),
            "status_id": statuses["Awaiting customer"],
            "assignee_id": str(world.agent_a.user_id),
            "tags": "VPN, urgent",
            "title": "Edited <i>title</i>",
            "followers_shown": "1",
            "follower_ids": [str(world.admin.user_id)],
        },
    )
    assert answer.status_code == 200, answer.text
    assert 'id="case-fields"' in answer.text and "Saved." in answer.text
    after = get_case(db, world.agent_a.principal, case.id)
    assert after.status == 3 and after.status_id == int(statuses["Awaiting customer"])
    assert after.assignee_id == world.agent_a.user_id
    assert after.tags == ["urgent", "vpn"]
    assert after.title == "Edited <i>title</i>"
    assert 'id="case-title" hx-swap-oob="true"' in answer.text
    assert "Edited &lt;i&gt;title&lt;/i&gt;" in answer.text
    assert [m.user_id for m in after.members if m.role == 2 and m.active] == [world.admin.user_id]
    assert f'name="version" value="{after.version}"' in answer.text


def test_a_stale_form_is_refused_with_412_and_nothing_changes(
    settings: Settings, db: Database, world: World
) -> None:
    case = make_case(db, world.agent_a, title="Contested")
    update_case(db, world.admin.principal, case.id, CasePatch(title="Changed by the admin"))
    alice = agent_client(settings, db, world.agent_a.email)
    answer = alice.post(
        f"/console/cases/{case.id}/fields",
        headers=HX | {"X-CSRF-Token": csrf(alice)},
        data={"version": str(case.version), "assignee_id": str(world.agent_a.user_id)},
    )
    assert answer.status_code == 412
    assert answer.headers["HX-Retarget"] == "#notice"
    assert "Someone else changed this case" in answer.text
    after = get_case(db, world.agent_a.principal, case.id)
    assert after.assignee_id is None
    assert after.title == "Changed by the admin"


def test_bad_field_input_is_a_422_naming_it(settings: Settings, db: Database, world: World) -> None:
    case = make_case(db, world.agent_a)
    alice = agent_client(settings, db, world.agent_a.email)
    answer = alice.post(
        f"/console/cases/{case.id}/fields",
        headers=HX | {"X-CSRF-Token": csrf(alice)},
        data={"version": str(case.version), "priority_id": "high"},
    )
    assert answer.status_code == 422
    assert "priority" in answer.text
    assert get_case(db, world.agent_a.principal, case.id).version == case.version


def test_the_poll_tells_when_someone_else_changed_the_case(
    settings: Settings, db: Database, world: World
) -> None:
    case = make_case(db, world.agent_a)
    alice = agent_client(settings, db, world.agent_a.email)
    url = f"/console/cases/{case.id}/changes"
    assert alice.get(url, params={"version": case.version}, headers=HX).status_code == 204
    update_case(db, world.admin.principal, case.id, CasePatch(title="New title"))
    answer = alice.get(url, params={"version": case.version}, headers=HX)
    assert answer.status_code == 200
    assert answer.headers["HX-Retarget"] == "#notice"
    assert "changed by someone else" in answer.text


def test_reply_and_note_are_added_to_the_thread(
    settings: Settings, db: Database, world: World
) -> None:
    case = make_case(db, world.agent_a)
    alice = agent_client(settings, db, world.agent_a.email)
    token = csrf(alice)
    reply = alice.post(
        f"/console/cases/{case.id}/messages",
        data={"csrf_token": token, "visibility": "external", "body": "We are on it <b>now</b>"},
        follow_redirects=False,
    )
    assert reply.status_code == 303
    note = alice.post(
        f"/console/cases/{case.id}/messages",
        data={"csrf_token": token, "visibility": "internal", "body": "Customer is VIP"},
    )
    assert note.status_code == 200
    assert "We are on it &lt;b&gt;now&lt;/b&gt;" in note.text
    thread = messages.list_messages(db, world.agent_a.principal, case.id)
    assert [(m.visibility, m.body_text) for m in thread] == [
        ("external", "We are on it <b>now</b>"),
        ("internal", "Customer is VIP"),
    ]
    empty = alice.post(
        f"/console/cases/{case.id}/messages",
        data={"csrf_token": token, "visibility": "external", "body": "   "},
    )
    assert empty.status_code == 422
    assert "write a message" in empty.text


def test_merge_and_link_by_number(settings: Settings, db: Database, world: World) -> None:
    source = make_case(db, world.agent_a, title="Duplicate")
    target = make_case(db, world.agent_a, title="Original")
    related = make_case(db, world.agent_a, title="Related one")
    hidden = make_case(db, world.agent_b, title="Group B")
    alice = agent_client(settings, db, world.agent_a.email)
    token = csrf(alice)

    linked = alice.post(
        f"/console/cases/{target.id}/links",
        data={"csrf_token": token, "kind": "related", "other": related.reference},
    )
    assert linked.status_code == 200
    links_panel = linked.text.split('id="links-heading"', 1)[1]
    assert (
        f'<a href="/console/cases/{related.id}">{related.reference}</a> Related one' in links_panel
    )

    unlinked = alice.post(
        f"/console/cases/{target.id}/links/remove",
        data={"csrf_token": token, "kind": "related", "other_id": str(related.id)},
    )
    assert unlinked.status_code == 200
    assert "No linked cases." in unlinked.text

    refused = alice.post(
        f"/console/cases/{target.id}/links",
        data={"csrf_token": token, "kind": "related", "other": hidden.reference},
    )
    assert refused.status_code == 422
    assert "Group B" not in refused.text

    unconfirmed = alice.post(
        f"/console/cases/{source.id}/merge", data={"csrf_token": token, "into": target.reference}
    )
    assert unconfirmed.status_code == 422
    assert "confirm" in unconfirmed.text
    assert get_case(db, world.agent_a.principal, source.id).merged_into_id is None

    merged = alice.post(
        f"/console/cases/{source.id}/merge",
        data={"csrf_token": token, "into": f"id:{target.id}", "confirm": "yes"},
        follow_redirects=False,
    )
    assert merged.status_code == 303
    assert merged.headers["location"] == f"/console/cases/{target.id}"
    assert get_case(db, world.agent_a.principal, source.id).merged_into_id == target.id


def test_the_case_page_shows_sla_timers_and_the_list_its_due_date(
    settings: Settings, db: Database, world: World
) -> None:
    sla_policies.create_policy(
        db,
        world.admin.principal,
        SlaPolicyCreate(name="Standard", first_response_minutes=60, resolution_minutes=480),
    )
    case = make_case(db, world.agent_a, title="Timed")
    alice = agent_client(settings, db, world.agent_a.email)
    page = alice.get(f"/console/cases/{case.id}").text
    sla = page.split('id="sla-heading"', 1)[1].split("</section>", 1)[0]
    assert "First response" in sla and "Resolution" in sla
    assert re.search(r"\((59m|1h 0m) left\)", sla)
    listed = alice.get("/console/cases").text
    assert "On time" in listed and "due <time" in listed


def test_saving_an_unchanged_form_changes_nothing(
    settings: Settings, db: Database, world: World
) -> None:
    case = make_case(db, world.agent_a, title="Stable", tags=["keep"])
    alice = agent_client(settings, db, world.agent_a.email)
    answer = alice.post(
        f"/console/cases/{case.id}/fields",
        headers=HX | {"X-CSRF-Token": csrf(alice)},
        data={
            "version": str(case.version),
            "title": "Stable",
            "status_id": str(case.status_id),
            "priority_id": str(case.priority_id),
            "assignee_id": "",
            "followers_shown": "1",
            "tags": "keep",
        },
    )
    assert answer.status_code == 200
    assert "Nothing to save" in answer.text
    after = get_case(db, world.agent_a.principal, case.id)
    assert after.version == case.version and after.updated_at == case.updated_at


def test_custom_fields_are_edited_by_type(settings: Settings, db: Database, world: World) -> None:
    for key, ftype, options in (
        ("region", "select", ["North", "South"]),
        ("seats", "number", None),
        ("onsite", "bool", None),
        ("renewal", "date", None),
    ):
        field_definitions.create_field(
            db,
            world.admin.principal,
            FieldDefinitionCreate(key=key, label=key.title(), type=ftype, options=options),
        )
    case = make_case(db, world.agent_a, custom_fields={"seats": 3})
    alice = agent_client(settings, db, world.agent_a.email)
    page = alice.get(f"/console/cases/{case.id}").text
    assert 'name="custom.seats" type="number" step="any" value="3"' in page

    def post(**values: str) -> int:
        current = get_case(db, world.agent_a.principal, case.id)
        data = {"version": str(current.version)} | {f"custom.{k}": v for k, v in values.items()}
        answer = alice.post(
            f"/console/cases/{case.id}/fields",
            headers=HX | {"X-CSRF-Token": csrf(alice)},
            data=data,
        )
        return answer.status_code

    assert post(region="South", seats="3", onsite="true", renewal="2027-01-31") == 200
    after = get_case(db, world.agent_a.principal, case.id)
    assert after.custom_fields["region"] == "South"
    assert after.custom_fields["onsite"] is True
    assert str(after.custom_fields["renewal"]) == "2027-01-31"
    assert float(after.custom_fields["seats"]) == 3  # type: ignore[arg-type]

    assert post(region="West") == 422
    assert post(seats="many") == 422
    assert post(onsite="maybe") == 422
    assert post(seats="") == 200
    assert get_case(db, world.agent_a.principal, case.id).custom_fields.get("seats") is None
