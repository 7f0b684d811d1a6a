"""Loading records into the database, a batch a transaction.

Each batch is one write transaction: the cases are opened by ``open_cases_in`` (the
rules of the API: numbering, references, group, status, search documents, SLA fields,
audit records by the corporation's import account, marked with the record's line), and
what they bring along is written by ``cases.bulk`` with one statement per table. The
import ledger gets a row per record in the same transaction, so a run stopped at any
point (even killed) is resumed by running it again: recorded records are skipped, the
others imported, none twice. Imported cases announce nothing (no outbox events: no
mail, no webhook for the past).

A record is refused, with its line and the reason, when it cannot be read, names
something the corporation lacks, or the rules refuse its case; the others of its batch
go in. A dry run does all of it and rolls every batch back: nothing is written, no file
is stored, and the summary says what would be refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import islice
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from casedesk.domain.errors import DomainError
from casedesk.services.attachments.attaching import StoredFile
from casedesk.services.cases import bulk
from casedesk.services.cases.opening import NewCase, open_cases_in
from casedesk.services.identity.channel_accounts import channel_account
from casedesk.services.imports.building import Built, build
from casedesk.services.imports.files import FileReader
from casedesk.services.imports.records import Line
from casedesk.services.imports.resolving import Resolver
from casedesk.services.kernel.clock import utcnow
from casedesk.store.blobs import BlobStore
from casedesk.store.db import Database
from casedesk.store.models import ImportRecord

BATCH = 500
_INSERT_LEDGER = insert(ImportRecord)


@dataclass(frozen=True, slots=True)
class Refusal:
    line: int
    reason: str


@dataclass(slots=True)
class Summary:
    """What a run did: records imported, already in (from an earlier run), refused."""

    imported: int = 0
    messages: int = 0
    already: int = 0
    refused: list[Refusal] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Options:
    corporation_id: int
    #: The file's name, for the key of records without an external id (``name:line``).
    source_name: str
    #: The folder attachment paths are relative to.
    base_dir: Path
    dry_run: bool = False
    batch: int = BATCH
    max_attachment_bytes: int = 25 * 1024 * 1024


class _DryRun(Exception):
    """Rolls a dry run's batch back."""


def import_lines(
    db: Database,
    store: BlobStore,
    lines: Iterable[Line],
    options: Options,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Import the records of ``lines`` in batches (module docstring)."""
    summary = Summary()
    resolver = Resolver(options.corporation_id)
    files = FileReader(store, options.base_dir, options.max_attachment_bytes, options.dry_run)
    seen: dict[str, int] = {}
    for chunk in _chunks(iter(lines), options.batch):
        keyed: list[tuple[str, Line]] = []
        for line in chunk:
            if line.record is None:
                summary.refused.append(Refusal(line.number, line.refused or "unreadable"))
                continue
            key = line.record.external_id or f"{options.source_name}:{line.number}"
            if key in seen:
                why = f"external_id {key!r} was already on line {seen[key]}"
                summary.refused.append(Refusal(line.number, why))
                continue
            seen[key] = line.number
            keyed.append((key, line))
        if keyed:
            _batch(db, resolver, files, keyed, options, summary)
        if progress is not None:
            progress(len(chunk))
    summary.refused.sort(key=lambda r: r.line)
    return summary


def _chunks(lines: Iterator[Line], size: int) -> Iterator[list[Line]]:
    while chunk := list(islice(lines, size)):
        yield chunk


def _batch(
    db: Database,
    resolver: Resolver,
    files: FileReader,
    keyed: list[tuple[str, Line]],
    options: Options,
    summary: Summary,
) -> None:
    now = utcnow()
    counts = Summary()
    try:
        with db.write() as s:
            _write(s, resolver, files, keyed, options, now, counts)
            if options.dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except BaseException:
        files.discard_pending()
        raise
    files.keep_pending()
    summary.imported += counts.imported
    summary.messages += counts.messages
    summary.already += counts.already
    summary.refused.extend(counts.refused)


def _write(
    s: Session,
    resolver: Resolver,
    files: FileReader,
    keyed: list[tuple[str, Line]],
    options: Options,
    now: datetime,
    counts: Summary,
) -> None:
    corp = options.corporation_id
    done = set(
        s.scalars(
            select(ImportRecord.external_id).where(
                ImportRecord.corporation_id == corp,
                ImportRecord.external_id.in_([key for key, _ in keyed]),
            )
        )
    )
    counts.already = sum(1 for key, _ in keyed if key in done)
    todo = [(key, line) for key, line in keyed if key not in done]
    if not todo:
        return
    principal = channel_account(s, corp, "import", "Import")
    resolver.start_batch(s, [line.record for _, line in todo if line.record is not None])
    built: list[tuple[str, Line, Built]] = []
    for key, line in todo:
        assert line.record is not None
        mark = files.mark()
        try:
            built.append((key, line, build(s, resolver, files, line.record, now)))
        except DomainError as exc:
            files.discard_since(mark)
            counts.refused.append(Refusal(line.number, exc.detail))
    orders = [
        NewCase(principal, b.data, {"import_line": line.number}, kept=b.kept)
        for _, line, b in built
    ]
    opened = open_cases_in(s, orders, now, announce=False)
    messages: list[bulk.NewMessage] = []
    attachments: list[tuple[int, int | None, StoredFile, datetime]] = []
    members: list[dict[str, object]] = []
    history: list[dict[str, object]] = []
    tags: dict[int, list[str]] = {}
    ledger: list[dict[str, object]] = []
    for (key, line, b), answer in zip(built, opened, strict=True):
        if isinstance(answer, DomainError):
            counts.refused.append(Refusal(line.number, answer.detail))
            files.discard(b.stored)
            continue
        case_id = answer.id
        members += [m | {"case_id": case_id} for m in b.members]
        history += [h | {"case_id": case_id} for h in b.history]
        if b.tags:
            tags[case_id] = b.tags
        attachments += [(case_id, None, f, b.kept["created_at"]) for f in b.case_files]
        messages += [replace(m, case_id=case_id) for m in b.messages]
        ledger.append(
            {"corporation_id": options.corporation_id, "external_id": key}
            | {"line": line.number, "case_id": case_id, "imported_at": now}
        )
    ids = bulk.write_messages(s, messages)
    attachments += [
        (m.case_id, message_id, f, m.created_at)
        for m, message_id in zip(messages, ids, strict=True)
        for f in m.files
    ]
    bulk.write_attachments(s, attachments, principal.user_id)
    bulk.write_members(s, members)
    bulk.write_tags(s, options.corporation_id, tags)
    bulk.write_history(s, history)
    if ledger:
        s.connection().execute(_INSERT_LEDGER, ledger)
    counts.imported = len(ledger)
    counts.messages = len(messages)
