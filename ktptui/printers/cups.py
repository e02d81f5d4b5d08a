"""CUPS backend: submit with ``lp``, follow the job until its outcome is known.

How the outcome is read. ``lpstat`` cannot tell a completed job from a
cancelled or aborted one: ``lpstat -W completed`` lists all three, and its
``-l`` "Alerts" line showed ``processing-to-stop-point`` for both completed
and cancelled jobs on CUPS 2.4. So the job's IPP ``job-state`` is read with a
minimal IPP client (stdlib only; ``ipptool`` is not part of the cups packages)
over the same server ``lp`` uses (``lpstat -H`` resolves it the way libcups
does). If IPP cannot be read, ``lpstat`` still says whether the job is
waiting or finished, and a finished job is then UNKNOWN: the operator decides.

Outcomes:

* completed -> PRINTED;
* cancelled or aborted before the job started processing -> NOT_PRINTED;
* cancelled or aborted after it started processing -> SPOILED (a blank may
  have been fed and no good card came out; the reason says to check);
* processing-stopped -> UNKNOWN; the stopped job is cancelled so it cannot
  print later behind the operator's back (after they settled it);
* still waiting when ``timeout_s`` runs out or ``stop`` is set -> a job that
  never started is cancelled (NOT_PRINTED once CUPS confirms it never ran);
  a job already processing is left alone (a card in progress finishes) and
  the outcome is UNKNOWN;
* ``lp`` refused (queue missing, not accepting, CUPS down) -> NOT_PRINTED.

``reached_printer`` looks the card up by its title (``<job_id>-<attempt>``)
among the jobs CUPS still remembers: started processing -> True, finished
without ever processing -> False, otherwise (not found, still queued) None.
"""

from __future__ import annotations

import contextlib
import getpass
import http.client
import itertools
import os
import re
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .base import Printer, PrinterStatus, PrintOutcome, PrintResult

CMD_TIMEOUT_S = 30.0
IPP_TIMEOUT_S = 10.0

# IPP job-state values (RFC 8011 5.3.7).
PENDING, HELD, PROCESSING, STOPPED, CANCELED, ABORTED, COMPLETED = range(3, 10)
STATE_NAMES = {0: "finished", PENDING: "pending", HELD: "held", PROCESSING: "processing",
               STOPPED: "stopped", CANCELED: "cancelled", ABORTED: "aborted",
               COMPLETED: "completed"}

_REQUEST_ID = re.compile(r"request id is (\S+)-(\d+)")
_JOB_LINE = re.compile(r"^(\S+)-(\d+)\s")


class IppError(Exception):
    """The IPP request could not be made or was refused."""


# -- a minimal IPP client ---------------------------------------------------------

_TAG_OPERATION, _TAG_JOB, _TAG_END = 0x01, 0x02, 0x03
_INTEGER, _BOOLEAN, _ENUM = 0x21, 0x22, 0x23
_TEXT, _NAME, _KEYWORD, _URI, _CHARSET, _LANGUAGE = 0x41, 0x42, 0x44, 0x45, 0x47, 0x48
_NO_VALUE = 0x13
OP_GET_JOB_ATTRIBUTES, OP_GET_JOBS = 0x0009, 0x000A
_request_ids = itertools.count(1)

Attrs = dict[str, list[Any]]


def _attr(tag: int, name: str, *values: bytes) -> bytes:
    out = b""
    for i, v in enumerate(values):
        n = name.encode() if i == 0 else b""
        out += bytes([tag]) + len(n).to_bytes(2, "big") + n + len(v).to_bytes(2, "big") + v
    return out


def encode_request(op: int, attrs: list[bytes]) -> bytes:
    head = b"\x02\x00" + op.to_bytes(2, "big") + next(_request_ids).to_bytes(4, "big")
    return head + bytes([_TAG_OPERATION]) + b"".join(attrs) + bytes([_TAG_END])


