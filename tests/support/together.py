"""Requests sent to the application all at once, as many clients would send them."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from fastapi import FastAPI

from tests.support.async_run import run_async


def post_together(
    app: FastAPI, requests: list[tuple[str, dict[str, Any], dict[str, str]]]
) -> list[httpx.Response]:
    """POST each ``(path, body, headers)`` concurrently; the answers in their order."""

    async def send() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await asyncio.gather(
                *(client.post(path, json=body, headers=headers) for path, body, headers in requests)
            )

    return run_async(send())
