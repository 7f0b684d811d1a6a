"""Where attachment bytes live: a small interface and a local-directory implementation.

Rows in the database describe an attachment; the bytes sit in a blob store under a key
the store chooses itself (random, never derived from the uploader's filename), so no
input can steer where a file is written. A blob becomes visible under its key only once
it is complete: it is written to a temporary file next to its final place and renamed
atomically, so a reader never sees half a file and a failed upload leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Protocol


class BlobStore(Protocol):
    """Write-once storage of byte streams under keys chosen by the store."""

    def put(self, chunks: Iterable[bytes]) -> str:
        """Store the concatenated ``chunks`` and return the new key.

        If iterating ``chunks`` raises, nothing is stored and the error propagates.
        """
        ...

    def open(self, key: str) -> BinaryIO:
        """The stored bytes, for reading. KeyError when there is no such blob."""
        ...

    def path(self, key: str) -> Path:
        """A local path to the blob, for sending it with the OS's zero-copy file I/O."""
        ...

    def delete(self, key: str) -> None:
        """Remove the blob; deleting a missing blob is not an error."""
        ...


#: ``ab/cdef…``: two hex digits of fan-out (256 directories), then the rest of 128 bits.
_KEY = re.compile(r"[0-9a-f]{2}/[0-9a-f]{30}")
_TMP_PREFIX = ".tmp-"


def new_key() -> str:
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token[2:]}"


class LocalBlobStore:
    """Blobs as files under ``root`` (``settings.attachments_dir``)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, chunks: Iterable[bytes]) -> str:
        key = new_key()
        final = self.path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=final.parent, prefix=_TMP_PREFIX)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _fsync_dir(final.parent)
        return key

    def open(self, key: str) -> BinaryIO:
        try:
            return self.path(key).open("rb")
        except FileNotFoundError:
            raise KeyError(key) from None

    def path(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise KeyError(key)
        return self.root / key

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable (a no-op where directories cannot be opened, e.g. Windows)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