def decode_response(data: bytes) -> tuple[int, list[tuple[int, Attrs]]]:
    """(status-code, [(group tag, {name: [values]})]); strings decoded, ints as int."""
    if len(data) < 9:
        raise IppError("short IPP response")
    status = int.from_bytes(data[2:4], "big")
    groups: list[tuple[int, Attrs]] = []
    pos, name = 8, ""
    while pos < len(data):
        tag = data[pos]
        pos += 1
        if tag == _TAG_END:
            break
        if tag < 0x10:
            groups.append((tag, {}))
            continue
        nlen = int.from_bytes(data[pos:pos + 2], "big")
        pos += 2
        if nlen:
            name = data[pos:pos + nlen].decode("utf-8", "replace")
        pos += nlen
        vlen = int.from_bytes(data[pos:pos + 2], "big")
        pos += 2
        raw = data[pos:pos + vlen]
        pos += vlen
        if pos > len(data) or not groups:
            raise IppError("malformed IPP response")
        value: Any
        if tag in (_INTEGER, _ENUM) and vlen == 4:
            value = int.from_bytes(raw, "big", signed=True)
        elif tag == _BOOLEAN:
            value = raw != b"\x00"
        elif 0x40 <= tag <= 0x4F:
            value = raw.decode("utf-8", "replace")
        elif 0x10 <= tag <= 0x1F:  # out-of-band: no-value, unknown, unsupported
            value = None
        else:
            value = raw
        groups[-1][1].setdefault(name, []).append(value)
    return status, groups


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


@dataclass(frozen=True)
class CupsAddress:
    """Where the scheduler listens: a unix socket path, or host and port."""

    host: str = "localhost"
    port: int = 631
    socket_path: str = ""

    @classmethod
    def parse(cls, server: str) -> CupsAddress:
        """``host``, ``host:port``, ``[v6]:port`` or ``/path/to/socket``
        (a libcups ``/version=...`` suffix is dropped)."""
        server = server.strip()
        if server.startswith("/"):
            return cls(socket_path=server)
        server = server.split("/", 1)[0]
        if server.startswith("["):
            host, _, rest = server[1:].partition("]")
            port = rest.lstrip(":")
        else:
            host, _, port = server.partition(":")
        return cls(host=host or "localhost", port=int(port) if port.isdigit() else 631)

    def connection(self, timeout: float) -> http.client.HTTPConnection:
        if self.socket_path:
            return _UnixHTTPConnection(self.socket_path, timeout)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)


def ipp_request(address: CupsAddress, op: int, attrs: list[bytes],
                timeout: float = IPP_TIMEOUT_S) -> tuple[int, list[tuple[int, Attrs]]]:
    body = encode_request(op, [
        _attr(_CHARSET, "attributes-charset", b"utf-8"),
        _attr(_LANGUAGE, "attributes-natural-language", b"en"),
        *attrs,
    ])
    conn = address.connection(timeout)
    try:
        conn.request("POST", "/", body, {"Content-Type": "application/ipp"})
        resp = conn.getresponse()
        data = resp.read()
    except (OSError, http.client.HTTPException) as e:
        raise IppError(f"cannot reach CUPS: {e}") from None
    finally:
        conn.close()
    if resp.status != 200:
        raise IppError(f"CUPS answered HTTP {resp.status} {resp.reason}")
    return decode_response(data)


# -- the backend ------------------------------------------------------------------


@dataclass
class JobInfo:
    """What CUPS says about one job."""

    state: int
    reasons: list[str] = field(default_factory=list)
    message: str = ""
    #: True once the job has started processing (filters or device ran).
    processed: bool = False

    @property
    def state_name(self) -> str:
        return STATE_NAMES.get(self.state, f"state {self.state}")

    def explain(self) -> str:
        """CUPS's own words for why, if any (printer message, else reasons)."""
        if self.message:
            return self.message
        useful = [r for r in self.reasons if r not in ("none", "processing-to-stop-point",
                                                       "job-printing")]
        return ", ".join(useful)


_JOB_ATTRS = ("job-id", "job-name", "job-state", "job-state-reasons",
              "job-printer-state-message", "time-at-processing")


