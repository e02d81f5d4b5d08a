"""Card documents (print files from central), kept as files beside the store.

A document is checked against its sha256 before it is kept and again before it
is printed, written atomically, and deleted once the card's outcome has been
reported: the station keeps citizens' card data no longer than it needs to.
Like every store file, a document is never read or written through a symlink.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from ..errors import Kind, KtpError
from ..fsutil import UnsafeFile, ensure_store_dir, read_file, write_atomic

_EXTENSIONS = {"application/pdf": "pdf"}


class DocumentError(KtpError):
    """A document that is missing or does not match its hash."""

    error_kind = Kind.STORE


def _refused(e: UnsafeFile) -> DocumentError:
    """A document file refused (a planted link), in the same words."""
    error = DocumentError(str(e))
    if e.key is not None:
        error.say(e.key, **(e.values or {}))
    return error


class Documents:
    def __init__(self, directory: Path) -> None:
        self.dir = directory
        ensure_store_dir(directory, top=False)

    @staticmethod
    def name_for(job_id: str, attempt: int, content_type: str) -> str:
        return f"{job_id}-{attempt}.{_EXTENSIONS.get(content_type, 'bin')}"

    def save(self, job_id: str, attempt: int, content_type: str, data: bytes, sha256: str) -> str:
        """Store the document and return its file name; refuse a hash mismatch."""
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256.lower():
            raise DocumentError.said("store.doc_sha", job=job_id[:8], got=actual[:12],
                                     want=sha256[:12])
        name = self.name_for(job_id, attempt, content_type)
        try:
            write_atomic(self.dir / name, data)
        except UnsafeFile as e:
            raise _refused(e) from None
        return name

    def read(self, name: str, sha256: str) -> bytes:
        try:
            data = read_file(self.dir / name)
        except FileNotFoundError:
            raise DocumentError.said("store.doc_missing", name=name,
                                     folder=str(self.dir)) from None
        except UnsafeFile as e:
            raise _refused(e) from None
        if hashlib.sha256(data).hexdigest() != sha256.lower():
            raise DocumentError.said("store.doc_damaged", name=name)
        return data

    def delete(self, name: str | None) -> None:
        if not name:
            return
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.dir / name)

    def names(self) -> set[str]:
        return {p.name for p in self.dir.iterdir() if not p.name.startswith(".")}

    def sweep(self, keep: set[str]) -> list[str]:
        """Delete documents no job needs any more (e.g. left by a crash)."""
        gone = sorted(self.names() - keep)
        for name in gone:
            self.delete(name)
        for p in self.dir.glob(".*.tmp"):
            p.unlink(missing_ok=True)
        return gone
