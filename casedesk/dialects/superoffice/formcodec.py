"""TicketEntity as ``application/x-www-form-urlencoded``, one of the content types seed
001 accepts: ``Title=x&Category.TicketCategoryId=3&Tags[0].Name=VIP``.

A key is a property path: ``.`` enters a carrier or a map, ``[n]`` an item of a list.
Values stay strings, as in XML; the TicketEntity model converts them. An empty value
of a key written ``Key=`` is an empty string, never null.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from casedesk.domain.errors import ValidationFailed

#: A list index is at most this; a longer list is not a client's ticket.
MAX_INDEX = 999
_STEP = re.compile(r"([^.\[\]]+)|\[(\d{1,4})\]")


def loads(data: bytes) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
    except (UnicodeDecodeError, ValueError):
        raise ValidationFailed("the request body is not a valid form") from None
    out: dict[str, Any] = {}
    for key, value in pairs:
        _put(out, key, _path(key), value)
    return out


def _path(key: str) -> list[str | int]:
    steps: list[str | int] = []
    pos = 0
    while pos < len(key):
        if key[pos] == "." and steps:
            pos += 1
        m = _STEP.match(key, pos)
        if m is None:
            raise ValidationFailed(f"form key {key!r} is not a property path", field=key)
        if m.group(1) is not None:
            steps.append(m.group(1))
        else:
            index = int(m.group(2))
            if not steps or index > MAX_INDEX:
                raise ValidationFailed(f"form key {key!r} has a bad list index", field=key)
            steps.append(index)
        pos = m.end()
    if not steps or not isinstance(steps[0], str):
        raise ValidationFailed(f"form key {key!r} is not a property path", field=key)
    return steps


def _put(root: dict[str, Any], key: str, steps: list[str | int], value: str) -> None:
    node: Any = root
    for n, step in enumerate(steps):
        last = n == len(steps) - 1
        if isinstance(step, int):
            if not isinstance(node, list):
                raise ValidationFailed(f"form key {key!r} mixes a list and a value", field=key)
            while len(node) <= step:
                node.append(None)
            current = node[step]
        else:
            if not isinstance(node, dict):
                raise ValidationFailed(f"form key {key!r} mixes a list and a value", field=key)
            current = node.get(step)
        if last:
            if current is not None:
                raise ValidationFailed(f"form key {key!r} is given twice", field=key)
            node[step] = value
            return
        if current is None:
            current = [] if isinstance(steps[n + 1], int) else {}
            node[step] = current
        elif isinstance(current, str):
            raise ValidationFailed(f"form key {key!r} mixes a property and a value", field=key)
        node = current
