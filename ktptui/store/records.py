"""What the journal and the archive share: record types, errors, the line
format (``<crc32> <json>``) and the checks every stored record passes."""

from __future__ import annotations

import enum
import json
import os
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import model
from ..errors import Kind
from ..fsutil import StoreError
from ..i18n import Said, say, shown
from ..locks import open_private
from ..model import Job, to_text
from . import ledger

TABLES = ("jobs", "outbox", "ledger", "events", "meta")


class EventKind(enum.StrEnum):
    """What an event of the audit trail is about (its ``kind``; stored as
    these strings)."""

    JOB = "job"  # a job's state changed (every ``Transaction.put_job`` that moves it)
    BLANKS = "blanks"  # the blank ledger
    PRINTING = "printing"  # paused / resumed
    POWER = "power"
    LINK = "link"
    REPORT = "report"  # central refused an outcome report
    SESSION = "session"
    SUKET = "suket"
    RETENTION = "retention"
    HANDOVER = "handover"  # a printed card handed over (the hand-over register)


class MetaKey(enum.StrEnum):
    """The keys of the store's ``meta`` table (stored as these strings)."""

    LAST_REQUEST_AT = "last_request_at"
    PRINTING_PAUSED = "printing_paused"
    CENTRAL_CLOCK = "central_clock"
    ENGINE_STATUS = "engine_status"
    PRINT_SESSION = "print_session"
    PRINT_SESSION_LAST = "print_session_last"
    #: Cards interrupted mid-print, ever (a counter for monitoring).
    CARDS_INTERRUPTED = "cards_interrupted"
    #: When central last accepted an outcome report (RFC 3339).
    LAST_REPORT_AT = "last_report_at"
    #: Printers paused one by one: {name: {"by": operator, "note": note}}.
    PRINTERS_PAUSED = "printers_paused"
    SUKET_REGISTER = "suket_register"  # {"year": 2026, "seq": 12}: the yearly Suket numbers
    #: Authorisations asked for whose answer is not recorded: {job id: attempt}
    #: (central may hold one whose reply, or whose station, was lost).
    AUTHORISING = "authorising"


class StoreCorrupt(StoreError):
    pass


class StoreFull(StoreError):
    pass


class JobNotFound(StoreError):
    """No such job (or the reference is ambiguous): the store is fine."""

    error_kind = Kind.REFUSED


@dataclass(frozen=True)
class OutboxItem:
    """A card outcome waiting to be reported to central, in order."""

    job_id: str
    attempt: int
    authorization_id: str
    outcome: str
    operator: str
    note: str = ""
    queued_at: str = field(default_factory=lambda: to_text(model.now_utc()))
    #: The card document to delete once this outcome is reported.
    document: str | None = None
    attempts: int = 0
    last_error: str = ""
    next_try_at: str | None = None

    @property
    def key(self) -> str:
        return f"{self.job_id}/{self.attempt}"


@dataclass(frozen=True)
class Event:
    """One line of the audit trail / event log."""

    id: str
    at: str
    kind: str
    operator: str
    detail: str = ""
    job_id: str | None = None
    #: Its place in the audit chain and its hash (see ``chain``); None on
    #: events written before chains existed.
    seq: int | None = field(default=None, compare=False)
    hash: str | None = field(default=None, compare=False)
    #: The detail as a catalogue key and values (``i18n.Said``); ``detail``
    #: keeps its English line. Stored only when set.
    detail_key: str | None = None
    detail_values: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if self.detail_key is None:
            del d["detail_key"], d["detail_values"]
        return d

    def shown(self) -> str:
        """The detail in the operator's language (as stored for old records)."""
        return shown(self.detail, self.detail_key, self.detail_values)


def encode_line(obj: Any) -> bytes:
    body = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()
    return b"%08x " % zlib.crc32(body) + body + b"\n"


def decode_line(line: bytes) -> Any | None:
    """The object on a line, or None when the line is torn or damaged."""
    if len(line) < 10 or line[8:9] != b" " or not line.endswith(b"\n"):
        return None
    body = line[9:-1]
    try:
        if int(line[:8], 16) != zlib.crc32(body):
            return None
        return json.loads(body)
    except ValueError:
        return None


def check_doc(table: str, key: Any, doc: Any) -> Job | None:
    """Raise (KeyError, TypeError, ValueError, AttributeError) unless ``doc`` is a
    well-formed record of ``table``; a job comes back built (for the cache)."""
    if not isinstance(key, str) or not isinstance(doc, dict):
        raise TypeError("not a keyed record")
    if table == "jobs":
        job = Job.from_dict(doc)
        if job.id != key:
            raise ValueError(f"job id {job.id!r} filed under {key!r}")
        return job
    if table == "outbox":
        OutboxItem(**doc)
    elif table == "ledger":
        ledger.Entry.from_dict(doc)
    elif table == "events":
        Event(**doc)
    elif "value" not in doc:
        raise KeyError("value")
    return None


MALFORMED = (KeyError, TypeError, ValueError, AttributeError)


def why(e: BaseException) -> str:
    """An exception as a short reason ("missing 'tables'" for a KeyError)."""
    return f"missing {e}" if isinstance(e, KeyError) else str(e) or type(e).__name__


def malformed(path: Path, where: Said, e: BaseException) -> StoreCorrupt:
    return StoreCorrupt.said("store.malformed", path=str(path), where=where, what=why(e),
                             folder=str(path.parent))


def line_of(path: Path, pos: int) -> Said:
    """ "line 17 (byte 2048)" for an error message."""
    try:
        fd = open_private(path, os.O_RDONLY)
        try:
            line = os.pread(fd, pos, 0).count(b"\n") + 1
        finally:
            os.close(fd)
    except (OSError, StoreError):
        return say("store.at_byte", byte=pos)
    return say("store.at_line", line=line, byte=pos)


def read_lines(path: Path, offset: int,
               starts: list[int] | None = None) -> tuple[list[Any], int, int]:
    """Objects from ``offset`` on, the offset after the last good line, and
    the number of bytes past it (a torn tail). Damage before good lines raises.
    ``starts`` gets each object's byte position in the file."""
    try:
        fd = open_private(path, os.O_RDONLY)
    except FileNotFoundError:
        return [], offset, 0
    try:
        size = os.fstat(fd).st_size
        data = os.pread(fd, size - offset, offset) if size > offset else b""
    finally:
        os.close(fd)
    out: list[Any] = []
    pos = 0
    good_end = 0
    bad_at: int | None = None
    while pos < len(data):
        nl = data.find(b"\n", pos)
        end = len(data) if nl < 0 else nl + 1
        obj = decode_line(data[pos:end])
        if obj is None:
            bad_at = bad_at if bad_at is not None else pos
        elif bad_at is not None:
            line_no = data[:bad_at].count(b"\n") + 1
            raise StoreCorrupt.said("store.damaged_at", path=str(path), byte=offset + bad_at,
                                    line=line_no, folder=str(path.parent))
        else:
            out.append(obj)
            if starts is not None:
                starts.append(offset + pos)
            good_end = end
        pos = end
    return out, offset + good_end, len(data) - good_end
