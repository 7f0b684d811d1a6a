"""A user with a second factor signs in to the API with tokens only: HTTP Basic (and
the Track-It! password grant) is refused with their right password, on the native API
and the dialects, in each face's own error shape naming the reason; their tokens keep
working, and a user without a second factor keeps Basic."""

from __future__ import annotations

import pyotp
import pytest
from fastapi.testclient import TestClient

from casedesk.services.identity import second_factors
from casedesk.services.kernel.clock import utcnow
from casedesk.store.db import Database
from tests.api.test_credential_limits import PASSWORD_FACES, PasswordFace, served
from tests.factories import PASSWORD, World

REASON = "second factor"


def enrol(db: Database, world: World) -> None:
    setup = second_factors.start_totp(db, world.agent_a.principal, "test-secret-key")
    code = pyotp.TOTP(setup.secret).at(utcnow())
    second_factors.confirm_totp(db, world.agent_a.principal, code, "test-secret-key")


@pytest.mark.parametrize("face", PASSWORD_FACES, ids=lambda f: f.name)
def test_basic_is_refused_for_a_user_with_a_second_factor(
    client: TestClient, db: Database, world: World, face: PasswordFace
) -> None:
    served(face.call(client, world.agent_a.email, PASSWORD))
    enrol(db, world)

    refused = face.call(client, world.agent_a.email, PASSWORD)
    assert refused.status_code == face.wrong, refused.text
    assert REASON in refused.text and "token" in refused.text
    # Others keep their passwords on the API.
    served(face.call(client, world.agent_b.email, PASSWORD))


@pytest.mark.parametrize(
    "path",
    ["/api/v1/cases", "/itx/rest/itxems/categories", "/trackit/WebApi/tickets/Templates"],
)
def test_the_tokens_of_a_user_with_a_second_factor_keep_working(
    client: TestClient, db: Database, world: World, path: str
) -> None:
    enrol(db, world)
    served(client.get(path, headers=world.agent_a.headers))


def test_a_refused_right_password_does_not_count_as_a_guess(
    client: TestClient, db: Database, world: World
) -> None:
    enrol(db, world)
    native = PASSWORD_FACES[0]
    for _ in range(10):
        assert native.call(client, world.agent_a.email, PASSWORD).status_code == 401
    wrong = native.call(client, world.agent_a.email, "not the password")
    assert wrong.status_code == 401 and REASON not in wrong.text
