"""``casedesk privacy export|anonymise|erase CONTACT_ID``: a contact's data-subject
requests from the command line, as the operator (docs/privacy.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

privacy_app = typer.Typer(help="A contact's data-subject requests.", no_args_is_help=True)

ContactId = Annotated[int, typer.Argument(min=1, help="The contact's id.")]


@privacy_app.command("export")
def export(
    contact_id: ContactId,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Write everything held about the contact as a ZIP archive."""
    from casedesk.cli import _database, _expected_errors, _settings
    from casedesk.services.privacy import exporting
    from casedesk.store.blobs import LocalBlobStore

    settings = _settings()
    with _database(settings) as db, _expected_errors():
        blobs = LocalBlobStore(settings.attachments_dir)
        chunks = exporting.export(db, None, contact_id, blobs)
        if output is None:
            out = typer.get_binary_stream("stdout")
            for chunk in chunks:
                out.write(chunk)
            out.flush()
        else:
            with output.open("wb") as f:
                for chunk in chunks:
                    f.write(chunk)
            typer.echo(f"wrote {output}", err=True)


def _request(kind: str, contact_id: int) -> None:
    from casedesk.cli import _database, _expected_errors, _settings
    from casedesk.services.privacy import requests
    from casedesk.store.blobs import LocalBlobStore

    settings = _settings()
    with _database(settings) as db, _expected_errors():
        out = requests.run(db, kind, None, contact_id, LocalBlobStore(settings.attachments_dir))
    typer.echo(out.model_dump_json())


@privacy_app.command("anonymise")
def anonymise(contact_id: ContactId) -> None:
    """Replace the contact's personal data by placeholders; cases and figures stay."""
    _request("anonymise", contact_id)


@privacy_app.command("erase")
def erase(contact_id: ContactId) -> None:
    """Delete the contact and the cases only they are part of."""
    _request("erase", contact_id)
