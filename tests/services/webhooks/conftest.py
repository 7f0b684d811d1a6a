from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.services.webhooks.receiver import Receiver, run_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with run_receiver() as r:
        yield r
