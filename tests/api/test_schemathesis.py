"""The native API against its own OpenAPI document, with generated requests.

Every operation the app publishes at ``/openapi.json`` (so every router mounted when the
test runs) is called with valid and invalid input by Schemathesis, once as an admin and
once as an agent who sees only one group, in every phase (the document's examples,
coverage of each parameter's edges, fuzzing, and stateful sequences that use what one
answer returns in the next request) and under every check: no server error, a
documented status code, content type, headers and schema, invalid input refused, valid
input accepted, a correct ``Allow`` on 405s, and so on.

Valid input may still be refused for what a schema cannot say: an id that names no row
(422 for a reference in a body, 404 for the path), a state that forbids the change
(409), an outdated If-Match (412), a body over the size limit (413), a rate limit
(429). The document declares these answers on every operation, and the check that
valid input is accepted is told to expect them.

The generated ids are mostly steered into the range of the seeded rows, so that
operations on existing cases (and the paths behind them) are reached, not just 404s.
Generation is derandomized and bounded, so a run is reproducible and takes minutes.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.config import PositiveDataAcceptanceConfig
from schemathesis.python.asgi import shutdown_lifespans

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
#: Steps of the stateful phase per caller.
MAX_STEPS = int(os.environ.get("CASEDESK_SCHEMATHESIS_STEPS", "40"))

#: The documented refusals of valid input (see above), besides Schemathesis' defaults.
VALID_INPUT_ANSWERS = ["2xx", "401", "403", "404", "409", "412", "413", "422", "429"]


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


class _SpreadClock:
    """A clock on which a quarter of an hour passes at every look. Schemathesis's
    requests stand for many clients over time, not one guessing credentials: its
    invalid-credential probes (always the same made-up account) expect 401, which the
    brute-force limit turns into 429 after five within its window, and its requests
    would use up a token's quota. Both limits are tested in ``test_credential_limits.py``
    and ``test_rate_limits.py``."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        self.now += 16 * 60
        return self.now


def _load_schema() -> Any:
    """The OpenAPI document of an app built as the server builds it. The document does
    not depend on data, so a throwaway database serves; requests go to each test's app."""
    scratch = Path(_SCRATCH.name)
    settings = Settings(data_dir=scratch, database_url=f"sqlite:///{scratch / 'schema.db'}")
    # Schemathesis sends its credential probes to this app (see _SpreadClock).
    scratch_app = create_app(settings, clock=_SpreadClock())
    loaded = schemathesis.openapi.from_asgi("/openapi.json", scratch_app)
    for phase in ("examples", "coverage", "fuzzing", "stateful"):
        loaded.config.phases.get_by_name(name=phase).enabled = True
    # Every check but the response-time limit: tests never assert timings (the figures
    # of bench/ measure speed), and a loaded CI machine would fail it at random.
    loaded.config.checks.update(
        included_check_names=["all"], excluded_check_names=["max_response_time"]
    )
    # NUL characters are refused in every string (docs/api.md); generating them would
    # only find that rule again
    loaded.config.generation.update(allow_x00=False)
    loaded.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=VALID_INPUT_ANSWERS
    )
    # A body over the size cap is refused before it is read, with its declared 413.
    rejection = loaded.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "413"]
    return loaded


@schemathesis.serializer("message/rfc822")
def _raw_mail(ctx: Any, value: Any) -> bytes:
    """Raw mail as generated: bytes as they are, anything else as its text."""
    return value if isinstance(value, bytes) else str(value).encode()


_SCRATCH = tempfile.TemporaryDirectory(prefix="casedesk-openapi-")
schema = _load_schema()


@pytest.fixture
def app(settings: Settings, db: Database) -> FastAPI:
    return create_app(settings, db, clock=_SpreadClock())


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
    case.call_and_validate(headers=api_caller.headers, app=seeded_app)


def test_api_conforms_in_stateful_sequences(seeded_app: FastAPI, api_caller: Actor) -> None:
    """Sequences of calls, each using what an earlier answer returned (the ids of
    created rows, from their ``Location`` and bodies), checked as above."""

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, Any]:
            return {"app": seeded_app, "headers": api_caller.headers}

    Workflow.run(
        settings=settings(
            max_examples=max(MAX_EXAMPLES // 3, 1),
            stateful_step_count=MAX_STEPS,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
