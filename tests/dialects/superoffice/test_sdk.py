"""A real SuperOffice client: the public ``superoffice-python-sdk`` (0.2.8), installed
from PyPI into a virtualenv of its own, creates, gets, updates, queries and deletes
tickets on a casedesk server listening on a loopback port.

The SDK is run by its own python (``sdk_driver.py``), with its login and its base URL
replaced and nothing else; the SDK calls ``POST/GET/PUT/DELETE /api/v1/Ticket/…`` and
the archive query ``GET /api/v1/Ticket?$select=&$filter=&$top=&$skip=&$format=json``
with ``Authorization: SOTicket <ticket>`` (seed 001: "Authorization | Supports 'Basic',
'SoTicket' and 'Bearer' schemes").
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.domain.statuses import InternalStatus
from casedesk.server import serving
from casedesk.services.cases import core as cases
from casedesk.store.db import Database
from tests.factories import World, make_case

ROOT = Path(__file__).resolve().parents[3]
DRIVER = Path(__file__).with_name("sdk_driver.py")
VENV = ROOT / ".venv-sdk"
#: The SDK's SOAP dependency (suds-jurko) no longer builds: the SDK goes in without its
#: dependencies, then what it imports, pinned.
SDK = ["superoffice-python-sdk==0.2.8"]
SDK_IMPORTS = ["requests==2.32.3", "suds==1.2.0", "pyOpenSSL==23.3.0"]


def _pip(python: Path, *args: str) -> None:
    cmd = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.fail(f"installing the SuperOffice SDK failed:\n{done.stdout}\n{done.stderr}")


@pytest.fixture(scope="session")
def sdk_python() -> Iterator[Path]:
    """The python of a virtualenv holding the SDK, made once and kept in .venv-sdk (the
    lock lets parallel runs share it)."""
    wanted = " ".join(SDK + SDK_IMPORTS)
    stamp = VENV / ".installed"
    python = VENV / "bin" / "python"
    with open(ROOT / ".venv-sdk.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (stamp.exists() and stamp.read_text() == wanted and python.exists()):
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
            _pip(python, "--no-deps", *SDK)
            _pip(python, *SDK_IMPORTS)
            stamp.write_text(wanted)
        fcntl.flock(lock, fcntl.LOCK_UN)
    yield python


def drive(python: Path, base_url: str, token: str, admin_token: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"  # the server is local
    done = subprocess.run(
        [str(python), str(DRIVER), base_url, token, admin_token],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    out: dict[str, Any] = json.loads(done.stdout)
    return out


def test_the_superoffice_sdk_creates_gets_updates_queries_and_deletes(
    sdk_python: Path, settings: Settings, db: Database, world: World
) -> None:
    make_case(db, world.agent_a, title="Already there")
    hidden = make_case(db, world.agent_b, title="Updated by another group")
    with serving(create_app(settings, db)) as url:
        out = drive(sdk_python, url, world.agent_a.token, world.admin.token)

    assert out["auth_type"] == "SOTicket"
    created = out["created"]
    ticket_id = created["TicketId"]
    assert ticket_id > 0 and created["Title"] == "Opened by the SDK"
    assert [t["Name"].lower() for t in created["Tags"]] == ["sdk"]
    got = out["got"]
    assert (got["TicketId"], got["Title"], got["CreatedAt"]) == (
        ticket_id,
        "Opened by the SDK",
        created["CreatedAt"],
    )

    assert out["update_status"] == 200
    assert out["got_after_update"]["Title"] == "Updated by the SDK"

    rows = out["query"]["value"]
    assert rows == [
        {
            "PrimaryKey": ticket_id,
            "EntityName": "ticket",
            "TicketId": ticket_id,
            "Title": "Updated by the SDK",
        }
    ]
    assert hidden.id not in [r["TicketId"] for r in rows]
    assert len(out["query_page"]["value"]) == 1
    assert out["query_page"]["odata.nextLink"] is None

    assert out["delete_status"] == 403  # an agent may not delete: the rights hold
    assert out["admin_delete_status"] == 204
    assert out["query_after_delete"]["value"] == []
    case = cases.get_case(db, world.admin.principal, ticket_id)
    assert case.title == "Updated by the SDK" and case.status == InternalStatus.DELETED
