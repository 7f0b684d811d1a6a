"""Similar cases of the caller's groups only, and the warning for a new case that reads
like one the same contact opened in the last seven days."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from tests.channels.email.world import make_mail_world
from tests.factories import make_case, make_world
from tests.services.assist.conftest import mail, run_job, take_mail

JAM = "NovaPrint X2 paper jam error E731 on tray 2 after the firmware update"


def test_similar_cases_come_only_from_the_callers_groups(db: Database, client: TestClient) -> None:
    world = make_world(db)
    admin = world.admin
    query = make_case(db, admin, title=JAM, group_id=world.group_a)
    same_group = make_case(db, admin, title=f"Again: {JAM}", group_id=world.group_a)
    other_group = make_case(db, admin, title=f"Also: {JAM}", group_id=world.group_b)
    unrelated = make_case(db, admin, title="Invoice charged twice", group_id=world.group_a)
    run_job(db)

    def similar(actor_headers: dict[str, str]) -> list[int]:
        r = client.get(f"/api/v1/cases/{query.id}/similar", headers=actor_headers)
        assert r.status_code == 200, r.text
        return [row["case_id"] for row in r.json()]

    assert similar(world.agent_a.headers) == [same_group.id]
    assert set(similar(admin.headers)) == {same_group.id, other_group.id}
    assert unrelated.id not in similar(admin.headers)
    assert (
        client.get(
            f"/api/v1/cases/{other_group.id}/similar", headers=world.agent_a.headers
        ).status_code
        == 404
    )


def test_a_new_case_like_one_of_the_same_contact_this_week_is_flagged(
    db: Database, client: TestClient, tmp_path: Path
) -> None:
    mw = make_mail_world(db)
    admin = mw.base.admin
    first = take_mail(db, mw.corporation_id, mail("carol@customer.example", "Jam", JAM), tmp_path)
    run_job(db)
    again = take_mail(
        db, mw.corporation_id, mail("carol@customer.example", "Still jammed", JAM), tmp_path
    )
    someone_else = take_mail(
        db, mw.corporation_id, mail("oscar@other.example", "Jam too", JAM), tmp_path
    )
    different = take_mail(
        db,
        mw.corporation_id,
        mail("carol@customer.example", "Invoice", "Invoice 4711 was charged twice"),
        tmp_path,
    )
    run_job(db)

    def duplicate_of(case_id: int) -> object:
        r = client.get(f"/api/v1/cases/{case_id}/assist", headers=admin.headers)
        return r.json()["duplicate_of_id"]

    assert duplicate_of(again) == first
    assert duplicate_of(someone_else) is None
    assert duplicate_of(different) is None
    assert duplicate_of(first) is None


def test_no_duplicate_warning_past_seven_days(
    db: Database, client: TestClient, tmp_path: Path
) -> None:
    mw = make_mail_world(db)
    first = take_mail(db, mw.corporation_id, mail("carol@customer.example", "Jam", JAM), tmp_path)
    again = take_mail(db, mw.corporation_id, mail("carol@customer.example", "Jam", JAM), tmp_path)
    run_job(db, utcnow() + timedelta(days=8))
    body = client.get(f"/api/v1/cases/{again}/assist", headers=mw.base.admin.headers).json()
    assert body["duplicate_of_id"] is None and first != again
