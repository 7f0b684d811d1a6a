"""``casedesk reports rebuild``: the facts recomputed from the history, with progress."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, select
from typer.testing import CliRunner

from casedesk.cli import app
from casedesk.store.db import Database
from casedesk.store.models import CaseFact
from tests.services.reports.fixture import build


def test_rebuild_fills_the_facts_again(db: Database, tmp_path: Path) -> None:
    history = build(db)
    with db.write() as s:
        s.execute(delete(CaseFact))
    env = {"CASEDESK_DATABASE_URL": db.url, "CASEDESK_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(app, ["reports", "rebuild"], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout == "report facts rebuilt for 5 cases\n"
    assert result.stderr.splitlines()[-1] == "cases 6/6 (100%)"
    with db.read() as s:
        kept = set(s.scalars(select(CaseFact.case_id)))
    c1, c2, c3, c4, c5, _merged = history.case_ids
    assert kept == {c1, c2, c3, c4, c5}
