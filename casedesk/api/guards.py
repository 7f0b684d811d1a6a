"""Request intake checks that hold for every route, before any parsing.

- Bodies over the limit are refused with 413, whether or not they declare a length
  (chunked bodies are counted as they arrive). Multipart uploads and raw mail
  (``message/rfc822``) are exempt: their routes hold them to limits of their own.
- NUL characters are refused with 400 in the path, the query and JSON bodies: no store
  keeps them in text (PostgreSQL refuses them outright), so they can only be mistakes
  or probes.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from casedesk.api.errors import PROBLEM


async def admit(
    scope: Scope, receive: Receive, send: Send, limit: int
) -> tuple[bytes | None, Receive] | None:
    """Check a request before any route sees it. None when it was refused (the answer
    is sent); otherwise its body (None for the exempt uploads, whose body is not read
    here) and the ``receive`` the app must read it through."""
    query = scope.get("query_string", b"").lower()
    if b"%00" in query or b"\x00" in query or "\x00" in scope.get("path", ""):
        await _reject(send, 400, "NUL characters are not allowed in the URL", "nul-character")
        return None
    headers = dict(scope.get("headers") or [])
    ctype = headers.get(b"content-type", b"").lower()
    if ctype.startswith((b"multipart/", b"message/rfc822")):
        return None, receive
    length = headers.get(b"content-length", b"")
    if length.isdigit() and int(length) > limit:
        await _reject(send, 413, f"request body over {limit} bytes", "payload-too-large")
        return None
    body, messages = await _buffer(receive, limit)
    if body is None:
        await _reject(send, 413, f"request body over {limit} bytes", "payload-too-large")
        return None
    if b"\\u0000" in body or b"\x00" in body:
        await _reject(send, 400, "NUL characters are not allowed in the body", "nul-character")
        return None
    return body, _replay(messages, receive)


async def _buffer(receive: Receive, limit: int) -> tuple[bytes | None, list[Message]]:
    messages: list[Message] = []
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None, messages
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks), messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


async def _reject(send: Send, status: int, detail: str, code: str) -> None:
    body: dict[str, Any] = {
        "type": f"https://casedesk.dev/problems/{code}",
        "title": "Bad Request" if status == 400 else "Content Too Large",
        "status": status,
        "detail": detail,
        "code": code,
    }
    raw = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM.encode()),
                (b"content-length", str(len(raw)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": raw})
