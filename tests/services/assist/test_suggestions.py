"""A category suggested from a corporation's own categorised cases: none before a
category has enough examples, then taken, refused or overridden, as the native API and
the SuperOffice face show; and applied by the rule action above the admin's confidence."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from casedesk.services.assist import insights, models
from casedesk.services.assist import settings as assist_settings
from casedesk.services.assist.settings import AssistSettingsIn
from casedesk.services.cases import core as cases
from casedesk.services.cases.schemas import CasePatch
from casedesk.services.kernel.clock import utcnow
from casedesk.services.reference.categories import CategoryCreate, create_category
from casedesk.services.rules import actions
from casedesk.store.db import Database
from casedesk.store.models import CaseInsight
from tests.factories import World, make_case, make_world
from tests.services.assist.conftest import run_job

BILLING = [
    "Invoice charged twice this month",
    "Wrong amount on my invoice, refund please",
    "The invoice VAT is wrong",
    "Card billed twice for the invoice",
]
ACCESS = [
    "Cannot log in, password reset mail never arrives",
    "Locked out of my account after the password change",
    "Sign-in page rejects my password",
    "Two-factor code rejected at log in",
]


def _world_with_examples(db: Database, n: int) -> tuple[World, int, int]:
    world = make_world(db)
    admin = world.admin
    billing = create_category(db, admin.principal, CategoryCreate(name="Billing")).id
    access = create_category(db, admin.principal, CategoryCreate(name="Access")).id
    assist_settings.set_settings(db, admin.principal, AssistSettingsIn(min_examples=3))
    for title in BILLING[:n]:
        make_case(db, admin, title=title, category_id=billing)
    for title in ACCESS[:n]:
        make_case(db, admin, title=title, category_id=access)
    return world, billing, access


def _insight(client: TestClient, world: World, case_id: int) -> dict[str, object]:
    r = client.get(f"/api/v1/cases/{case_id}/assist", headers=world.admin.headers)
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def test_no_suggestion_until_a_category_has_enough_examples(
    db: Database, client: TestClient
) -> None:
    world, _billing, _access = _world_with_examples(db, 2)
    models.train_corporation(db, world.corporation_id, utcnow())
    case = make_case(db, world.admin, title="My invoice is charged twice")
    run_job(db)
    assert _insight(client, world, case.id)["suggested_category_id"] is None


def test_a_suggestion_taken_with_the_button_and_one_overridden(
    db: Database, client: TestClient
) -> None:
    world, billing, access = _world_with_examples(db, 4)
    assert models.train_corporation(db, world.corporation_id, utcnow())
    taken = make_case(db, world.agent_a, title="Invoice charged twice, refund please")
    other = make_case(db, world.agent_a, title="The invoice amount is wrong")
    run_job(db)
    body = _insight(client, world, taken.id)
    assert body["suggested_category_id"] == billing
    assert body["suggested_category_name"] == "Billing"
    assert 0 < int(str(body["suggestion_confidence"])) <= 100
    assert body["suggestion_taken"] is None

    r = client.post(f"/api/v1/cases/{taken.id}/suggestion/accept", headers=world.agent_a.headers)
    assert r.status_code == 200, r.text
    assert r.json()["category_id"] == billing
    body = _insight(client, world, taken.id)
    assert body["suggestion_taken"] is True and body["orig_human_category_id"] is None

    # The agent picks another category on the case form: the suggestion was not taken.
    cases.update_case(db, world.agent_a.principal, other.id, CasePatch(category_id=access))
    body = _insight(client, world, other.id)
    assert body["suggestion_taken"] is False
    assert body["orig_human_category_id"] == access
    ticket = client.get(
        f"/superoffice/api/v1/Ticket/{other.id}", headers=world.admin.headers
    ).json()
    assert ticket["SuggestedCategoryId"] == billing
    assert ticket["SuggestedCategoryName"] == "Billing"
    assert ticket["OrigHumanCategoryId"] == access


def test_a_suggestion_refused_stays_refused_and_another_group_cannot_touch_it(
    db: Database, client: TestClient
) -> None:
    world, billing, _access = _world_with_examples(db, 4)
    models.train_corporation(db, world.corporation_id, utcnow())
    case = make_case(db, world.agent_a, title="Refund the invoice charged twice")
    run_job(db)
    hidden = client.post(
        f"/api/v1/cases/{case.id}/suggestion/refuse", headers=world.agent_b.headers
    )
    assert hidden.status_code == 404
    r = client.post(f"/api/v1/cases/{case.id}/suggestion/refuse", headers=world.agent_a.headers)
    assert r.status_code == 204, r.text
    body = _insight(client, world, case.id)
    assert body["suggestion_taken"] is False and body["suggested_category_id"] == billing
    bare = make_case(db, world.agent_a, title="Hello")
    nothing = client.post(
        f"/api/v1/cases/{bare.id}/suggestion/accept", headers=world.agent_a.headers
    )
    assert nothing.status_code == 422


def test_the_rule_action_applies_a_suggestion_only_above_the_admins_confidence(
    db: Database, client: TestClient
) -> None:
    world, billing, _access = _world_with_examples(db, 4)
    models.train_corporation(db, world.corporation_id, utcnow())
    case = make_case(db, world.agent_a, title="Invoice charged twice, refund please")
    run_job(db)
    with db.write() as s:  # no threshold set: never applied
        assert actions.apply(s, case.id, 0, [{"type": "apply_suggestion"}], utcnow()) == [
            "no suggested category to apply"
        ]
    assist_settings.set_settings(
        db, world.admin.principal, AssistSettingsIn(min_examples=3, auto_apply_confidence=1)
    )
    with db.write() as s:
        done = actions.apply(s, case.id, 0, [{"type": "apply_suggestion"}], utcnow())
    assert done == [f"applied suggested category {billing}"]
    assert cases.get_case(db, world.admin.principal, case.id).category_id == billing


def test_the_model_is_trained_again_as_categorised_cases_grow(db: Database) -> None:
    world, billing, _access = _world_with_examples(db, 4)
    now = utcnow()
    assert models.train_corporation(db, world.corporation_id, now)
    assert not models.train_corporation(db, world.corporation_id, now + timedelta(minutes=10))
    for n in range(models.RETRAIN_MIN):
        make_case(db, world.admin, title=f"Invoice question {n}", category_id=billing)
    assert models.train_corporation(db, world.corporation_id, now + timedelta(minutes=20))


def test_a_training_gives_waiting_cases_their_suggestion(db: Database, client: TestClient) -> None:
    world, billing, _access = _world_with_examples(db, 4)
    waiting = make_case(db, world.agent_a, title="Invoice charged twice, refund please")
    run_job(db)
    assert _insight(client, world, waiting.id)["suggested_category_id"] is None
    assert insights.run_training(db, utcnow()) == 1
    assert _insight(client, world, waiting.id)["suggested_category_id"] == billing


def test_suggestions_turned_off_are_neither_trained_nor_shown(
    db: Database, client: TestClient
) -> None:
    world, billing, _access = _world_with_examples(db, 4)
    models.train_corporation(db, world.corporation_id, utcnow())
    case = make_case(db, world.agent_a, title="Invoice charged twice, refund please")
    run_job(db)
    assert _insight(client, world, case.id)["suggested_category_id"] == billing
    assist_settings.set_settings(
        db, world.admin.principal, AssistSettingsIn(min_examples=3, category=False)
    )
    assert _insight(client, world, case.id)["suggested_category_id"] is None
    ticket = client.get(f"/superoffice/api/v1/Ticket/{case.id}", headers=world.admin.headers)
    assert ticket.json()["SuggestedCategoryId"] == 0
    assert not models.train_corporation(db, world.corporation_id, utcnow(), force=True)
    later = make_case(db, world.agent_a, title="Invoice charged twice again")
    run_job(db)
    with db.read() as s:
        row = s.get(CaseInsight, later.id)
        assert row is not None and row.suggested_category_id is None
