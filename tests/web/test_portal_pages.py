"""The portal's pages over HTTP: signing in, seeing only one's own cases, opening a
case, replying, downloading files, CSRF and escaping."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.services.attachments import attaching as attachments
from casedesk.services.attachments import files
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import MessageCreate
from casedesk.store.db import Database
from tests.services.portal.world import PortalWorld, make_portal_world
from tests.web.portal_client import form_token, session_token, sign_in

CAROL = "carol@customer.example"
DAVE = "dave@customer.example"


@pytest.fixture
def client(settings: Settings, db: Database) -> TestClient:
    return TestClient(create_app(settings, db), base_url="http://testserver")


@pytest.fixture
def pw(db: Database) -> PortalWorld:
    return make_portal_world(db)


def test_the_portal_sends_a_stranger_to_its_sign_in(client: TestClient) -> None:
    answer = client.get("/portal/cases/1", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/portal/sign-in?next=%2Fportal%2Fcases%2F1"


def test_a_contact_signs_in_sees_their_cases_and_signs_out(
    client: TestClient, pw: PortalWorld
) -> None:
    mine = pw.case_for(pw.carol, "Carol's printer")
    pw.case_for(pw.erin, "Erin's laptop")
    answer = sign_in(client, CAROL)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/portal"
    cookie = answer.headers["set-cookie"]
    assert "casedesk_portal=" in cookie and "Path=/portal" in cookie and "HttpOnly" in cookie

    home = client.get("/portal")
    assert home.status_code == 200
    assert "Carol&#39;s printer" in home.text and f"TCK-{mine.number}" in home.text
    assert "Erin&#39;s laptop" not in home.text
    # An agent's console stays closed to a contact's session.
    assert client.get("/console", follow_redirects=False).status_code == 303

    client.post("/portal/sign-out", data={"csrf_token": form_token(home.text)})
    assert client.get("/portal", follow_redirects=False).status_code == 303


def test_a_wrong_portal_password_is_refused(client: TestClient, pw: PortalWorld) -> None:
    answer = sign_in(client, CAROL, "wrong")
    assert answer.status_code == 401
    assert "wrong email or password" in answer.text
    # An agent's password does not open the portal either.
    assert sign_in(client, pw.base.agent_a.email, "correct horse battery").status_code == 401


def test_another_contacts_case_answers_404_everywhere(
    client: TestClient, pw: PortalWorld, db: Database
) -> None:
    erins = pw.case_for(pw.erin)
    message = messages.add_message(
        db, pw.base.agent_a.principal, erins.id, MessageCreate(body_text="for Erin")
    )
    blobs = client.app.state.blob_store  # type: ignore[attr-defined]
    (erins_file,) = attachments.add_attachments(
        db,
        blobs,
        pw.base.agent_a.principal,
        erins.id,
        [files.Upload("erin.txt", io.BytesIO(b"erin"), None)],
        1024,
        message.id,
    )
    sign_in(client, CAROL)
    token = session_token(client)
    missing = client.get("/portal/cases/999999")
    assert missing.status_code == 404
    page = client.get(f"/portal/cases/{erins.id}")
    assert page.status_code == 404
    assert f"case {erins.id} not found" in page.text
    assert page.text.replace(f"case {erins.id} ", "") == missing.text.replace("case 999999 ", "")
    assert "for Erin" not in page.text
    download = client.get(f"/portal/cases/{erins.id}/attachments/{erins_file.id}")
    assert download.status_code == 404
    assert b"erin" not in download.content.replace(b"Erin", b"")
    reply = client.post(
        f"/portal/cases/{erins.id}/replies", data={"csrf_token": token, "text": "let me in"}
    )
    assert reply.status_code == 404
    assert [m.body_text for m in messages.list_messages(db, pw.base.admin.principal, erins.id)] == [
        "for Erin"
    ]


def test_organization_sharing_shows_colleagues_cases(client: TestClient, pw: PortalWorld) -> None:
    carols = pw.case_for(pw.carol, "Carol's printer")
    sign_in(client, DAVE)
    assert client.get(f"/portal/cases/{carols.id}").status_code == 200
    other = TestClient(client.app)
    daves = pw.case_for(pw.dave, "Dave's phone")
    sign_in(other, CAROL)
    assert other.get(f"/portal/cases/{daves.id}").status_code == 404
    assert "Dave&#39;s phone" not in other.get("/portal").text


def test_opening_a_case_with_files_and_downloading_them(
    client: TestClient, pw: PortalWorld
) -> None:
    sign_in(client, CAROL)
    token = form_token(client.get("/portal/cases/new").text)
    answer = client.post(
        "/portal/cases/new",
        data={"csrf_token": token, "title": "VPN fails", "description": "Error 809"},
        files=[
            ("files", ("log.html", b"<script>alert(1)</script>", "text/html")),
            ("files", ("", b"", "application/octet-stream")),
        ],
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    case_page = client.get(answer.headers["location"])
    assert "VPN fails" in case_page.text and "Error 809" in case_page.text
    found = re.search(r'href="(/portal/cases/\d+/attachments/\d+)"', case_page.text)
    assert found, "the page links no attachment"
    download = client.get(found.group(1))
    assert download.status_code == 200
    assert download.content == b"<script>alert(1)</script>"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-type"].startswith("text/plain")


def test_bad_input_gets_a_clear_4xx_and_writes_nothing(client: TestClient, pw: PortalWorld) -> None:
    sign_in(client, CAROL)
    token = session_token(client)
    empty = client.post(
        "/portal/cases/new", data={"csrf_token": token, "title": " ", "description": "x"}
    )
    assert empty.status_code == 422
    assert "please give the case a title" in empty.text
    htmx = client.post(
        "/portal/cases/new",
        data={"csrf_token": token, "title": "T", "description": ""},
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 422
    assert htmx.headers["hx-retarget"] == "#notice"
    assert "please describe the problem" in htmx.text
    assert "TCK-" not in client.get("/portal").text


def test_posts_without_the_session_csrf_token_are_refused(
    client: TestClient, pw: PortalWorld
) -> None:
    case = pw.case_for(pw.carol)
    sign_in(client, CAROL)
    forged = client.post(
        "/portal/cases/new", data={"title": "forged", "description": "forged", "csrf_token": "x"}
    )
    assert forged.status_code == 403
    reply = client.post(f"/portal/cases/{case.id}/replies", data={"text": "forged"})
    assert reply.status_code == 403
    assert client.post("/portal/sign-out").status_code == 403
    assert "forged" not in client.get(f"/portal/cases/{case.id}").text


def test_sign_in_needs_the_form_token(client: TestClient, pw: PortalWorld) -> None:
    client.get("/portal/sign-in")
    answer = client.post(
        "/portal/sign-in",
        data={"email": CAROL, "password": "customer portal secret", "csrf_token": "forged"},
    )
    assert answer.status_code == 403
    assert client.cookies.get("casedesk_portal") is None


def test_titles_and_messages_are_escaped_and_html_is_sanitized(
    client: TestClient, pw: PortalWorld, db: Database
) -> None:
    case = pw.case_for(pw.carol, "<img src=x onerror=alert(1)>")
    messages.add_message(
        db,
        pw.base.agent_a.principal,
        case.id,
        MessageCreate(
            body_text="<b>text</b>",
            body_html='<p onclick="evil()">Hello <script>alert(2)</script><a href="javascript:x">'
            "link</a></p>",
        ),
    )
    sign_in(client, CAROL)
    listing = client.get("/portal").text
    assert "<img src=x" not in listing and "&lt;img src=x onerror=alert(1)&gt;" in listing
    page = client.get(f"/portal/cases/{case.id}").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<p>Hello" in page  # sanitized HTML is shown as HTML
    assert "onclick" not in page and "<script>alert(2)" not in page and "javascript:" not in page


def test_a_reply_is_added_as_the_customers_message(
    client: TestClient, pw: PortalWorld, db: Database
) -> None:
    case = pw.case_for(pw.carol)
    sign_in(client, CAROL)
    token = session_token(client)
    answer = client.post(
        f"/portal/cases/{case.id}/replies",
        data={"csrf_token": token, "text": "Here is the log"},
        files=[("files", ("log.txt", b"line 1", "text/plain"))],
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 204
    (message,) = messages.list_messages(db, pw.base.agent_a.principal, case.id)
    # A new address (not only a new anchor), so the browser loads the page anew.
    assert answer.headers["hx-redirect"] == (
        f"/portal/cases/{case.id}?sent={message.id}#message-{message.id}"
    )
    assert (message.direction, message.visibility) == ("inbound", "external")
    assert message.author_contact_id == pw.carol.contact_id
    page = client.get(answer.headers["hx-redirect"].split("#")[0]).text
    assert "Here is the log" in page and "log.txt" in page
    assert "Your reply was sent" in page


@pytest.fixture
def small_files_client(settings: Settings, db: Database) -> TestClient:
    small = settings.model_copy(update={"max_attachment_bytes": 1000})
    return TestClient(create_app(small, db), base_url="http://testserver")


def test_files_over_the_limits_are_refused_and_nothing_is_kept(
    small_files_client: TestClient, pw: PortalWorld, settings: Settings
) -> None:
    client = small_files_client
    sign_in(client, CAROL)
    token = session_token(client)
    fields = {"csrf_token": token, "title": "Big file", "description": "see file"}
    one_too_big = client.post(
        "/portal/cases/new", data=fields, files=[("files", ("big.bin", b"x" * 1001, None))]
    )
    assert one_too_big.status_code == 413
    assert "big.bin" in one_too_big.text
    whole_too_big = client.post(
        "/portal/cases/new",
        data=fields,
        files=[("files", ("huge.bin", b"x" * (2 * 1024 * 1024), None))],
    )
    assert whole_too_big.status_code == 413
    assert "Big file" not in client.get("/portal").text
    stored = settings.attachments_dir
    assert not stored.exists() or [p for p in stored.rglob("*") if p.is_file()] == []


def test_inline_images_of_mail_are_served_by_the_portal(
    client: TestClient, pw: PortalWorld, db: Database
) -> None:
    case = pw.case_for(pw.carol)
    html = (
        f'<p><img src="/api/v1/cases/{case.id}/attachments/7/content" alt="shot">'
        f'<img src="/api/v1/cases/{case.id + 1}/attachments/8/content" alt="other"></p>'
    )
    messages.add_message(
        db,
        pw.base.agent_a.principal,
        case.id,
        MessageCreate(body_text="see the picture", body_html=html),
    )
    sign_in(client, CAROL)
    page = client.get(f"/portal/cases/{case.id}").text
    assert f'src="/portal/cases/{case.id}/attachments/7"' in page
    assert "/api/v1/" not in page and "attachments/8" not in page
