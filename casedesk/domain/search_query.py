"""The search box's language, parsed into what a search needs: pure, no I/O.

    printer "paper jam" vpn OR wifi -toner status:open assignee:me created:>=2024-01-01

- words are matched as word prefixes; a ``"quoted phrase"`` as those words in a row;
- all parts must match (AND), except that ``OR`` between two text parts makes them
  alternatives (``vpn OR wifi``: either);
- ``-word`` or ``-"a phrase"`` excludes the cases that contain it;
- ``field:value`` filters on a field (``FIELDS``); values may be quoted
  (``group:"Second line"``) and a field given twice, or with a comma list, matches
  any of its values (``status:open,pending``);
- ``created:`` and ``updated:`` take a day or an instant (ISO 8601) with a comparison
  (``>``, ``>=``, ``<``, ``<=``), a day (that whole day, UTC) or a range ``a..b``
  (both days included);
- a query that is one number (``1234`` or ``#1234``) also finds the case of that number.

A word with a colon whose prefix is not a field (``error:404``) is plain text. Text
no part of which can be used is refused with ``ValidationFailed``, which every face
shows as a 4xx; nothing in the language ever reaches a database's query syntax.
See docs/search.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from casedesk.domain.errors import ValidationFailed

#: The fields ``field:value`` may name, with their aliases.
FIELDS = {
    "status": "status",
    "priority": "priority",
    "assignee": "assignee",
    "group": "group",
    "tag": "tag",
    "contact": "contact",
    "organization": "organization",
    "org": "organization",
    "created": "created",
    "updated": "updated",
}
#: A bound on the parts of one query: each is work for the database.
MAX_PARTS = 32

_TOKEN = re.compile(r'\s*(-?)(?:([A-Za-z]+):)?("(?:[^"]*)"?|[^\s"]+)')
_NUMBER = re.compile(r"#?(\d{1,9})")


@dataclass(frozen=True, slots=True)
class Term:
    """Words to find: as prefixes (``phrase`` False: each word a prefix, all in one
    document) or as a phrase (the words in a row)."""

    text: str
    phrase: bool = False


#: Alternatives: a case matches a clause when it matches any of its terms.
Clause = tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class Range:
    """A half-open time range ``[after, before)``; either end may be open."""

    after: datetime | None = None
    before: datetime | None = None


@dataclass(slots=True)
class SearchQuery:
    """A parsed query: text clauses that must all match, clauses that must not, field
    values (raw, as typed: names are resolved by the service), time ranges and the case
    number the query may be."""

    clauses: list[Clause] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)
    created: Range | None = None
    updated: Range | None = None
    number: int | None = None

    @property
    def has_text(self) -> bool:
        return bool(self.clauses or self.excluded)


def parse(text: str) -> SearchQuery:
    """Parse the search box's text. Raises ``ValidationFailed`` (field ``q``) for a
    query with nothing to search for, too many parts or a value a field cannot take."""
    query = SearchQuery()
    pending_or = False
    parts = 0
    for negated, name, raw in _tokens(text):
        parts += 1
        if parts > MAX_PARTS:
            raise _invalid(f"a search has at most {MAX_PARTS} parts")
        key = FIELDS.get(name.lower()) if name else None
        if name and key is None:  # not a field: the whole thing is text
            raw, name = f"{name}:{raw}", ""
        if key is not None:
            if negated:
                raise _invalid(f"{name}: cannot be excluded")
            _field(query, key, _unquote(raw))
            pending_or = False
            continue
        if raw == "OR" and not negated:
            pending_or = bool(query.clauses)
            continue
        term = _term(raw)
        if term is None:
            continue
        if negated:
            query.excluded.append((term,))
        elif pending_or:
            query.clauses[-1] = (*query.clauses[-1], term)
        else:
            query.clauses.append((term,))
        pending_or = False
    if len(query.clauses) == 1 and len(query.clauses[0]) == 1 and not query.excluded:
        only = query.clauses[0][0]
        match = _NUMBER.fullmatch(only.text) if not only.phrase else None
        if match:
            query.number = int(match.group(1))
            query.clauses = [(Term(match.group(1)),)]
    if not (query.has_text or query.fields or query.created or query.updated):
        raise _invalid("empty search query")
    return query


def _tokens(text: str) -> list[tuple[str, str, str]]:
    # No database takes NUL or an unpaired surrogate in text.
    text = text.replace("\x00", " ").encode("utf-8", "ignore").decode("utf-8")
    found: list[tuple[str, str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # only trailing blanks are left
            break
        pos = m.end()
        found.append((m.group(1), m.group(2) or "", m.group(3)))
    return found


def _unquote(raw: str) -> str:
    if raw.startswith('"'):
        raw = raw[1:]
        if raw.endswith('"'):
            raw = raw[:-1]
    return raw.strip()


def _term(raw: str) -> Term | None:
    if raw.startswith('"'):
        words = " ".join(_unquote(raw).split())
        return Term(words, phrase=True) if any(c.isalnum() for c in words) else None
    return Term(raw) if any(c.isalnum() for c in raw) else None


def _field(query: SearchQuery, key: str, value: str) -> None:
    if not value:
        raise _invalid(f"{key}: needs a value")
    if key in ("created", "updated"):
        got = _range(key, value)
        old = getattr(query, key)
        if old is not None:  # two ranges of one field: both must hold
            got = Range(_later(old.after, got.after), _earlier(old.before, got.before))
        setattr(query, key, got)
        return
    values = [v.strip() for v in value.split(",") if v.strip()] if key != "group" else [value]
    query.fields.setdefault(key, []).extend(values)


def _range(key: str, value: str) -> Range:
    for op in (">=", "<=", ">", "<"):
        if value.startswith(op):
            start, end = _moment(key, value[len(op) :])
            return {
                ">=": Range(after=start),
                ">": Range(after=end),
                "<": Range(before=start),
                "<=": Range(before=end),
            }[op]
    if ".." in value:
        low, _, high = value.partition("..")
        return Range(_moment(key, low)[0] if low else None, _moment(key, high)[1] if high else None)
    start, end = _moment(key, value)
    return Range(start, end)


def _moment(key: str, text: str) -> tuple[datetime, datetime]:
    """The start and end of a day (``2024-05-01``), or an instant twice."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime.combine(day, time(), tzinfo=UTC)
            return start, start + timedelta(days=1)
        moment = datetime.fromisoformat(text)
    except (ValueError, OverflowError):
        raise _invalid(f"{key}: {text!r} is not a date (YYYY-MM-DD) or an instant") from None
    if moment.tzinfo is None:
        raise _invalid(f"{key}: {text!r} needs a time zone (e.g. Z)")
    return moment.astimezone(UTC), moment.astimezone(UTC)


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(message, field="q")
