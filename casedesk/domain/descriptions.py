"""How a case's description stands above its thread."""

from __future__ import annotations


def description_to_show(description: str, first_message: str | None) -> str:
    """The description to show above the messages: nothing when the first message
    says the same already (cases opened by mail or in the portal keep their text both
    as the description and as the first message)."""
    if first_message is not None and first_message.strip() == description.strip():
        return ""
    return description
