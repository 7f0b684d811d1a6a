"""The hot routes read requests by the same contract the FastAPI routes publish: every
parameter the fast path takes is one the route declares in the OpenAPI document, with
the same bounds, and a value the fast path takes is one the route takes unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from casedesk.api import case_contract as contract

API = "/api/v1"


def parameters(app: FastAPI, path: str, method: str) -> dict[str, dict[str, Any]]:
    operation = app.openapi()["paths"][path][method]
    return {p["name"]: p for p in operation.get("parameters", [])}


def bounds(schema: dict[str, Any]) -> dict[str, Any]:
    """The constraints of a parameter's schema, whether it is optional or not."""
    for option in schema.get("anyOf", [schema]):
        if option.get("type") != "null":
            keys = ("type", "minimum", "maximum", "maxLength", "enum")
            return {k: option[k] for k in keys if k in option}
    return {}


def test_the_plain_list_parameters_are_the_list_routes_with_its_bounds(app: FastAPI) -> None:
    published = parameters(app, f"{API}/cases", "get")
    for name, spec in contract.PLAIN_LIST.items():
        assert name in published, name
        found = bounds(published[name]["schema"])
        if isinstance(spec, contract.Whole):
            expected: dict[str, Any] = {"type": "integer", "minimum": spec.ge}
            expected["maximum"] = spec.le
        elif isinstance(spec, contract.Text):
            expected = {"type": "string", "maxLength": spec.max_length}
        else:
            expected = {"type": "string", "enum": sorted(spec.values)}
            found["enum"] = sorted(found.get("enum", []))
        assert found == expected, name


def test_the_case_id_the_fast_path_takes_is_the_routes(app: FastAPI) -> None:
    published = parameters(app, f"{API}/cases/{{case_id}}", "get")["case_id"]["schema"]
    assert bounds(published) == {
        "type": "integer",
        "minimum": contract.CASE_ID.ge,
        "maximum": contract.CASE_ID.le,
    }


def test_a_create_with_the_idempotency_header_of_the_route_is_left_to_it(app: FastAPI) -> None:
    published = parameters(app, f"{API}/cases", "post")
    assert contract.IDEMPOTENCY_KEY in published
    assert published[contract.IDEMPOTENCY_KEY]["in"] == "header"
    assert not contract.plain_create(b"application/json", b"key-1")
    assert contract.plain_create(b"application/json", None)
    assert not contract.plain_create(b"application/json; charset=utf-8", None)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", 1),
        ("200", 200),
        ("0", None),
        ("201", None),
        ("007", None),  # FastAPI reads it as 7: the route answers
        ("+5", None),
        (" 5", None),
        ("5.0", None),
        ("\u0663", None),  # an Arabic-Indic three: a digit to str.isdigit, not ASCII
        ("", None),
    ],
)
def test_only_plainly_written_numbers_within_bounds_are_taken(raw: str, value: int | None) -> None:
    assert contract.LIMIT.plain(raw) == value


def test_list_queries_outside_the_plain_form_are_left_to_the_route() -> None:
    defaults = {"limit": 25, "sort": "-updated_at", "tag": []}
    taken = contract.plain_list_params(b"limit=10&sort=number&q=printer", defaults)
    assert taken == {"limit": 10, "sort": "number", "q": "printer", "tag": []}
    for query in (b"limit=10&limit=20", b"sort=title", b"tag=x", b"q=" + b"x" * 501):
        assert contract.plain_list_params(query, defaults) is None, query


def test_only_the_case_path_with_a_plain_id_is_a_get() -> None:
    assert contract.plain_case_id(f"{API}/cases/42") == 42
    for path in (f"{API}/cases/042", f"{API}/cases/42/messages", f"{API}/cases/x", "/cases/4"):
        assert contract.plain_case_id(path) is None, path
