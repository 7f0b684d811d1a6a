"""HTML of inbound mail: sanitized with an allowlist (nh3, the Rust ammonia library),
and turned into plain text when a mail has no text part."""

from __future__ import annotations

import html as html_lib
import re

import nh3

#: ``cid:`` stays so inline images can be pointed at their stored attachments.
URL_SCHEMES = nh3.ALLOWED_URL_SCHEMES | {"cid"}
# Line breaks where block elements end, before the tags are dropped; this only decides
# where text lines break; what is kept is decided by the sanitizer.
_BREAKS = re.compile(r"<(br|/p|/div|/tr|/li|/h[1-6]|/blockquote|/table)\b[^>]*>", re.I)


def sanitize(html: str) -> str:
    return nh3.clean(html, url_schemes=URL_SCHEMES)


def to_text(html: str) -> str:
    marked = _BREAKS.sub(lambda m: m.group(0) + "\n", html)
    text = html_lib.unescape(nh3.clean(marked, tags=set()))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
