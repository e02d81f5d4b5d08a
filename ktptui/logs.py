"""Where log records go, with priorities that mean something.

* Under systemd (``JOURNAL_STREAM`` set, the journal's socket there) each
  record goes to journald by its native protocol, with its priority and the
  fields the code attached (``extra=fields(job=..., state=...)``:
  ``KTPTUI_JOB``, ``KTPTUI_STATE``, ``KTPTUI_PRINTER``, ``KTPTUI_OPERATOR``),
  so ``journalctl -u ktptui KTPTUI_JOB=1a2b3c4d -p warning`` works.
* Otherwise one line on stderr with a ``<N>`` priority prefix (journald reads
  those too when it captures stderr).
* The TUI logs to its own file, 0600, rotated.

Priorities: link lost = warning, printer error or interrupted card = error,
recovered = notice (``NOTICE``, between info and warning). No NIK, name or
phone goes into any record: callers log job ids.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import socket
import struct
import sys
from pathlib import Path
from typing import Any

from .text import SafeFormatter, log_safe

NOTICE = 25
logging.addLevelName(NOTICE, "NOTICE")

JOURNAL_SOCKET = Path("/run/systemd/journal/socket")
#: Fields a record may carry, and their journald names.
FIELDS = {"job": "KTPTUI_JOB", "state": "KTPTUI_STATE", "printer": "KTPTUI_PRINTER",
          "operator": "KTPTUI_OPERATOR"}
#: Bigger datagrams need a memfd; our records are one short line.
MAX_MESSAGE = 16_000

_SYSLOG = {logging.DEBUG: 7, logging.INFO: 6, NOTICE: 5, logging.WARNING: 4,
           logging.ERROR: 3, logging.CRITICAL: 2}


def priority(levelno: int) -> int:
    """The syslog priority of a logging level (the nearest one at or below)."""
    best = 7
    for level, prio in sorted(_SYSLOG.items()):
        if levelno >= level:
            best = prio
    return best


def fields(**values: object) -> dict[str, Any]:
    """``extra=`` for a log call: ``log.warning(..., extra=fields(job=j.short_id))``."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown log fields {sorted(unknown)}; known: {sorted(FIELDS)}")
    return {"ktptui_fields": {k: str(v) for k, v in values.items() if v is not None}}


class JournalFormatter(SafeFormatter):
    """One record, one journald line on stderr: ``<prio>`` first; controls (a
    newline from central included, tracebacks too) escaped."""

    def __init__(self, fmt: str) -> None:
        super().__init__(fmt, whole=True)

    def format(self, record: logging.LogRecord) -> str:
        return f"<{priority(record.levelno)}>{super().format(record)}"


class JournaldHandler(logging.Handler):
    """journald's native protocol: one datagram per record, ``KEY=value``
    lines (see systemd's "Native Journal Protocol")."""

    def __init__(self, path: Path, identifier: str = "ktptui") -> None:
        super().__init__()
        self.path = path
        self.identifier = identifier
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.setFormatter(SafeFormatter("%(message)s", whole=True))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = self.format(record)[:MAX_MESSAGE]
            items = [("MESSAGE", message), ("PRIORITY", str(priority(record.levelno))),
                     ("SYSLOG_IDENTIFIER", self.identifier), ("KTPTUI_LOGGER", record.name)]
            extra = getattr(record, "ktptui_fields", None) or {}
            items += [(FIELDS[k], log_safe(v)) for k, v in extra.items() if k in FIELDS]
            self.sock.sendto(b"".join(_field(k, v) for k, v in items), str(self.path))
        except Exception:  # noqa: BLE001 - logging must never stop the station
            self.handleError(record)

    def close(self) -> None:
        self.sock.close()
        super().close()


def _field(key: str, value: str) -> bytes:
    data = value.encode("utf-8", "replace")
    if b"\n" in data:  # the binary form: name, newline, 64-bit LE length, data
        return key.encode() + b"\n" + struct.pack("<Q", len(data)) + data + b"\n"
    return key.encode() + b"=" + data + b"\n"


def journald_present(path: Path) -> bool:
    """Run by systemd with its output in the journal (``JOURNAL_STREAM``) and
    the native socket there."""
    return bool(os.environ.get("JOURNAL_STREAM")) and path.is_socket()


def setup_service_logging(path: Path | None = None) -> None:
    """A headless run's logging: journald with fields, else stderr with prefixes."""
    path = path or JOURNAL_SOCKET
    handler: logging.Handler
    if journald_present(path):
        handler = JournaldHandler(path)
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JournalFormatter("%(name)s: %(message)s"))
    _install(handler)


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """The TUI's log: 0600 from its first byte, never through a symlink."""

    def _open(self) -> Any:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(self.baseFilename, flags, 0o600)
        os.fchmod(fd, 0o600)  # a file made by an older version may be 0644
        return open(fd, "a", encoding=self.encoding, errors=self.errors)  # noqa: SIM115


def setup_file_logging(path: Path, *, max_bytes: int = 1_000_000, backups: int = 2) -> None:
    """The TUI's logging: a line on stderr would tear the screen."""
    handler: logging.Handler
    try:
        handler = PrivateRotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups,
                                             encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(SafeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _install(handler)


def _install(handler: logging.Handler) -> None:
    root = logging.getLogger("ktptui")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False
