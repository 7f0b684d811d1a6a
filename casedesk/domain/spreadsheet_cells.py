"""Text cells that stay text when a spreadsheet opens them.

A spreadsheet runs a cell as a formula when it starts with ``= + - @`` (and some read a
leading tab, carriage return or ``|`` the same way); the fullwidth forms U+FF1D, U+FF0B,
U+FF0D and U+FF20 are folded to those by some of them. Such a cell gets a leading
apostrophe, so a case title like ``=HYPERLINK(...)`` is shown, not run. Every CSV and
XLSX casedesk writes (invoices, reports, case exports) goes through ``neutralise``.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: object) -> str:
    """``value`` as text a spreadsheet shows rather than runs (``None`` is empty)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