def job_info(attrs: Attrs) -> JobInfo:
    def first(name: str) -> Any:
        values = attrs.get(name) or [None]
        return values[0]

    state = first("job-state")
    if not isinstance(state, int):
        raise IppError("CUPS did not return the job state")
    started = first("time-at-processing")
    processed = (isinstance(started, int) and started > 0) or state in (PROCESSING, STOPPED)
    return JobInfo(state, [str(r) for r in attrs.get("job-state-reasons", []) if r],
                   str(first("job-printer-state-message") or ""), processed)


def parse_job_ids(lpstat_out: str, queue: str) -> set[int]:
    """Job numbers from ``lpstat -o`` style lines (``QUEUE-N  user  size  date``)."""
    ids: set[int] = set()
    for line in lpstat_out.splitlines():
        m = _JOB_LINE.match(line)
        if m and m.group(1) == queue:
            ids.add(int(m.group(2)))
    return ids


def parse_printer_status(queue: str, lpstat_p: str, lpstat_a: str) -> PrinterStatus:
    """Readiness from ``lpstat -p QUEUE`` and ``lpstat -a QUEUE`` (C locale) output."""
    def reason_after(text: str, marker: str) -> str:
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if marker in line:
                rest = [ln.strip() for ln in lines[i + 1:] if ln.startswith(("\t", " "))]
                return "; ".join(r for r in rest if r)
        return ""

    if f"{queue} not accepting requests" in lpstat_a:
        why = reason_after(lpstat_a, "not accepting requests")
        why = "" if why == "Rejecting Jobs" else why  # CUPS's default says nothing new
        return PrinterStatus(False, f"printer queue '{queue}' is not accepting jobs"
                                    f"{': ' + why if why else ''} — accept them with "
                                    f"cupsaccept {queue}")
    if f"printer {queue} disabled" in lpstat_p:
        why = reason_after(lpstat_p, "disabled since") or "Paused"
        return PrinterStatus(False, f"printer queue '{queue}' is disabled: {why} — "
                                    f"enable it with cupsenable {queue}")
    if f"printer {queue} " in lpstat_p:
        return PrinterStatus(True, "ready")
    return PrinterStatus(False, f"printer queue '{queue}' does not exist — check [printer] queue")


