"""The import format: one case a record, read from JSON lines or CSV.

A JSON lines file holds one JSON object a line (``docs/import.md`` describes every
field). It names things as another system's export does (statuses, priorities,
groups and queues by name, people by email address) and keeps that system's ids and
times, so an export of Zendesk or Zammad maps onto it record by record. A CSV file
holds cases only (no messages, members beyond contact and assignee, attachments or
history), one a row under a header of the columns in :data:`CSV_COLUMNS`.

Reading never stops at a bad record: each line gives a record or the reason it is
refused, with its line number.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from casedesk.services.reference.common import Instant

Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=320)]
Body = Annotated[str, Field(max_length=100_000)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FileIn(_In):
    """An attachment: its bytes in base64, or the path of a file (relative to the
    import file's folder)."""

    filename: Annotated[str, Field(min_length=1, max_length=255)]
    content_type: Annotated[str, Field(max_length=255)] | None = None
    content_base64: str | None = None
    path: Annotated[str, Field(min_length=1, max_length=4096)] | None = None


class MessageIn(_In):
    """A message: ``inbound`` (from the customer), ``outbound`` (an agent's reply) or
    ``note`` (internal). ``author`` is an email address: a contact's for inbound, an
    agent's otherwise."""

    external_id: Short | None = None
    direction: Literal["inbound", "outbound", "note"]
    body_text: Body = ""
    body_html: Body | None = None
    created_at: Instant | None = None
    author: Address | None = None
    attachments: Annotated[list[FileIn], Field(max_length=100)] = []


class StatusChangeIn(_In):
    """One entry of the status history, oldest first: the status entered, when, by
    which agent (an email address) if known."""

    status: Short
    at: Instant
    by: Address | None = None


class ContactIn(_In):
    email: Address
    first_name: Annotated[str, Field(max_length=100)] = ""
    last_name: Annotated[str, Field(max_length=100)] = ""


class CaseIn(_In):
    """One case with everything it brings along."""

    external_id: Short | None = None
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    description: Body = ""
    status: Short | None = None
    priority: Short | None = None
    group: Short | None = None
    queue: Short | None = None
    contact: ContactIn | None = None
    assignee: Address | None = None
    followers: Annotated[list[Address], Field(max_length=50)] = []
    tags: Annotated[list[Short], Field(max_length=50)] = []
    created_at: Instant | None = None
    updated_at: Instant | None = None
    messages: Annotated[list[MessageIn], Field(max_length=10_000)] = []
    history: Annotated[list[StatusChangeIn], Field(max_length=1_000)] = []
    attachments: Annotated[list[FileIn], Field(max_length=100)] = []


#: The columns a CSV import reads; ``title`` is required, the others optional.
CSV_COLUMNS = (
    "external_id",
    "title",
    "description",
    "status",
    "priority",
    "group",
    "queue",
    "contact_email",
    "contact_first_name",
    "contact_last_name",
    "assignee",
    "tags",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True, slots=True)
class Line:
    """A record read from line ``number`` of the file, or why it cannot be."""

    number: int
    record: CaseIn | None
    refused: str | None = None


def read_jsonl(lines: Iterable[str]) -> Iterator[Line]:
    """The records of a JSON lines file; blank lines are skipped."""
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            raw = json.loads(text)
        except ValueError as exc:
            yield Line(number, None, f"not valid JSON: {exc}")
            continue
        yield _validated(number, raw)


def read_csv(lines: Iterable[str]) -> Iterator[Line]:
    """The records of a CSV file with a header row; ``tags`` are separated by ``;``."""
    reader = csv.DictReader(lines)
    unknown = set(reader.fieldnames or ()) - set(CSV_COLUMNS)
    if unknown or "title" not in (reader.fieldnames or ()):
        why = f"unknown columns {sorted(unknown)}" if unknown else "no title column"
        yield Line(1, None, f"the header is not an import header: {why}")
        return
    for row in reader:
        number = reader.line_num
        values = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
        if None in row:
            yield Line(number, None, "more fields than the header has columns")
            continue
        raw: dict[str, object] = {
            k: values[k] for k in CSV_COLUMNS if k in values and not k.startswith("contact_")
        }
        if "tags" in values:
            raw["tags"] = [t for t in values["tags"].split(";") if t.strip()]
        if "contact_email" in values:
            raw["contact"] = {
                "email": values["contact_email"],
                "first_name": values.get("contact_first_name", ""),
                "last_name": values.get("contact_last_name", ""),
            }
        yield _validated(number, raw)


def _validated(number: int, raw: object) -> Line:
    try:
        return Line(number, CaseIn.model_validate(raw))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "record"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        return Line(number, None, f"{where}: {first['msg']}{more}")
