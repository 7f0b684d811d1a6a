"""One run of ``casedesk import`` over a file: its format, its corporation, its lines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.services.imports.loading import BATCH, Options, Summary, import_lines
from casedesk.services.imports.records import read_csv, read_jsonl
from casedesk.services.kernel.bootstrap import default_corporation
from casedesk.store.blobs import BlobStore
from casedesk.store.db import Database
from casedesk.store.models import Corporation

FORMATS = ("jsonl", "csv")


def format_of(path: Path, given: str | None) -> str:
    """The format asked for, else the one the file's extension says (``.csv``: CSV)."""
    chosen = given or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
    if chosen not in FORMATS:
        raise ValidationFailed(f"unknown format {chosen!r}: jsonl or csv", field="format")
    return chosen


def corporation_of(db: Database, corporation_id: int | None) -> int:
    """The corporation to import into: the one named, else the default one."""
    with db.write() as s:
        if corporation_id is None:
            return default_corporation(s).id
        if s.get(Corporation, corporation_id) is None:
            raise NotFound(f"corporation {corporation_id} not found")
        return corporation_id


def count_records(path: Path) -> int:
    """Lines of the file (an upper bound of its records), for the progress bar."""
    with path.open("rb") as f:
        return sum(1 for _ in f)


def import_file(
    db: Database,
    store: BlobStore,
    path: Path,
    *,
    fmt: str | None = None,
    corporation_id: int | None = None,
    dry_run: bool = False,
    batch: int = BATCH,
    max_attachment_bytes: int = 25 * 1024 * 1024,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Import the records of the file at ``path`` (``loading`` says how)."""
    chosen = format_of(path, fmt)
    options = Options(
        corporation_id=corporation_of(db, corporation_id),
        source_name=path.name,
        base_dir=path.parent,
        dry_run=dry_run,
        batch=batch,
        max_attachment_bytes=max_attachment_bytes,
    )
    with path.open(encoding="utf-8", newline="") as f:
        lines = read_csv(f) if chosen == "csv" else read_jsonl(f)
        summary = import_lines(db, store, lines, options, progress)
    if summary.imported and not dry_run:
        db.analyze()  # the planner's statistics were taken on a smaller desk, if at all
    return summary
