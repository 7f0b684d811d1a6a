"""The route class of every native router: the caller first, then strictly typed input.

FastAPI parses and validates a body before it solves any dependency, so a route's
``Caller`` would be checked only after the body was read. ``NativeRoute`` checks the
credentials first (``intake.authenticated_first``) and bounds the JSON (depth,
integer range), then holds the input to its declared types without coercion:

- a JSON body is validated against the route's body type in pydantic's strict JSON
  mode, so ``"auto_assign": 0``, ``"priority_id": "2"`` or ``"parent_id": true`` are
  422s naming the field, while ISO 8601 strings stay valid date-times (FastAPI itself
  validates the parsed body in the lax Python mode, where ``0`` is ``false``);
- a query parameter typed as an integer must be written as one (``2``, not ``2.0``,
  ``2_0`` or `` 2``), and one typed as a date-time must be an ISO 8601 string (not a
  number of seconds such as ``0.5``).
"""

from __future__ import annotations

import re
import types
from datetime import date, datetime
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.responses import Response

from casedesk.api.deps import get_principal, principal_of
from casedesk.body_limits import Handler
from casedesk.intake import authenticated_first, bounded_first, known_caller, strict_body, uses

_INTEGER = re.compile(r"-?[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ].*)?")


def _base_types(annotation: Any) -> set[type]:
    """The plain types an annotation admits: ``Annotated``, ``Optional``, unions and
    ``list[...]`` unwrapped."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _base_types(get_args(annotation)[0])
    if origin in (Union, types.UnionType, list, set, tuple):
        found: set[type] = set()
        for arg in get_args(annotation):
            found |= _base_types(arg)
        return found
    return {annotation} if isinstance(annotation, type) else set()


def _query_kinds(dependant: Dependant) -> dict[str, str]:
    """Query parameters by name that are integers ("int") or date-times ("datetime")."""
    kinds: dict[str, str] = {}
    for sub in dependant.dependencies:
        kinds |= _query_kinds(sub)
    for field in dependant.query_params:
        bases = _base_types(field.field_info.annotation)
        if bases & {datetime, date}:
            kinds[field.alias] = "datetime"
        elif int in bases and bool not in bases and not bases & {str, float}:
            kinds[field.alias] = "int"
    return kinds


def _is_many(annotation: Any) -> bool:
    """Whether a query parameter's annotation takes several values (``list[...]``)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _is_many(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return any(_is_many(arg) for arg in get_args(annotation))
    return origin in (list, set, tuple)


def _single_query_names(dependant: Dependant) -> frozenset[str]:
    """Query parameters that take one value: given twice, the request is ambiguous."""
    names: set[str] = set()
    for sub in dependant.dependencies:
        names |= _single_query_names(sub)
    for field in dependant.query_params:
        if not _is_many(field.field_info.annotation):
            names.add(field.alias)
    return frozenset(names)


def _check_query(
    request: Request,
    kinds: dict[str, str],
    single: frozenset[str] = frozenset(),
    *,
    with_caller: bool,
) -> None:
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for name, value in request.query_params.multi_items():
        kind = kinds.get(name)
        if name in single:
            if name in seen:
                message = "Input should be given once: this parameter takes one value"
                errors.append(_error("too_many_values", name, value, message))
                continue
            seen.add(name)
        if kind == "int" and not _INTEGER.fullmatch(value):
            errors.append(_error("int_parsing", name, value, "Input should be a valid integer"))
        elif kind == "datetime" and not _ISO_DATE.fullmatch(value):
            message = "Input should be an ISO 8601 date-time, e.g. 2024-05-01T09:00:00Z"
            errors.append(_error("datetime_from_iso", name, value, message))
    if errors:
        if with_caller and known_caller(request) is None:
            principal_of(request)  # a caller without credentials is told that first
        raise RequestValidationError(errors)


def _error(kind: str, name: str, value: str, message: str) -> dict[str, Any]:
    return {"type": kind, "loc": ("query", name), "msg": message, "input": value}


def _uses_caller(dependant: Dependant) -> bool:
    return any(d.call is get_principal or _uses_caller(d) for d in dependant.dependencies)


class NativeRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        kinds = _query_kinds(self.dependant)
        single = _single_query_names(self.dependant)
        with_caller = uses(self.dependant, get_principal)
        typed: Handler = strict_body(super().get_route_handler(), self)

        async def strict(request: Request) -> Response:
            if kinds or single:
                _check_query(request, kinds, single, with_caller=with_caller)
            return await typed(request)

        if with_caller:
            return authenticated_first(strict, principal_of)
        return bounded_first(strict)
