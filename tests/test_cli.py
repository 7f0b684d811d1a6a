"""The ``casedesk`` command line against the test database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from casedesk.cli import app
from casedesk.services.demo import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    CORPORATION,
    PORTAL_EMAIL,
    PORTAL_PASSWORD,
)
from casedesk.services.identity import web_sessions
from casedesk.services.identity.auth import authenticate_password, authenticate_token
from casedesk.store.db import Database
from casedesk.store.models import ApiToken, Case, Corporation, Group, GroupMembership

runner = CliRunner()


def env_for(url: str, data_dir: Path) -> dict[str, str]:
    return {"CASEDESK_DATABASE_URL": url, "CASEDESK_DATA_DIR": str(data_dir)}


@pytest.fixture
def env(db: Database, tmp_path: Path) -> dict[str, str]:
    return env_for(db.url, tmp_path)


def run(env: dict[str, str], *args: str) -> Result:
    return runner.invoke(app, list(args), env=env)


def assert_clean_failure(result: Result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # not a crash
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert message in result.stderr


def test_migrate_creates_the_schema(fresh_database_url: str, tmp_path: Path) -> None:
    result = run(env_for(fresh_database_url, tmp_path), "migrate")
    assert result.exit_code == 0, result.output
    assert ": created (schema " in result.stdout
    db = Database(fresh_database_url)
    try:
        with db.read() as s:
            assert s.scalar(select(func.count()).select_from(Corporation)) == 0
    finally:
        db.dispose()
    again = run(env_for(fresh_database_url, tmp_path), "migrate")
    assert again.exit_code == 0, again.output
    assert again.stdout.rstrip().endswith(": up to date")


def test_users_add(env: dict[str, str], db: Database) -> None:
    result = run(
        env,
        "users",
        "add",
        "Ops@Example.test",
        "--role",
        "admin",
        "--password",
        "s3cret-enough",
        "--group",
        "Ops",
        "--group",
        "Night shift",
        "--name",
        "Olga Ops",
    )
    assert result.exit_code == 0, result.output
    assert "ops@example.test" in result.stdout
    principal = authenticate_password(db, "ops@example.test", "s3cret-enough")
    assert principal.is_admin
    with db.read() as s:
        joined = s.scalars(
            select(Group.name)
            .join(GroupMembership, GroupMembership.group_id == Group.id)
            .where(GroupMembership.user_id == principal.user_id)
            .order_by(Group.name)
        ).all()
    assert joined == ["Night shift", "Ops"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "boss", "--password", "long enough"], "role is admin or agent"),
        (["--role", "agent", "--password", "short"], "at least 8 characters"),
        (["--role", "agent", "--password", "long enough", "--name", "x" * 201], "200"),
    ],
)
def test_users_add_refuses_bad_input(env: dict[str, str], args: list[str], message: str) -> None:
    assert_clean_failure(run(env, "users", "add", "x@example.test", *args), message)


def test_users_add_twice(env: dict[str, str]) -> None:
    args = ("users", "add", "x@example.test", "--role", "agent", "--password", "long enough")
    assert run(env, *args).exit_code == 0
    assert_clean_failure(run(env, *args), "exists already")


def test_tokens_create_prints_only_the_token(env: dict[str, str], db: Database) -> None:
    run(env, "users", "add", "bot@example.test", "--role", "agent", "--password", "long enough")
    result = run(env, "tokens", "create", "bot@example.test", "--name", "ci")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert result.stdout == lines[0] + "\n"
    principal = authenticate_token(db, lines[0])
    assert not principal.is_admin


def test_tokens_create_with_a_rate_limit_of_its_own(env: dict[str, str], db: Database) -> None:
    run(env, "users", "add", "bot@example.test", "--role", "agent", "--password", "long enough")
    result = run(env, "tokens", "create", "bot@example.test", "--rate-limit", "42")
    assert result.exit_code == 0, result.output
    with db.read() as s:
        assert s.scalar(select(ApiToken.rate_limit_per_minute)) == 42
    refused = run(env, "tokens", "create", "bot@example.test", "--rate-limit", "0")
    assert refused.exit_code == 2 and refused.stdout == ""  # a usage error, no token


def test_tokens_create_with_scopes_and_an_expiry(env: dict[str, str], db: Database) -> None:
    run(env, "users", "add", "bot@example.test", "--role", "agent", "--password", "long enough")
    args = ["--scope", "cases:read", "--scope", "itx", "--expires", "2099-01-02T03:04:05"]
    result = run(env, "tokens", "create", "bot@example.test", *args)
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    principal = authenticate_token(db, line)
    assert principal.scopes == {"cases:read", "itx"}
    with db.read() as s:
        expires = s.scalar(select(ApiToken.expires_at))
    assert expires is not None and expires.isoformat() == "2099-01-02T03:04:05+00:00"
    refused = run(env, "tokens", "create", "bot@example.test", "--scope", "cases:delete")
    assert refused.exit_code != 0 and refused.stdout == ""
    assert "cases:delete" in refused.output


def test_tokens_create_for_an_unknown_user(env: dict[str, str]) -> None:
    assert_clean_failure(run(env, "tokens", "create", "ghost@example.test"), "no user")


def test_an_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    url = f"sqlite:///{blocker / 'sub' / 'casedesk.db'}"
    assert_clean_failure(run(env_for(url, tmp_path), "migrate"), "file")


def test_demo_loads_once(env: dict[str, str], db: Database) -> None:
    first = run(env, "demo")
    assert first.exit_code == 0, first.output
    with db.read() as s:
        (corp_id,) = s.scalars(select(Corporation.id).where(Corporation.name == CORPORATION))
        cases = s.scalar(
            select(func.count()).select_from(Case).where(Case.corporation_id == corp_id)
        )
    assert cases is not None and cases >= 30
    assert ADMIN_EMAIL in first.stdout and ADMIN_PASSWORD in first.stdout
    assert f"as {PORTAL_EMAIL} with password {PORTAL_PASSWORD}" in first.stdout
    assert web_sessions.sign_in_contact(db, PORTAL_EMAIL, PORTAL_PASSWORD, "cli-test").token
    assert "http://127.0.0.1:8000/docs" in first.stdout
    assert "casedesk serve --port 8000" in first.stdout
    token = next(w for w in first.stdout.split() if w.startswith("cd_")).strip("'.")
    assert authenticate_token(db, token).corporation_id == corp_id
    assert authenticate_password(db, ADMIN_EMAIL, ADMIN_PASSWORD).is_admin

    second = run(env, "demo")
    assert second.exit_code == 0, second.output
    with db.read() as s:
        again = s.scalar(
            select(func.count()).select_from(Case).where(Case.corporation_id == corp_id)
        )
        corporations = s.scalar(select(func.count()).select_from(Corporation))
    assert again == cases
    assert corporations == 1
    assert "already loaded" in second.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_serve_runs_the_api(env: dict[str, str], tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from casedesk.cli import app; app()", "serve", "--port", str(port)],
        env=os.environ | env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert r.json() == {"status": "ok"}
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/groups").status_code == 401
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/docs" in out


def test_serve_with_the_demo_names_the_port_it_really_uses(
    env: dict[str, str], tmp_path: Path
) -> None:
    """``--port 0`` takes any free port: the sign-in lines and the banner name the one
    the server listens on, and nothing tells the user to start what is starting."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "casedesk.cli", "serve", "--port", "0", "--demo", "--no-jobs"],
        env=os.environ | env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    try:
        for line in proc.stdout:  # ends at EOF if the server dies
            lines.append(line)
            if line.startswith("Stop it with"):
                break
        banner = "".join(lines)
        serving = next(x for x in lines if x.startswith("casedesk is serving on "))
        base = serving.split()[-1]
        port = int(base.rsplit(":", 1)[1])
        assert port != 0
        assert f"Customer portal: {base}/portal" in banner
        assert f"agent console:   {base}/console" in banner
        assert f"(docs: {base}/docs)" in banner
        assert "start the server" not in banner.lower()
        assert httpx.get(f"{base}/healthz", timeout=30).json() == {"status": "ok"}
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_serve_on_a_taken_port_is_a_clear_error(env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(env, "serve", "--port", str(port), "--no-jobs")
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # not a crash
    assert result.stderr.startswith(f"error: cannot listen on 127.0.0.1 port {port}: ")


def test_help_does_not_load_the_application(tmp_path: Path) -> None:
    """``casedesk --help`` must answer at once: it imports neither the web framework nor
    the database toolkit (the commands import what they use)."""
    probe = (
        "import sys\n"
        "from casedesk.cli import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'fastapi', 'starlette', 'sqlalchemy', 'uvicorn', 'alembic'})\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Commands" in result.stdout and "serve" in result.stdout
    assert result.stdout.rstrip().endswith("HEAVY []"), result.stdout
