"""``casedesk import`` on the command line: killed part-way and run again, every record
is in exactly once; refusals go to stderr with their line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from casedesk.cli import app
from casedesk.store.db import Database
from casedesk.store.models import Case, CaseMessage, ImportRecord
from tests.factories import make_world

runner = CliRunner()
RECORDS = 4000


def env_for(db: Database, data_dir: Path) -> dict[str, str]:
    return {"CASEDESK_DATABASE_URL": db.url, "CASEDESK_DATA_DIR": str(data_dir)}


def ledger_count(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(ImportRecord)) or 0


def test_an_import_killed_mid_way_resumes_without_duplicates(db: Database, tmp_path: Path) -> None:
    world = make_world(db)
    path = tmp_path / "big.jsonl"
    with path.open("w") as f:
        for i in range(RECORDS):
            record = {
                "external_id": f"x-{i}",
                "title": f"Case {i}",
                "messages": [
                    {"direction": "inbound", "body_text": f"first {i}"},
                    {"direction": "outbound", "body_text": f"reply {i}"},
                ],
            }
            f.write(json.dumps(record) + "\n")
    env = os.environ | env_for(db, tmp_path) | {"PYTHONPATH": str(Path.cwd())}
    corp = str(world.corporation_id)
    args = [sys.executable, "-m", "casedesk.cli", "import", str(path), "--batch", "50"]
    proc = subprocess.Popen(
        [*args, "--corporation", corp],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while ledger_count(db) == 0 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)  # waits for a condition: the first batch committed
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    part = ledger_count(db)
    assert 0 < part < RECORDS  # stopped part-way through

    result = runner.invoke(
        app, ["import", str(path), "--corporation", corp], env=env_for(db, tmp_path)
    )

    assert result.exit_code == 0, result.output
    assert f"imported {RECORDS - part} cases" in result.stdout
    assert f"{part} already imported" in result.stdout
    with db.read() as s:
        titles = s.scalars(select(Case.title).where(Case.origin == "import")).all()
        assert sorted(titles) == sorted(f"Case {i}" for i in range(RECORDS))
        messages = s.scalar(select(func.count()).select_from(CaseMessage))
        assert messages == 2 * RECORDS
        numbers = s.scalars(select(Case.number).where(Case.corporation_id == world.corporation_id))
        assert len(set(numbers)) == RECORDS


def test_refusals_are_listed_with_their_line_and_the_status_says_so(
    db: Database, tmp_path: Path
) -> None:
    world = make_world(db)
    path = tmp_path / "cases.jsonl"
    path.write_text(
        json.dumps({"title": "fine"}) + "\n" + json.dumps({"title": "x", "priority": "Zero"}) + "\n"
    )
    args = ["import", str(path), "--corporation", str(world.corporation_id)]

    dry = runner.invoke(app, [*args, "--dry-run"], env=env_for(db, tmp_path))
    assert dry.exit_code == 2
    assert "line 2: unknown priority 'Zero'" in dry.stderr
    assert "would import 1 cases" in dry.stdout
    assert ledger_count(db) == 0

    real = runner.invoke(app, args, env=env_for(db, tmp_path))
    assert real.exit_code == 2
    assert "line 2: unknown priority 'Zero'" in real.stderr
    assert ledger_count(db) == 1
