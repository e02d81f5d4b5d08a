"""The archive: finished jobs, ledger entries and events, read for history.

Records leave the hot set when the journal is compacted and are appended to
monthly segments ``archive/<table>-YYYY-MM.jsonl``, one ``<crc32> <json>``
line each. The ledger and events segments (the audit trail) only ever grow;
a jobs segment is rewritten whole only for data retention.
"""

from __future__ import annotations

import errno
import json
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..fsutil import DiskFull, disk_full_message, write_all, write_atomic
from ..locks import open_private
from .records import (
    MALFORMED,
    StoreFull,
    check_doc,
    encode_line,
    line_of,
    malformed,
    read_lines,
)

log = logging.getLogger("ktptui.store")

#: How much of an archive file's end is checked for a torn tail before appending.
TAIL_CHECK = 256 * 1024


def tail_start(path: Path) -> int:
    """A line start near the end of ``path``: only the last batch appended can
    be torn, so compaction need not re-read a month of archive to find it."""
    fd = open_private(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        if size <= TAIL_CHECK:
            return 0
        nl = os.pread(fd, TAIL_CHECK, size - TAIL_CHECK).find(b"\n")
    finally:
        os.close(fd)
    return 0 if nl < 0 else size - TAIL_CHECK + nl + 1


class Archive:
    """The monthly segments in one folder."""

    def __init__(self, folder: Path) -> None:
        self.dir = folder

    def segments(self, table: str) -> list[Path]:
        return sorted(self.dir.glob(f"{table}-*.jsonl"))

    def append(self, stem: str, docs: list[dict[str, Any]]) -> None:
        """Append ``docs`` to segment ``stem`` and fsync it (a torn tail left
        by a crash is cut first)."""
        path = self.dir / f"{stem}.jsonl"
        _, end, torn = read_lines(path, tail_start(path)) if path.exists() else ([], 0, 0)
        fd = open_private(path, os.O_WRONLY | os.O_CREAT)
        try:
            if torn:
                os.ftruncate(fd, end)
            os.lseek(fd, end, os.SEEK_SET)
            try:
                write_all(fd, b"".join(encode_line(d) for d in docs))
                os.fsync(fd)
            except OSError as e:
                os.ftruncate(fd, end)
                if e.errno == errno.ENOSPC:
                    raise StoreFull(disk_full_message(path)) from None
                raise
        finally:
            os.close(fd)

    def rewrite(self, path: Path,
                change: Callable[[dict[str, Any]], dict[str, Any] | None]) -> int:
        """Apply ``change`` to each record of one segment; rewrite it atomically
        when any changed. Returns how many changed. The caller holds the lock."""
        docs, _, _ = read_lines(path, 0)
        out: list[dict[str, Any]] = []
        n = 0
        for doc in docs:
            new = change(json.loads(json.dumps(doc)))  # a private copy
            n += new is not None and new != doc
            out.append(doc if new is None else new)
        if n:
            try:
                write_atomic(path, b"".join(encode_line(d) for d in out))
            except DiskFull:
                raise StoreFull(disk_full_message(path)) from None
        return n

    def records(self, table: str) -> Iterator[dict[str, Any]]:
        """Archived records, each checked: a malformed one is a one-line error
        naming the file and line, not a traceback in the middle of a report."""
        for path in self.segments(table):
            starts: list[int] = []
            docs, _, torn = read_lines(path, 0, starts)
            if torn:
                # Left by a crash while archiving (those records are still in
                # the hot set, and the next compaction cuts it), or damage.
                log.warning("%s ends in %d bytes that fail their checksum; they are "
                            "ignored", path, torn)
            for doc, start in zip(docs, starts, strict=True):
                try:
                    check_doc(table, doc.get("id") if isinstance(doc, dict) else None, doc)
                except MALFORMED as e:
                    raise malformed(path, line_of(path, start), e) from None
                yield doc
