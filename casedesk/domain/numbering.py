"""Case numbers: sequential per corporation, shown with a configurable prefix."""

from __future__ import annotations

import re

from casedesk.domain.errors import ValidationFailed

_PREFIX = re.compile(r"^[A-Za-z0-9#_\-./]{0,16}$")


def validate_prefix(prefix: str) -> str:
    if not _PREFIX.match(prefix):
        raise ValidationFailed(
            "a case number prefix is at most 16 letters, digits or #_-./", field="case_prefix"
        )
    return prefix


def format_case_number(prefix: str, number: int) -> str:
    return f"{prefix}{number}"


def parse_case_reference(prefix: str, text: str) -> int | None:
    """``TCK-12`` → 12 for prefix ``TCK-``; plain digits are accepted too."""
    t = text.strip()
    if prefix and t.upper().startswith(prefix.upper()):
        t = t[len(prefix) :]
    return int(t) if t.isdigit() else None
