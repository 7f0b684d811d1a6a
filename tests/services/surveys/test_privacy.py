"""A contact's survey answers in their data-subject requests: exported with their data,
and their comment gone, copies included, when they are anonymised or their old case is."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from casedesk.services.privacy import requests
from casedesk.services.privacy.exporting import export_contact
from casedesk.services.privacy.retention import anonymise_case
from casedesk.services.surveys import answering
from casedesk.store.blobs import LocalBlobStore
from casedesk.store.db import Database
from tests.api.test_privacy_api import traces
from tests.services.portal.world import PortalWorld
from tests.services.surveys.conftest import closed_case_for, requested, survey_of, token_of

COMMENT = "The technician was rude to me"


def _answered(db: Database, pw: PortalWorld) -> int:
    case_id = closed_case_for(db, pw, pw.carol)
    answering.answer_by_link(db, token_of(requested(db)[-1]), "bad", COMMENT)
    return case_id


def test_the_export_holds_the_contacts_answers(
    db: Database, pw: PortalWorld, tmp_path: Path
) -> None:
    case_id = _answered(db, pw)
    blobs = LocalBlobStore(tmp_path)
    data = b"".join(export_contact(db, pw.base.admin.principal, pw.carol.contact_id, blobs))
    (survey,) = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("surveys.json"))
    assert (survey["case_id"], survey["rating"], survey["comment"]) == (case_id, "bad", COMMENT)


def test_anonymising_the_contact_leaves_no_trace_of_the_comment(
    db: Database, pw: PortalWorld, tmp_path: Path
) -> None:
    case_id = _answered(db, pw)
    assert len(traces(db, [COMMENT])) == 2  # the survey and its audit entry
    requests.anonymise_contact(
        db, pw.base.admin.principal, pw.carol.contact_id, LocalBlobStore(tmp_path)
    )
    assert traces(db, [COMMENT]) == []
    survey = survey_of(db, case_id)
    assert survey is not None and survey.rating == "bad"  # the figure stays


def test_anonymising_an_old_case_blanks_the_comment(db: Database, pw: PortalWorld) -> None:
    case_id = _answered(db, pw)
    with db.write() as s:
        anonymise_case(s, pw.base.corporation_id, case_id)
    survey = survey_of(db, case_id)
    assert survey is not None and COMMENT not in survey.comment and survey.rating == "bad"
    assert traces(db, [COMMENT]) == []
