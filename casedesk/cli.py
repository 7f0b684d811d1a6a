"""The ``casedesk`` command: run the server, migrate, add users and tokens, load demo data.

Configuration comes from the environment (``CASEDESK_*``) and ``casedesk.toml``, as for
the server. Commands that use the database bring it up to date first, so a fresh
install works from any command. Expected failures (a duplicate user, a bad role, an
unreachable database) end with a one-line message on stderr and exit status 1; only
output meant for scripts goes to stdout (``tokens create`` prints the token alone).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from casedesk.cli_privacy import privacy_app

if TYPE_CHECKING:
    from casedesk.config import Settings
    from casedesk.services.demo import DemoSummary
    from casedesk.store.db import Database

# The application (FastAPI, SQLAlchemy, the services) is imported inside the commands
# that use it, so `casedesk --help` and mistyped commands answer at once.

app = typer.Typer(
    help="casedesk: a case-management (helpdesk) server.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
users_app = typer.Typer(help="Manage users.", no_args_is_help=True)
tokens_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
mail_app = typer.Typer(help="The email channel.", no_args_is_help=True)
app.add_typer(mail_app, name="mail")
export_app = typer.Typer(help="Data for other systems.", no_args_is_help=True)
app.add_typer(export_app, name="export")
reports_app = typer.Typer(help="The reports' facts.", no_args_is_help=True)
app.add_typer(reports_app, name="reports")
app.add_typer(privacy_app, name="privacy")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


@contextmanager
def _expected_errors() -> Iterator[None]:
    """Turn the errors a user can cause or fix into a message and exit status 1."""
    from sqlalchemy.exc import OperationalError

    from casedesk.domain.errors import DomainError

    try:
        yield
    except DomainError as exc:
        raise _fail(exc.detail) from None
    except OperationalError as exc:
        raise _fail(f"the database cannot be used: {exc.orig or exc}") from None
    except OSError as exc:  # e.g. the data folder cannot be created
        raise _fail(str(exc)) from None


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _settings() -> Settings:
    from casedesk.config import Settings

    return Settings()


@contextmanager
def _database(settings: Settings, *, report: bool = False) -> Iterator[Database]:
    """The configured database, migrated to the current schema. ``report`` says on
    stdout whether it was created, brought up to date or already was."""
    from casedesk.services.rules import engine as rules_engine
    from casedesk.services.surveys import sending as survey_sending
    from casedesk.store.db import Database, SqliteLimits
    from casedesk.store.migrate import current_revision, upgrade

    rules_engine.install()  # every command's changes go through the triggers
    survey_sending.install(settings.link_base_url)
    url = settings.effective_database_url
    with _expected_errors():
        db = Database(  # makes the folder
            url,
            sqlite=SqliteLimits(**settings.sqlite_limits),
            replica_url=settings.database_replica_url,
        )
        try:
            before = current_revision(url) if report else None
            upgrade(url)
            if report:
                after = current_revision(url)
                if before is None:
                    state = f"created (schema {after})"
                elif before == after:
                    state = "up to date"
                else:
                    state = f"migrated from schema {before} to {after}"
                typer.echo(f"database {_safe_url(url)}: {state}")
            yield db
        finally:
            db.dispose()


def _base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):
        shown = "127.0.0.1"
    return f"http://{shown}:{port}"


def _sign_in_lines(summary: DemoSummary, token: str, base: str) -> None:
    from casedesk.services import demo

    added = f"{summary.cases_created} cases added" if summary.cases_created else "already loaded"
    typer.echo(f"Demo data: {demo.CORPORATION}, {summary.cases_total} cases ({added}).")
    typer.echo(f"Sign in as {summary.admin_email} with password {summary.admin_password}")
    typer.echo(f"or send 'Authorization: Bearer {token}'.")
    typer.echo(
        f"Customer portal: {base}/portal, as {summary.portal_email} "
        f"with password {summary.portal_password}."
    )


def _load_demo(db: Database) -> tuple[DemoSummary, str]:
    """Load the demo data set and make an API token for its admin."""
    from casedesk.services import demo
    from casedesk.services.identity import auth

    with _expected_errors():
        summary = demo.load_demo(db)
        _, token = auth.create_token(db, summary.admin_email, name="demo")
    return summary, token


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port to listen on (0: any free port).")
    ] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    load_demo: Annotated[
        bool, typer.Option("--demo/--no-demo", help="Load the demo data set first.")
    ] = False,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log every request.")
    ] = True,
    jobs: Annotated[
        bool,
        typer.Option(
            "--jobs/--no-jobs",
            help="Also run the background jobs in this process (as `casedesk worker` does).",
        ),
    ] = True,
) -> None:
    """Run the HTTP server (migrating the database first)."""
    from casedesk import server
    from casedesk.automation.runner import Scheduler

    settings = _settings()
    with _database(settings, report=True) as db:
        demo_login = _load_demo(db) if load_demo else None
        try:
            sock = server.bind(host, port)
        except OSError as exc:
            raise _fail(f"cannot listen on {host} port {port}: {exc.strerror or exc}") from None
        base = _base_url(host, sock.getsockname()[1])
        if settings.public_url is None:
            # Links in mail point at the address this server listens on; the app (built
            # anew in each worker process) reads it from the environment.
            os.environ["CASEDESK_PUBLIC_URL"] = base
        if demo_login is not None:
            _sign_in_lines(*demo_login, base)
        typer.echo(f"casedesk is serving on {base}")
        typer.echo(f"  agent console:   {base}/console  (admin pages: {base}/console/admin)")
        typer.echo(f"  customer portal: {base}/portal")
        typer.echo(f"  API:             {base}/api/v1  (docs: {base}/docs)")
        typer.echo("Stop it with Ctrl-C.")
        scheduler = Scheduler(db) if jobs else None
        if scheduler is not None:
            scheduler.start()
        try:
            server.run(sock, workers, access_log=access_log)
        finally:
            sock.close()
            if scheduler is not None:
                scheduler.stop()


@app.command()
def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Run the jobs that are due once, then exit.")
    ] = False,
    tick: Annotated[
        float, typer.Option(min=0.1, max=3600, help="Seconds between looks for due jobs.")
    ] = 5.0,
) -> None:
    """Run the background jobs: on-hold expiry, SLA sweep, auto-close, scheduled cases,
    mail polling and delivery.

    Any number of workers (and servers running jobs) may share one database; each job
    runs in one of them at a time.
    """
    from casedesk.automation.runner import Scheduler, holder_id, run_due

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with _database(_settings()) as db:
        if once:
            with _expected_errors():
                handled = run_due(db, holder_id())
            for name, count in sorted(handled.items()):
                typer.echo(f"{name}: {count}")
            return
        typer.echo("casedesk worker running; stop with Ctrl-C")
        with suppress(KeyboardInterrupt):
            Scheduler(db, tick=tick).run_forever()


@app.command()
def migrate() -> None:
    """Apply the database migrations (creating the database if it is new)."""
    with _database(_settings(), report=True):
        pass


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="The user's email address (their login).")],
    role: Annotated[str, typer.Option(help="admin or agent.")],
    password: Annotated[str, typer.Option(help="At least 8 characters.")],
    group: Annotated[
        list[str] | None,
        typer.Option("--group", help="A group to join (created if new); repeat for more."),
    ] = None,
    name: Annotated[str, typer.Option(help="Display name (default: from the email).")] = "",
) -> None:
    """Add a user to the default corporation."""
    if len(name) > 200 or any(not 1 <= len(g.strip()) <= 200 for g in group or []):
        raise _fail("names of users and groups are 1 to 200 characters")
    from casedesk.services.identity import users

    with _database(_settings()) as db, _expected_errors():
        groups = [g.strip() for g in group or []]
        user_id = users.add_user(db, email, role, password, groups=groups, name=name.strip())
    typer.echo(f"user {email.strip().lower()} added (id {user_id})")


@tokens_app.command("create")
def tokens_create(
    email: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="A label to tell tokens apart.")] = "",
    rate_limit: Annotated[
        int | None,
        typer.Option(min=1, help="Requests a minute the token may make (default: the server's)."),
    ] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(help="A scope the token gets (repeat; default: every scope)."),
    ] = None,
    expires: Annotated[
        datetime | None,
        typer.Option(help="When the token stops working (UTC unless a zone is given)."),
    ] = None,
) -> None:
    """Create an API token and print it (alone, on stdout). It is not shown again."""
    if len(name) > 200:
        raise _fail("a token name is at most 200 characters")
    from casedesk.domain.token_scopes import parse_scopes
    from casedesk.services.identity import auth

    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    with _database(_settings()) as db, _expected_errors():
        scopes = None if scope is None else parse_scopes(scope)
        _, token = auth.create_token(
            db,
            email,
            name=name,
            rate_limit_per_minute=rate_limit,
            scopes=scopes,
            expires_at=expires,
        )
    typer.echo(token)


@reports_app.command("rebuild")
def reports_rebuild() -> None:
    """Recompute every case's report facts from the history (the dashboards keep them
    current by themselves; this repairs or fills them, e.g. after a bulk load). Shows a
    progress bar on a terminal, a line per batch otherwise."""
    from casedesk.services.reports import rollups

    with (
        _database(_settings()) as db,
        _expected_errors(),
        typer.progressbar(length=1, label="cases", file=sys.stderr) as bar,
    ):
        on_terminal = sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if on_terminal:
                bar.length = max(total, 1)
                bar.update(done - bar.pos)
            else:
                typer.echo(f"cases {done}/{total} ({100 * done // max(total, 1)}%)", err=True)

        written = rollups.rebuild(db, progress)
    typer.echo(f"report facts rebuilt for {written} cases")


@mail_app.command("import")
def mail_import(
    file: Annotated[
        Path, typer.Argument(help="A raw mail (.eml).", exists=True, dir_okay=False, readable=True)
    ],
    mailbox: Annotated[
        int | None,
        typer.Option("--mailbox", min=1, help="Take it in as if it came from this mailbox."),
    ] = None,
) -> None:
    """Take in one mail from a file, as the poller would: a case, a message, or a
    record of why not (quarantined mail is kept for review)."""
    from casedesk.channels.email.intake import Limits, ingest_raw
    from casedesk.services.mail import mailboxes
    from casedesk.store.blobs import LocalBlobStore

    settings = _settings()
    with _database(settings) as db, _expected_errors():
        if mailbox is not None:
            corporation_id = mailboxes.mailbox_corporation(db, mailbox)
        else:
            corporation_id = mailboxes.default_corporation_id(db)
        raw = file.read_bytes()
        result = ingest_raw(
            db,
            LocalBlobStore(settings.attachments_dir),
            corporation_id,
            raw,
            Limits.from_settings(settings),
            mailbox_id=mailbox,
        )
    case = f" case {result.case_id}" if result.case_id is not None else ""
    reason = f" ({result.reason})" if result.reason else ""
    again = " (already taken in before)" if result.duplicate else ""
    typer.echo(f"{result.outcome.value}{case}{reason}{again}")


@export_app.command("changes")
def export_changes(
    cursor: Annotated[
        str | None, typer.Option(help="Continue after this cursor (a change's `cursor`).")
    ] = None,
    follow: Annotated[
        bool, typer.Option("--follow", help="Keep printing changes as they are made.")
    ] = False,
) -> None:
    """Print the change feed of every corporation as JSON lines, one change a line, in
    the feed's order (docs/changes.md). Each line's `cursor` resumes after it."""
    from casedesk.services.reports import changes as feed

    with _database(_settings()) as db, _expected_errors():
        while True:
            page = feed.changes(db, None, cursor, limit=feed.MAX_LIMIT, wait=30 if follow else 0)
            for change in page.changes:
                typer.echo(change.model_dump_json())
            cursor = page.next_cursor
            if not page.more and not follow:
                return


@app.command("import")
def import_cases(
    file: Annotated[
        Path,
        typer.Argument(help="JSON lines or CSV (docs/import.md).", exists=True, dir_okay=False),
    ],
    format: Annotated[
        str | None, typer.Option("--format", help="jsonl or csv (default: by the extension).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every record; write nothing.")
    ] = False,
    corporation: Annotated[
        int | None, typer.Option("--corporation", min=1, help="Its id (default: the default).")
    ] = None,
    batch: Annotated[int, typer.Option(min=1, max=5000, help="Records a transaction.")] = 500,
) -> None:
    """Load cases with their messages, members, tags, attachments and history. Run it
    again after a stop: what is in already is skipped. Refused records are listed on
    stderr with their line and reason (exit status 2 when any is)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from casedesk.services.imports import runs
    from casedesk.store.blobs import LocalBlobStore

    settings = _settings()
    with _database(settings) as db, _expected_errors():
        total = runs.count_records(file)
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=_stderr_console(), transient=False) as bar:
            task = bar.add_task("checking" if dry_run else "importing", total=total, rate="")

            def advance(n: int) -> None:
                bar.advance(task, n)
                speed = bar.tasks[task].speed
                bar.update(task, rate=f"{speed:,.0f} records/s" if speed else "")

            try:
                summary = runs.import_file(
                    db,
                    LocalBlobStore(settings.attachments_dir),
                    file,
                    fmt=format,
                    corporation_id=corporation,
                    dry_run=dry_run,
                    batch=batch,
                    max_attachment_bytes=settings.max_attachment_bytes,
                    progress=advance,
                )
            except UnicodeDecodeError as exc:
                raise _fail(f"{file} is not UTF-8 text: {exc.reason}") from None
    for refusal in summary.refused:
        typer.echo(f"line {refusal.line}: {refusal.reason}", err=True)
    verb = "would import" if dry_run else "imported"
    typer.echo(
        f"{verb} {summary.imported} cases with {summary.messages} messages; "
        f"{summary.already} already imported; {len(summary.refused)} refused"
    )
    if summary.refused:
        raise typer.Exit(code=2)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


@app.command("demo")
def load_demo_data(
    host: Annotated[str, typer.Option(help="Host the server runs on, for the URLs.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Its port.")] = 8000,
) -> None:
    """Load the demo data set (again: it is only added once) and show how to sign in."""
    with _database(_settings(), report=True) as db:
        summary, token = _load_demo(db)
    base = _base_url(host, port)
    _sign_in_lines(summary, token, base)
    typer.echo(
        f"Serve it with `casedesk serve --port {port}`: the console will be at {base}/console, "
        f"the API at {base}/api/v1, its docs at {base}/docs."
    )


if __name__ == "__main__":
    app()
