"""What the OpenAPI document promises about refusals, and the ``Allow`` of a 405."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.factories import World, make_case

PROBLEM = "application/problem+json"
DECLARED = {"400", "401", "403", "404", "409", "412", "413", "422", "429"}


def _operations(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in app.openapi()["paths"].items()
        if path.startswith("/api/v1/")
        for method, op in item.items()
    ]


def test_every_operation_declares_its_refusals_as_problems(app: FastAPI) -> None:
    operations = _operations(app)
    assert len(operations) > 50
    for path, method, op in operations:
        missing = DECLARED - op["responses"].keys()
        assert not missing, (method, path, missing)
        for status in DECLARED:
            assert PROBLEM in op["responses"][status]["content"], (method, path, status)


def test_a_message_post_declares_the_size_limit(app: FastAPI) -> None:
    op = app.openapi()["paths"]["/api/v1/cases/{case_id}/messages"]["post"]
    assert "413" in op["responses"] and "422" in op["responses"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/v1/cases/{id}", {"GET", "PATCH", "DELETE"}),
        ("OPTIONS", "/api/v1/cases/{id}", {"GET", "PATCH", "DELETE"}),
        ("DELETE", "/api/v1/cases", {"GET", "POST"}),
        ("PATCH", "/api/v1/cases/count", {"GET"}),
        ("PUT", "/api/v1/priorities/1", {"GET", "PATCH", "DELETE"}),
    ],
)
def test_a_405_allows_every_method_of_the_path(
    client: TestClient, db: Any, world: World, method: str, path: str, allowed: set[str]
) -> None:
    case = make_case(db, world.admin)
    r = client.request(method, path.format(id=case.id), headers=world.admin.headers)
    assert r.status_code == 405, r.text
    assert r.headers["content-type"] == PROBLEM
    advertised = {m.strip() for m in r.headers["allow"].split(",")} - {"HEAD"}
    assert advertised == allowed
