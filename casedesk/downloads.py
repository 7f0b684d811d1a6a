"""How a stored file is sent to a browser or client, the same from every face: always
as a download in the type sniffed at upload, never rendered in the site's origin."""

from __future__ import annotations

from urllib.parse import quote


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` for old clients and the exact name as
    ``filename*`` (RFC 6266 / RFC 8187)."""
    fallback = "".join(ch if " " <= ch <= "~" and ch not in '"\\%' else "_" for ch in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def cache_headers(sha256: str) -> dict[str, str]:
    """The validator (the content's SHA-256) and a private cache that revalidates."""
    return {"ETag": f'"{sha256}"', "Cache-Control": "private, no-cache"}


def file_headers(filename: str) -> dict[str, str]:
    """The headers of every download, stored or generated (an invoice's CSV): offered
    as a file, and ``nosniff`` and a policy that allows nothing disarm a file a browser
    opens anyway."""
    return {
        "Content-Disposition": content_disposition(filename),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'",
    }


def download_headers(filename: str, sha256: str) -> dict[str, str]:
    """``file_headers`` of a stored file, with its validator for caches."""
    return cache_headers(sha256) | file_headers(filename)
