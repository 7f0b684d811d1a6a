"""Receiving files: an upload streamed into the blob store, with its size, SHA-256 and
the content type its bytes show, and a display name safe to store and offer back.

An upload is read in chunks and never held in memory: its size and SHA-256 are computed
as it streams into the blob store, and it is refused (PayloadTooLarge) the moment it
passes the limit. The content type is decided by looking at the bytes, never by what the
client declared. Display filenames are cleaned (no path parts, no control characters,
bounded length) but stay unicode; the name a blob is stored under is chosen by the
store and has nothing to do with them. Nothing here touches the database: the rows are
``attaching``'s.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import filetype

from casedesk.domain.errors import PayloadTooLarge
from casedesk.store.blobs import BlobStore

CHUNK_BYTES = 64 * 1024
#: How much of the start of a file type detection looks at.
SNIFF_BYTES = 8192
#: Longest display filename, in UTF-8 bytes (what common file systems accept).
MAX_FILENAME_BYTES = 255
FALLBACK_FILENAME = "attachment"
OCTET_STREAM = "application/octet-stream"
TEXT_PLAIN = "text/plain"

# Invisible characters that reorder text, used to disguise extensions ("gpj.exe").
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_PATH_SEPARATORS = re.compile(r"[/\\]")


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Upload:
    """One file as received: the client's name and type, and its bytes to read."""

    filename: str | None
    stream: Readable
    declared_content_type: str | None = None


#: Uploads whose bytes are in the blob store, waiting for their rows.
Stored = list[tuple["Received", str]]


def store_uploads(store: BlobStore, uploads: Sequence[Upload], max_bytes: int) -> Stored:
    """Put each upload's bytes in the blob store (all or none). The caller adds the
    rows with ``attach_stored_in`` or gives the blobs back with ``discard``."""
    stored: Stored = []
    try:
        for upload in uploads:
            received = Received(upload, max_bytes)
            stored.append((received, store.put(received.chunks())))
    except BaseException:
        discard(store, stored)
        raise
    return stored


def discard(store: BlobStore, stored: Stored) -> None:
    for _, key in stored:
        store.delete(key)


def clean_filename(raw: str | None) -> str:
    """A display name safe to store and to offer back in a download.

    Keeps the last path component only, drops control, surrogate and bidi-override
    characters, folds runs of whitespace, trims leading/trailing dots and spaces, and
    cuts to ``MAX_FILENAME_BYTES`` keeping the extension.
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = _PATH_SEPARATORS.split(name)[-1]
    name = "".join(
        " " if unicodedata.category(ch) == "Cc" else ch
        for ch in name
        if unicodedata.category(ch) != "Cs" and ch not in _BIDI_CONTROLS
    )
    name = " ".join(name.split()).strip(" .")
    return _truncate(name, MAX_FILENAME_BYTES) or FALLBACK_FILENAME


def sniff_content_type(head: bytes, *, is_utf8_text: bool) -> str:
    """The type the bytes are, from their first ``SNIFF_BYTES``: a recognised format's
    type, else ``text/plain`` for UTF-8 text, else ``application/octet-stream``."""
    if not head:
        return OCTET_STREAM
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    return TEXT_PLAIN if is_utf8_text else OCTET_STREAM


class Received:
    """One upload as it streams through: size, SHA-256, its head, and whether it is text."""

    def __init__(self, upload: Upload, max_bytes: int) -> None:
        self.upload = upload
        self.max_bytes = max_bytes
        self.filename = clean_filename(upload.filename)
        self.size = 0
        self.head = b""
        self.is_utf8_text = True
        self._sha = hashlib.sha256()
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def chunks(self) -> Iterator[bytes]:
        while chunk := self.upload.stream.read(CHUNK_BYTES):
            self.size += len(chunk)
            if self.size > self.max_bytes:
                raise PayloadTooLarge(
                    f"{self.filename}: attachments are limited to {self.max_bytes} bytes",
                    limit=self.max_bytes,
                    filename=self.filename,
                )
            self._sha.update(chunk)
            if len(self.head) < SNIFF_BYTES:
                self.head += chunk[: SNIFF_BYTES - len(self.head)]
            self._check_text(chunk)
            yield chunk
        self._check_text(b"", final=True)

    def _check_text(self, chunk: bytes, *, final: bool = False) -> None:
        if not self.is_utf8_text:
            return
        if b"\x00" in chunk:
            self.is_utf8_text = False
            return
        try:
            self._decoder.decode(chunk, final=final)
        except UnicodeDecodeError:
            self.is_utf8_text = False

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()

    @property
    def content_type(self) -> str:
        return sniff_content_type(self.head, is_utf8_text=self.is_utf8_text)


def _truncate(name: str, limit: int) -> str:
    """``name`` cut to ``limit`` UTF-8 bytes, keeping a short extension intact."""
    if len(name.encode()) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext.encode()) > 16:
        stem, suffix = name, ""
    else:
        suffix = f".{ext}"
    budget = limit - len(suffix.encode())
    stem = stem.encode()[:budget].decode("utf-8", "ignore").rstrip(" .")
    return f"{stem}{suffix}" if stem else suffix.lstrip(".")
