"""Run a coroutine to completion from a test, whatever loop the test's thread has.

The browser tests drive Playwright's synchronous API, which leaves an event loop running
on the main thread for the rest of the process; ``asyncio.run`` refuses to start under
it. A fresh thread has no loop, so the coroutine gets a loop of its own there.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coroutine)`` on a thread of its own; its result or its exception."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
