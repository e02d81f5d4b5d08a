"""Spool backend: each card document becomes a file the card printer software picks up.

Some card printers come with their own software that watches a folder. A card
counts as PRINTED once its file is in place under its final name; the file is
written so that name never holds a partial document (temp file in the same
folder, fsync, rename, fsync the folder). Files are 0600 and the folder,
created at start, 0700: card documents hold personal data.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from pathlib import Path

from ..fsutil import DiskFull, ensure_private_dir, fsync_dir, write_atomic
from ..i18n import say
from .base import Printer, PrinterStatus, PrintOutcome, PrintResult

TMP_PREFIX = ".ktptui-"
TMP_SUFFIX = ".tmp"
#: Below this much free space the spool folder is reported not ready: a card
#: document is far smaller, so this is only a warning margin.
MIN_FREE_BYTES = 1 << 20


def extension(content_type: str) -> str:
    return "pdf" if content_type.split(";")[0].strip().lower() == "application/pdf" else "bin"


class SpoolPrinter(Printer):
    name = "spool"

    def __init__(self, spool_dir: Path) -> None:
        self.spool_dir = Path(spool_dir)
        self._lock = threading.Lock()
        self._cleaned = False
        # Created once, at start. If it vanishes later (a share unmounted, a
        # folder deleted) it is reported, not silently recreated: a recreated
        # local folder would collect cards that no printer ever sees.
        with contextlib.suppress(OSError):
            ensure_private_dir(self.spool_dir)

    def _final(self, job_id: str, attempt: int, ext: str) -> Path:
        return self.spool_dir / f"{job_id}-{attempt}.{ext}"

    def _clean_leftovers(self) -> None:
        """Temp files left by a crash never became cards: remove them once."""
        if self._cleaned:
            return
        self._cleaned = True
        try:
            for p in self.spool_dir.glob(f"{TMP_PREFIX}*{TMP_SUFFIX}"):
                p.unlink(missing_ok=True)
        except OSError:
            pass

    def status(self) -> PrinterStatus:
        d = self.spool_dir
        if not d.is_dir():
            return PrinterStatus(False, f"spool folder {d} does not exist — create it or "
                                        "check [printer] spool_dir")
        if not os.access(d, os.W_OK | os.X_OK):
            return PrinterStatus(False, f"spool folder {d} is not writable by this user — "
                                        "fix its permissions")
        try:
            free = shutil.disk_usage(d).free
        except OSError as e:
            return PrinterStatus(False, f"spool folder {d} cannot be checked: {e.strerror}")
        if free < MIN_FREE_BYTES:
            return PrinterStatus(False, f"disk full in {d}: free some space on that disk")
        return PrinterStatus(True, "ready")

    def print_card(self, job_id: str, attempt: int, document: bytes,
                   content_type: str) -> PrintOutcome:
        # Writing one file is quick and either completes or leaves nothing.
        with self._lock:
            if not self.spool_dir.is_dir():
                return PrintOutcome.saying(PrintResult.NOT_PRINTED,
                                           say("printer.out.no_spool", path=str(self.spool_dir)))
            self._clean_leftovers()
            final = self._final(job_id, attempt, extension(content_type))
            tmp = self.spool_dir / f"{TMP_PREFIX}{final.name}.{os.getpid()}{TMP_SUFFIX}"
            try:
                write_atomic(final, document, tmp=tmp, sync_dir=False)
            except DiskFull:
                return PrintOutcome.saying(PrintResult.NOT_PRINTED,
                                           say("printer.out.disk_full", path=str(self.spool_dir)))
            except OSError as e:
                return PrintOutcome.saying(PrintResult.NOT_PRINTED,
                                           say("printer.out.cannot_write",
                                               path=str(self.spool_dir),
                                               why=str(e.strerror or e)))
            try:
                fsync_dir(self.spool_dir)
            except OSError as e:
                # The file is in place (the printer software can take it); only
                # its durability across a power cut is in doubt.
                return PrintOutcome.saying(PrintResult.PRINTED,
                                           say("printer.out.sync_failed", why=str(e.strerror)))
            return PrintOutcome(PrintResult.PRINTED)
