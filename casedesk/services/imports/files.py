"""Attachments of an import: their bytes (base64 in the record, or a file beside the
import file) streamed into the blob store as an upload is, with size, SHA-256 and the
content type the bytes show.

Blobs are stored before their batch's transaction; those of a batch that fails, or of
a record that is refused, are deleted again. A dry run reads and checks each file but
stores nothing.
"""

from __future__ import annotations

import base64
import binascii
import io
from pathlib import Path

from casedesk.domain.errors import ValidationFailed
from casedesk.services.attachments.attaching import StoredFile
from casedesk.services.attachments.files import Received, Upload
from casedesk.services.imports.records import FileIn
from casedesk.store.blobs import BlobStore, new_key


class FileReader:
    """Stores the files of a batch, and remembers them until the batch is settled."""

    def __init__(self, store: BlobStore, base_dir: Path, max_bytes: int, dry_run: bool) -> None:
        self.store = store
        self.base_dir = base_dir
        self.max_bytes = max_bytes
        self.dry_run = dry_run
        self._pending: list[str] = []

    def read(self, file: FileIn, where: str) -> StoredFile:
        """The stored file; ValidationFailed naming ``where`` when it cannot be read."""
        if (file.content_base64 is None) == (file.path is None):
            raise ValidationFailed(f"{where}: give content_base64 or path", field=where)
        if file.content_base64 is not None:
            try:
                data = base64.b64decode(file.content_base64, validate=True)
            except (binascii.Error, ValueError):
                raise ValidationFailed(
                    f"{where}: content_base64 is not base64", field=where
                ) from None
            stream: io.BufferedIOBase = io.BytesIO(data)
        else:
            path = self.base_dir / str(file.path)
            try:
                stream = path.open("rb")
            except OSError as exc:
                raise ValidationFailed(
                    f"{where}: cannot read {file.path}: {exc.strerror}", field=where
                ) from None
        with stream:
            received = Received(Upload(file.filename, stream, file.content_type), self.max_bytes)
            if self.dry_run:
                for _ in received.chunks():
                    pass
                key = f"dry-run/{new_key()}"  # rolled back with its batch
            else:
                key = self.store.put(received.chunks())
                self._pending.append(key)
        return StoredFile(
            filename=received.filename,
            storage_key=key,
            content_type=received.content_type,
            size=received.size,
            sha256=received.sha256,
            declared_content_type=file.content_type,
        )

    def mark(self) -> int:
        """Where the files of the next record start."""
        return len(self._pending)

    def discard_since(self, mark: int) -> None:
        """Delete the blobs stored since ``mark`` (a record refused while being read)."""
        for key in self._pending[mark:]:
            self.store.delete(key)
        del self._pending[mark:]

    def discard(self, files: list[StoredFile]) -> None:
        """Delete the blobs of a refused record."""
        keys = set() if self.dry_run else {f.storage_key for f in files}
        for key in keys:
            self.store.delete(key)
        self._pending = [k for k in self._pending if k not in keys]

    def discard_pending(self) -> None:
        """Delete the blobs of a batch that failed."""
        for key in self._pending:
            self.store.delete(key)
        self._pending = []

    def keep_pending(self) -> None:
        """The batch is committed (or rolled back in a dry run, which stored nothing)."""
        self._pending = []
