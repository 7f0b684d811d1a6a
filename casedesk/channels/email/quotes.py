"""Quoted replies: what a reply repeats of earlier mail, cut for display.

The original stays whole (``inbound_mails.original_text``); only the message shown on
the case is shortened. Forwarded mail is kept: what was forwarded is the point of it.
"""

from __future__ import annotations

import re

_ATTRIBUTION = re.compile(
    r"^(on\s.{1,300}\swrote:"
    r"|am\s.{1,300}\sschrieb.{0,200}:"
    r"|le\s.{1,300}\sa\sécrit\s?:"
    r"|-{2,}\s*original message\s*-{2,}"
    r"|-{2,}\s*ursprüngliche nachricht\s*-{2,}"
    r"|_{20,})$",
    re.I,
)
_FORWARDED = re.compile(
    r"^(-{2,}\s*forwarded message\s*-{2,}"
    r"|begin forwarded message:"
    r"|-{2,}\s*weitergeleitete nachricht\s*-{2,})$",
    re.I,
)
_OUTLOOK_FROM = re.compile(r"^\*?(from|von|de):\*?\s", re.I)
_OUTLOOK_NEXT = re.compile(r"^\*?(sent|date|gesendet|envoyé|to|an|à):\*?\s", re.I)


def strip_quoted(text: str) -> str:
    """``text`` up to where the quoted earlier mail starts; all of it if nothing is left."""
    lines = text.splitlines()
    cut = len(lines)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if _FORWARDED.match(stripped):
            break  # what follows was forwarded on purpose, not quoted
        joined = f"{stripped} {lines[i + 1].strip()}" if i + 1 < len(lines) else stripped
        if _ATTRIBUTION.match(stripped) or (
            stripped.lower().startswith("on ") and _ATTRIBUTION.match(joined)
        ):
            cut = i
            break
        if _OUTLOOK_FROM.match(stripped) and any(
            _OUTLOOK_NEXT.match(nxt.strip()) for nxt in lines[i + 1 : i + 4]
        ):
            cut = i
            break
    kept = lines[:cut]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    shown = "\n".join(kept).strip()
    return shown or text.strip()
