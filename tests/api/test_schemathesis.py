"""The native API against its own OpenAPI document, with generated requests.

Every operation the app publishes at ``/openapi.json`` (so every router mounted when the
test runs) is called with valid and invalid input by Schemathesis, once as an admin and
once as an agent who sees only one group. Each answer must not be a server error and
must match what the document promises: a documented status code, its content type and
its schema.

The generated ids are mostly steered into the range of the seeded rows, so that
operations on existing cases (and the paths behind them) are reached, not just 404s.
Generation is derandomized and bounded, so a run is reproducible and takes minutes.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from casedesk.api.app import create_app
from casedesk.config import Settings
from casedesk.services.cases import messages
from casedesk.services.cases.schemas import MessageCreate
from casedesk.store.db import Database
from tests.factories import Actor, World, make_case

#: Cases seeded before each pass; generated ids are folded into 1..SEEDED_CASES + 2.
SEEDED_CASES = 6
#: Generated examples per operation and caller; raise it for a deeper (slower) search.
MAX_EXAMPLES = int(os.environ.get("CASEDESK_SCHEMATHESIS_EXAMPLES", "30"))

#: What every answer must satisfy. ``CASEDESK_SCHEMATHESIS_CHECKS=all`` adds the rest of
#: Schemathesis' checks (e.g. that invalid input is refused and valid input accepted),
#: which also flag rules the document cannot express, so they are not the default.
CHECKS = (
    None
    if os.environ.get("CASEDESK_SCHEMATHESIS_CHECKS") == "all"
    else [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ]
)


def seed(db: Database, world: World) -> None:
    """Cases 1..SEEDED_CASES, alternately in groups A and B, with a message and a tag."""
    for n in range(1, SEEDED_CASES + 1):
        group = world.group_a if n % 2 else world.group_b
        case = make_case(db, world.admin, title=f"Seeded case {n}", group_id=group, tags=["seed"])
        assert case.id == n
        messages.add_message(
            db, world.admin.principal, case.id, MessageCreate(body_text=f"first message of {n}")
        )


@pytest.fixture(params=["admin", "agent"])
def api_caller(request: pytest.FixtureRequest, world: World) -> Actor:
    """The caller of a pass: an admin, or an agent restricted to group A."""
    actor: Actor = world.admin if request.param == "admin" else world.agent_a
    return actor


def _load_schema() -> Any:
    """The OpenAPI document of an app built as the server builds it. The document does
    not depend on data, so a throwaway database serves; requests go to each test's app."""
    scratch = Path(_SCRATCH.name)
    settings = Settings(data_dir=scratch, database_url=f"sqlite:///{scratch / 'schema.db'}")
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(settings))


@schemathesis.serializer("message/rfc822")
def _raw_mail(ctx: Any, value: Any) -> bytes:
    """Raw mail as generated: bytes as they are, anything else as its text."""
    return value if isinstance(value, bytes) else str(value).encode()


_SCRATCH = tempfile.TemporaryDirectory(prefix="casedesk-openapi-")
schema = _load_schema()


@pytest.fixture
def seeded_app(app: FastAPI, db: Database, world: World) -> Iterator[FastAPI]:
    seed(db, world)
    yield app
    shutdown_lifespans()  # the ASGI transport keeps each app's lifespan running


def _fold_id(value: Any) -> Any:
    """Most positive ids into the seeded range (existing rows, plus one missing);
    every fourth is left as generated, to exercise unknown and huge ids."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0 and value % 4:
        return value % (SEEDED_CASES + 2) + 1
    return value


@schema.parametrize()  # type: ignore[untyped-decorator]
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    # How fast and how easily data is generated depends on the document, not the code.
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(
    case: schemathesis.Case[Any], seeded_app: FastAPI, api_caller: Actor
) -> None:
    if case.path_parameters:
        case.path_parameters = {k: _fold_id(v) for k, v in case.path_parameters.items()}
    case.call_and_validate(headers=api_caller.headers, checks=CHECKS, app=seeded_app)
