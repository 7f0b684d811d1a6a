"""``casedesk privacy export|anonymise|erase CONTACT_ID``."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from sqlalchemy import select

from casedesk.store.db import Database
from casedesk.store.models import AuditEntry, Contact
from tests.services.portal.world import make_portal_world
from tests.test_cli import assert_clean_failure, env_for, run


def test_the_operator_exports_anonymises_and_erases(db: Database, tmp_path: Path) -> None:
    pw = make_portal_world(db)
    case = pw.case_for(pw.carol)
    env = env_for(db.url, tmp_path)
    carol = str(pw.carol.contact_id)

    archive = tmp_path / "carol.zip"
    exported = run(env, "privacy", "export", carol, "--output", str(archive))
    assert exported.exit_code == 0, exported.output
    with zipfile.ZipFile(io.BytesIO(archive.read_bytes())) as z:
        assert json.loads(z.read("contact.json"))["emails"] == ["carol@customer.example"]
        assert f"cases/{case.number}.json" in z.namelist()

    anonymised = run(env, "privacy", "anonymise", carol)
    assert anonymised.exit_code == 0, anonymised.output
    assert json.loads(anonymised.stdout)["cases"] == 1
    with db.read() as s:
        assert s.get_one(Contact, pw.carol.contact_id).first_name == "anonymised"

    erased = run(env, "privacy", "erase", carol)
    assert erased.exit_code == 0, erased.output
    assert json.loads(erased.stdout)["cases_deleted"] == 1
    with db.read() as s:
        assert s.get(Contact, pw.carol.contact_id) is None
        actions = s.scalars(
            select(AuditEntry.action).where(AuditEntry.action.like("contact.%"))
        ).all()
    assert sorted(actions) == ["contact.anonymise", "contact.erase", "contact.export"]

    assert_clean_failure(run(env, "privacy", "erase", carol), f"contact {carol} not found")
