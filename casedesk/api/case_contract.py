"""The contract of the three busiest case routes, stated once.

``GET /api/v1/cases/{id}``, ``GET /api/v1/cases`` and ``POST /api/v1/cases`` are answered
two ways: by their FastAPI routes (``routers/cases.py``), which make the OpenAPI document
and take every form of request, and, for a request in its plain form, by the front
layer (``hot_routes.py``, ADR 11) without FastAPI's per-request work. Both are built
from this module, so the two cannot say different things:

- **Parameters.** Each is declared once, with its bounds. The route makes its FastAPI
  parameter from the declaration (``path()``, ``query()``); the fast path reads a value
  with it (``plain()``), taking only values the route would take unchanged and leaving
  everything else (and so every refusal's wording) to the route. Defaults are the
  route's own, read from its signature.
- **Checks.** The token comes from ``deps.bearer_token``, the parsing the route's caller
  dependency uses; a create in its plain form is a JSON body declared
  ``application/json`` that validates as the route's body model, with no
  ``Idempotency-Key``.
- **Answers.** The use-case calls and the responses they make (``get_answer``,
  ``list_answer``, ``created_answer``), used by both; refusals are the domain errors
  both render with ``errors.domain_problem``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar, get_args
from urllib.parse import parse_qsl

from fastapi import Path, Query
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from casedesk.api.deps import MAX_ID
from casedesk.domain.errors import DomainError, ValidationFailed
from casedesk.domain.permissions import Principal
from casedesk.intake import load_json
from casedesk.services.cases import core as cases
from casedesk.services.cases import search
from casedesk.services.cases.schemas import CaseCreate, CaseOut, CasePage, CaseQuery, SortKey

CASES_PATH = "/api/v1/cases"
JSON = "application/json"
#: The header of an idempotent create (a create that carries it is left to the route).
IDEMPOTENCY_KEY = "idempotency-key"
#: The body of a create.
CreateBody = CaseCreate

C = TypeVar("C", bound=str)


@dataclass(frozen=True, slots=True)
class Whole:
    """A whole number between ``ge`` and ``le``."""

    ge: int
    le: int

    def path(self) -> Any:
        return Path(ge=self.ge, le=self.le)

    def query(self) -> Any:
        return Query(ge=self.ge, le=self.le)

    def plain(self, raw: str) -> int | None:
        """The value of ``raw`` written plainly (ASCII digits, no sign, no leading zero)
        and within bounds; None for anything the route must judge."""
        if not raw or len(raw) > len(str(self.le)) or not (raw.isascii() and raw.isdigit()):
            return None
        if raw[0] == "0" and raw != "0":
            return None
        value = int(raw)
        return value if self.ge <= value <= self.le else None


@dataclass(frozen=True, slots=True)
class Text:
    """A string of at most ``max_length`` characters."""

    max_length: int
    description: str | None = None

    def query(self) -> Any:
        return Query(max_length=self.max_length, description=self.description)

    def plain(self, raw: str) -> str | None:
        return raw if len(raw) <= self.max_length else None


@dataclass(frozen=True, slots=True)
class Choice(Generic[C]):
    """One of a closed set of strings (a ``Literal`` type)."""

    values: frozenset[C]

    def plain(self, raw: str) -> C | None:
        return raw if raw in self.values else None


CASE_ID = Whole(1, MAX_ID)
LIMIT = Whole(1, 200)
CURSOR = Text(500)
Q = Text(500, 'search: words, "phrases", OR, -excluded, field:value (docs/search.md)')
SORT: Choice[SortKey] = Choice(frozenset(get_args(SortKey)))

#: The parameters a list request in its plain form carries (each at most once).
PLAIN_LIST: dict[str, Whole | Text | Choice[Any]] = {
    "limit": LIMIT,
    "cursor": CURSOR,
    "q": Q,
    "sort": SORT,
}


# --------------------------------------------------------------------------- reading


def plain_case_id(path: str) -> int | None:
    """The id of ``/api/v1/cases/{id}`` written plainly; None for any other path."""
    prefix = CASES_PATH + "/"
    if not path.startswith(prefix):
        return None
    return CASE_ID.plain(path[len(prefix) :])


def plain_list_params(query_string: bytes, defaults: dict[str, Any]) -> dict[str, Any] | None:
    """The arguments the list route would get for a query of only ``PLAIN_LIST``
    parameters, each once and in its plain form; None otherwise."""
    params = {k: list(v) if isinstance(v, list) else v for k, v in defaults.items()}
    seen: set[str] = set()
    for key, raw in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        spec = PLAIN_LIST.get(key)
        if spec is None or key in seen:
            return None
        seen.add(key)
        value = spec.plain(raw)
        if value is None:
            return None
        params[key] = value
    return params


def plain_create(content_type: bytes | None, idempotency_key: bytes | None) -> bool:
    """Whether a create's headers are its plain form."""
    return content_type == JSON.encode() and idempotency_key is None


def plain_create_body(body: bytes) -> CaseCreate | None:
    """The body as the route's model, or None when the route must word the refusal
    (not JSON, or invalid)."""
    try:  # bounded and strictly typed, as the route's NativeRoute holds it
        load_json(body)
        return CreateBody.model_validate_json(body, strict=True)
    except (ValueError, PydanticValidationError, DomainError):
        return None


def case_query(params: dict[str, Any]) -> CaseQuery:
    """The search of the list and count routes from their parameters."""
    values = {k: v for k, v in params.items() if k not in ("caller", "db", "request")}
    custom: dict[str, str] = {}
    for item in values.pop("custom", []) or []:
        key, sep, val = item.partition(":")
        if not sep or not key:
            raise ValidationFailed("custom filters are written key:value", field="custom")
        custom[key] = val
    for k in ("created_after", "created_before", "updated_after", "updated_before"):
        v = values.get(k)
        if v is not None and v.tzinfo is None:
            raise ValidationFailed(f"{k} needs a time zone (e.g. Z)", field=k)
    try:
        return CaseQuery(**values, custom=custom)
    except PydanticValidationError as exc:  # e.g. a tag that is blank once stripped
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ValidationFailed(f"{field}: {first['msg']}", field=field) from None


# --------------------------------------------------------------------------- answers


def etag(case: CaseOut) -> str:
    return f'"{case.id}-{case.version}"'


def with_etag(case: CaseOut, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """The case as JSON with its ETag, serialised by pydantic in one step (the same
    document ``JSONResponse(case.model_dump(mode="json"))`` gives, at a fraction of the
    cost)."""
    h = {"ETag": etag(case)} | (headers or {})
    return Response(case.model_dump_json(), status_code=status, headers=h, media_type=JSON)


def get_answer(s: Session, caller: Principal, case_id: int) -> Response:
    """``GET /cases/{id}``: the case with its ETag."""
    return with_etag(cases.get_case_in(s, caller, case_id))


def list_answer(s: Session, caller: Principal, params: dict[str, Any]) -> Response:
    """``GET /cases``: one page of the search; the first page says how many cases match
    (``total``, exact up to a bound, "at least" above it: ``total_is_estimate``)."""
    page: CasePage = search.search_cases_in(s, caller, case_query(params), with_total=True)
    return Response(page.model_dump_json(), media_type=JSON)


def created_answer(case: CaseOut) -> Response:
    """``POST /cases``: 201 with the new case, its ETag and its location."""
    return with_etag(case, 201, {"Location": f"{CASES_PATH}/{case.id}"})
