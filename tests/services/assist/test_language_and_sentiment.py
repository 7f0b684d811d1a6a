"""Language and sentiment worked out by the job after a case comes in by mail, shown
through the native API and the SuperOffice face; each part can be turned off."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from casedesk.services.assist import settings as assist_settings
from casedesk.services.assist.settings import AssistSettingsIn
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import MessageCreate
from casedesk.store.db import Database
from tests.channels.email.world import make_mail_world
from tests.services.assist.conftest import mail, run_job, take_mail

SO_TICKET = "/superoffice/api/v1/Ticket"
ANGRY_DE = (
    "Ich bin sehr enttäuscht. Der Drucker funktioniert seit dem Update nicht mehr und "
    "zeigt immer wieder einen Fehler an."
)


def test_a_case_by_mail_gets_its_language_and_sentiment_from_the_job(
    db: Database, client: TestClient, tmp_path: Path
) -> None:
    mw = make_mail_world(db)
    admin = mw.base.admin
    case_id = take_mail(
        db, mw.corporation_id, mail("carol@customer.example", "Drucker", ANGRY_DE), tmp_path
    )
    before = client.get(f"/api/v1/cases/{case_id}/assist", headers=admin.headers).json()
    assert before["language"] is None and before["sentiment"] is None  # not on the write path

    assert run_job(db) >= 1
    got = client.get(f"/api/v1/cases/{case_id}/assist", headers=admin.headers)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["language"] == "de"
    assert body["sentiment"] == "negative"
    assert 0 <= body["sentiment_index"] < 500
    assert 0 < body["sentiment_confidence"] <= 1000
    assert set(body["message_languages"].values()) == {"de"}

    ticket = client.get(f"{SO_TICKET}/{case_id}", headers=admin.headers).json()
    assert ticket["Language"] == "de"
    assert ticket["Sentiment"] == body["sentiment_index"]
    assert ticket["SentimentConfidence"] == body["sentiment_confidence"]
    assert [m["Language"] for m in ticket["Messages"]] == ["de"]

    # Carol had no language: she now gets German mail and portal pages.
    contacts = client.get(
        "/api/v1/contacts", params={"q": "carol@customer.example"}, headers=admin.headers
    ).json()
    assert [c["language"] for c in contacts] == ["de"]


def test_the_last_external_message_gives_the_sentiment_and_the_first_the_language(
    db: Database, client: TestClient, tmp_path: Path
) -> None:
    mw = make_mail_world(db)
    admin = mw.base.admin
    case_id = take_mail(
        db, mw.corporation_id, mail("carol@customer.example", "Drucker", ANGRY_DE), tmp_path
    )
    run_job(db)
    messages.add_message(
        db,
        admin.principal,
        case_id,
        MessageCreate(
            visibility="external",
            direction="inbound",
            body_text="Thanks a lot, it works great now, wonderful help!",
        ),
    )
    run_job(db)
    body = client.get(f"/api/v1/cases/{case_id}/assist", headers=admin.headers).json()
    assert body["language"] == "de"
    assert body["sentiment"] == "positive" and body["sentiment_index"] > 500
    assert sorted(body["message_languages"].values()) == ["de", "en"]


def test_a_language_without_a_lexicon_is_unknown_not_guessed(
    db: Database, client: TestClient, tmp_path: Path
) -> None:
    mw = make_mail_world(db)
    text = "Je suis très déçu, l'imprimante ne fonctionne plus depuis la mise à jour."
    case_id = take_mail(
        db, mw.corporation_id, mail("carol@customer.example", "Imprimante", text), tmp_path
    )
    run_job(db)
    body = client.get(f"/api/v1/cases/{case_id}/assist", headers=mw.base.admin.headers).json()
    assert body["language"] == "fr"
    assert body["sentiment"] == "unknown"
    assert body["sentiment_index"] is None
    ticket = client.get(f"{SO_TICKET}/{case_id}", headers=mw.base.admin.headers).json()
    assert (ticket["Sentiment"], ticket["SentimentConfidence"]) == (0, 0)


def test_each_part_turned_off_is_neither_computed_nor_shown(
    db: Database, client: TestClient, tmp_path: Path
) -> None:
    mw = make_mail_world(db)
    admin = mw.base.admin
    off = {"language": False, "sentiment": False, "category": False, "similar": False}
    put = client.put("/api/v1/assist-settings", json=off, headers=admin.headers)
    assert put.status_code == 200, put.text
    case_id = take_mail(
        db, mw.corporation_id, mail("carol@customer.example", "Drucker", ANGRY_DE), tmp_path
    )
    run_job(db)
    body = client.get(f"/api/v1/cases/{case_id}/assist", headers=admin.headers).json()
    assert body["language"] is None and body["sentiment"] is None
    assert body["message_languages"] == {}
    ticket = client.get(f"{SO_TICKET}/{case_id}", headers=admin.headers).json()
    assert (ticket["Language"], ticket["Sentiment"]) == ("", 0)
    sim = client.get(f"/api/v1/cases/{case_id}/similar", headers=admin.headers)
    assert sim.json() == []
    refused = client.get("/api/v1/assist/cases", params={"language": "de"}, headers=admin.headers)
    assert refused.status_code == 422

    # Turned on again, only the language: the next message is looked at for it alone.
    assist_settings.set_settings(db, admin.principal, AssistSettingsIn(sentiment=False))
    messages.add_message(
        db,
        admin.principal,
        case_id,
        MessageCreate(visibility="external", direction="inbound", body_text=ANGRY_DE),
    )
    run_job(db)
    body = client.get(f"/api/v1/cases/{case_id}/assist", headers=admin.headers).json()
    assert body["sentiment"] is None
    assert list(body["message_languages"].values())[-1] == "de"


def test_filters_by_language_and_sentiment_range_and_only_admins_change_settings(
    db: Database, client: TestClient, tmp_path: Path
) -> None:
    mw = make_mail_world(db)
    admin = mw.base.admin
    german = take_mail(
        db, mw.corporation_id, mail("carol@customer.example", "Drucker", ANGRY_DE), tmp_path
    )
    english = take_mail(
        db,
        mw.corporation_id,
        mail("carol@customer.example", "Thanks", "Thank you so much, great and friendly help!"),
        tmp_path,
    )
    run_job(db)

    def ids(**params: object) -> list[int]:
        r = client.get("/api/v1/assist/cases", params=params, headers=admin.headers)
        assert r.status_code == 200, r.text
        return [row["case_id"] for row in r.json()]

    assert german in ids(language="de") and english not in ids(language="de")
    assert ids(sentiment_min=600) == [english]
    assert german in ids(sentiment_max=499) and english not in ids(sentiment_max=499)
    assert ids(sentiment="negative") == [german]
    bad = client.get(
        "/api/v1/assist/cases",
        params={"sentiment_min": 700, "sentiment_max": 100},
        headers=admin.headers,
    )
    assert bad.status_code == 422
    denied = client.put(
        "/api/v1/assist-settings", json={"language": False}, headers=mw.base.agent_a.headers
    )
    assert denied.status_code == 403