class CupsPrinter(Printer):
    name = "cups"

    def __init__(self, queue: str, server: str = "", poll_s: float = 0.2,
                 timeout_s: float = 120.0, *, use_ipp: bool = True) -> None:
        """``use_ipp=False`` follows jobs by ``lpstat`` alone (finished jobs are
        then UNKNOWN); for tests and for servers that refuse IPP queries."""
        self.queue = queue
        self.server = server
        self.poll_s = poll_s
        self.timeout_s = timeout_s
        self.use_ipp = use_ipp
        self._address: CupsAddress | None = None
        try:
            self._user = getpass.getuser()
        except (KeyError, OSError):
            self._user = "ktptui"

    # -- commands --------------------------------------------------------------
    def _env(self) -> dict[str, str]:
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        if self.server:
            env["CUPS_SERVER"] = self.server
        return env

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a CUPS client command; a missing command or a hang is exit 127/124."""
        try:
            return subprocess.run(list(args), env=self._env(), capture_output=True, text=True,
                                  timeout=CMD_TIMEOUT_S, stdin=subprocess.DEVNULL)
        except FileNotFoundError:
            return subprocess.CompletedProcess(
                list(args), 127, "", f"{args[0]} not found: install cups-client and cups-bsd")
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess(
                list(args), 124, "", f"{args[0]} did not answer within {CMD_TIMEOUT_S:g} s")

    def _scheduler_running(self) -> bool:
        # ``lpstat -r`` exits 0 either way: read what it says.
        return self._run("lpstat", "-r").stdout.strip() == "scheduler is running"

    def _not_running(self) -> str:
        return "CUPS is not running" + (f" on {self.server}" if self.server else "")

    def _addr(self) -> CupsAddress:
        if self._address is None:
            server = self.server or self._run("lpstat", "-H").stdout.strip() or "localhost"
            self._address = CupsAddress.parse(server)
        return self._address

    # -- status ----------------------------------------------------------------
    def status(self) -> PrinterStatus:
        if not self._scheduler_running():
            return PrinterStatus(False, self._not_running())
        p = self._run("lpstat", "-p", self.queue)
        a = self._run("lpstat", "-a", self.queue)
        if p.returncode in (124, 127):
            return PrinterStatus(False, f"cannot ask CUPS: {p.stderr.strip()}")
        return parse_printer_status(self.queue, p.stdout, a.stdout)

    # -- printing --------------------------------------------------------------
    def _submit(self, title: str, document: bytes) -> tuple[int | None, str]:
        """(CUPS job number, "") or (None, why it was refused)."""
        fd, tmp = tempfile.mkstemp(prefix="ktptui-card-")  # 0600: card data is personal
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(document)
            out = self._run("lp", "-d", self.queue, "-t", title, "--", tmp)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        m = _REQUEST_ID.search(out.stdout)
        if out.returncode == 0 and m:
            return int(m.group(2)), ""
        err = (out.stderr or out.stdout).strip()
        q = self.queue
        if "not accepting jobs" in err:
            return None, (f"printer queue '{q}' is not accepting jobs — accept them with "
                          f"cupsaccept {q}")
        if "does not exist" in err:
            if not self._scheduler_running():
                return None, self._not_running()
            return None, f"printer queue '{q}' does not exist — check [printer] queue"
        return None, f"CUPS refused the card: {err or f'lp exit {out.returncode}'}"

    def _job(self, number: int) -> JobInfo | None:
        """The job's IPP attributes; None when CUPS no longer knows it."""
        addr = self._addr()
        host = addr.host if not addr.socket_path else "localhost"
        uri = f"ipp://{host}:{addr.port}/jobs/{number}".encode()
        status, groups = ipp_request(addr, OP_GET_JOB_ATTRIBUTES, [
            _attr(_URI, "job-uri", uri),
            _attr(_NAME, "requesting-user-name", self._user.encode()),
            _attr(_KEYWORD, "requested-attributes", *(a.encode() for a in _JOB_ATTRS)),
        ])
        if status == 0x0406:  # client-error-not-found
            return None
        if status >= 0x0100:
            raise IppError(f"CUPS refused the job query (IPP status 0x{status:04x})")
        for tag, attrs in groups:
            if tag == _TAG_JOB:
                return job_info(attrs)
        raise IppError("CUPS returned no job attributes")

    def _job_by_lpstat(self, number: int) -> JobInfo | None:
        """Fallback: waiting or finished, from the job lists (no outcome)."""
        waiting = parse_job_ids(self._run("lpstat", "-o", self.queue).stdout, self.queue)
        if number in waiting:
            printing = f"now printing {self.queue}-{number}." in self._run(
                "lpstat", "-p", self.queue).stdout
            return JobInfo(PROCESSING, processed=True) if printing else JobInfo(PENDING)
        done = parse_job_ids(self._run("lpstat", "-W", "completed", "-o", self.queue).stdout,
                             self.queue)
        # Finished, but lpstat cannot say how: state 0 is "finished, outcome unknown".
        return JobInfo(0) if number in done else None

    def _read(self, number: int) -> tuple[JobInfo | None, str]:
        if self.use_ipp:
            try:
                return self._job(number), ""
            except IppError as e:
                return self._job_by_lpstat(number), str(e)
        return self._job_by_lpstat(number), "IPP not used"

    def _cancel(self, number: int) -> None:
        self._run("cancel", f"{self.queue}-{number}")

    def _withdraw(self, number: int, why: str) -> PrintOutcome:
        """Cancel a job we stop waiting for; NOT_PRINTED only if it never started."""
        self._cancel(number)
        label = f"{self.queue}-{number}"
        deadline = time.monotonic() + 5.0
        while True:
            info, _ = self._read(number)
            if info is None or info.state not in (PENDING, HELD, PROCESSING):
                break
            if time.monotonic() >= deadline:
                break
            time.sleep(self.poll_s)
        if info is not None and info.state == CANCELED and not info.processed:
            return PrintOutcome(PrintResult.NOT_PRINTED,
                                f"{why}; CUPS job {label} was withdrawn before printing")
        state = info.state_name if info is not None else "gone"
        return PrintOutcome(PrintResult.UNKNOWN,
                            f"{why}; CUPS job {label} had already started ({state}): "
                            "check the printer for a card")

    def print_card(self, job_id: str, attempt: int, document: bytes, content_type: str,
                   stop: threading.Event | None = None) -> PrintOutcome:
        # content_type is not passed on: CUPS types the file itself, and an
        # unknown type name would make lp refuse the card.
        number, refused = self._submit(f"{job_id}-{attempt}", document)
        if number is None:
            return PrintOutcome(PrintResult.NOT_PRINTED, refused)
        label = f"{self.queue}-{number}"
        deadline = time.monotonic() + self.timeout_s
        seen_processing = False
        while True:
            info, ipp_problem = self._read(number)
            if info is None:
                return PrintOutcome(PrintResult.UNKNOWN,
                                    f"CUPS has no record of job {label}: check the printer")
            seen_processing |= info.processed
            if info.state == 0:
                return PrintOutcome(PrintResult.UNKNOWN,
                                    f"CUPS job {label} finished but its result could not be "
                                    f"read ({ipp_problem}): check the printer for a card")
            outcome = self._finished(label, info, seen_processing)
            if outcome is not None:
                if info.state == STOPPED:
                    # Do not let it print later, after the operator has settled it.
                    self._cancel(number)
                return outcome
            why = ""
            if stop is not None and stop.is_set():
                why = "station stopping"
            elif time.monotonic() >= deadline:
                why = f"CUPS job {label} still {info.state_name} after {self.timeout_s:g} s"
            if why and seen_processing:
                # A card in progress is never cancelled: that would spoil it.
                return PrintOutcome(PrintResult.UNKNOWN,
                                    f"{why}; CUPS job {label} is still printing: check the "
                                    "printer for a card")
            if why:
                return self._withdraw(number, why)
            if stop is not None:
                stop.wait(self.poll_s)
            else:
                time.sleep(self.poll_s)

    @staticmethod
    def _finished(label: str, info: JobInfo, processed: bool) -> PrintOutcome | None:
        why = info.explain()
        extra = f" ({why})" if why else ""
        if info.state == COMPLETED:
            return PrintOutcome(PrintResult.PRINTED)
        if info.state in (CANCELED, ABORTED):
            verb = "cancelled" if info.state == CANCELED else "aborted"
            if processed:
                return PrintOutcome(PrintResult.SPOILED,
                                    f"CUPS job {label} was {verb} while printing{extra}: "
                                    "the blank is counted as spoiled; check the printer")
            return PrintOutcome(PrintResult.NOT_PRINTED,
                                f"CUPS job {label} was {verb} before printing{extra}")
        if info.state == STOPPED:
            return PrintOutcome(PrintResult.UNKNOWN,
                                f"CUPS job {label} stopped{extra}; it was cancelled so it "
                                "cannot print later: check the printer for a card")
        return None

    # -- after a crash ---------------------------------------------------------
    def reached_printer(self, job_id: str, attempt: int) -> bool | None:
        if not self.use_ipp:
            return None
        addr = self._addr()
        host = addr.host if not addr.socket_path else "localhost"
        uri = f"ipp://{host}:{addr.port}/printers/{self.queue}".encode()
        try:
            status, groups = ipp_request(addr, OP_GET_JOBS, [
                _attr(_URI, "printer-uri", uri),
                _attr(_NAME, "requesting-user-name", self._user.encode()),
                _attr(_KEYWORD, "which-jobs", b"all"),
                _attr(_KEYWORD, "requested-attributes", *(a.encode() for a in _JOB_ATTRS)),
            ])
        except IppError:
            return None
        if status >= 0x0100:
            return None
        title = f"{job_id}-{attempt}"
        found: list[JobInfo] = []
        for tag, attrs in groups:
            if tag == _TAG_JOB and (attrs.get("job-name") or [None])[0] == title:
                with contextlib.suppress(IppError):
                    found.append(job_info(attrs))
        if not found:
            return None  # never submitted, or CUPS has forgotten it: cannot tell
        if any(j.processed for j in found):
            return True
        if all(j.state in (CANCELED, ABORTED, COMPLETED) for j in found):
            return False
        return None  # still queued: it may yet print
