"""CUPS backend: submit over IPP, follow the job until its outcome is known.

The card goes to CUPS as an IPP Print-Job (no temporary file of personal data,
the job number comes back in the reply) and is followed by its IPP
``job-state``: ``lpstat`` cannot tell a completed job from a cancelled or
aborted one. The minimal IPP client is in ``ipp.py`` (stdlib only).
``use_ipp=False`` keeps the old ``lp``/``lpstat`` path for servers that refuse
IPP queries: a finished job is then UNKNOWN and the operator decides.

Outcomes:

* completed -> PRINTED;
* cancelled or aborted before the job started processing -> NOT_PRINTED;
* cancelled or aborted after it started processing -> SPOILED (a blank may
  have been fed and no good card came out; the reason says to check);
* back to pending or held after it started processing: the printer or its
  backend failed and CUPS would retry it (``printer-error-policy`` retry-job,
  retry-current-job, stop-printer). The station cancels it at once, as
  ``abort-job`` would: SPOILED, like an aborted job;
* processing-stopped -> cancelled, then UNKNOWN;
* still waiting when ``timeout_s`` runs out: the station
  gives up and cancels the job (IPP Cancel-Job), whether or not it started.
  A job that never started is NOT_PRINTED; one that had started is UNKNOWN.

Every cancel is checked: the job must be seen cancelled, aborted or completed
(or CUPS must have forgotten it) within a few seconds. When it cannot be seen
gone, the outcome is UNKNOWN with the reason, and ``still_queued`` makes
``ktptui resolve`` refuse until it is gone: a card the station gave up on
never prints later by itself after the operator settled it.

Readiness (``status``) comes from IPP, not ``lpstat`` text: the queue must
exist, accept jobs and not be stopped; then the printer itself is asked
(Get-Printer-Attributes) when the queue's ``device-uri`` (or
``[printer] device_uri``) is ipp:// or ipps://, because a CUPS queue shows no
reasons until a job reached the device and then keeps stale ones. Other
devices (usb:, file:...) are judged by the queue's own state and reasons.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

from ..i18n import CATALOGUE, Said, say
from .base import Printer, PrinterStatus, PrintOutcome, PrintResult, warning_text
from .ipp import (
    AUTH_REFUSED,
    INTEGER,
    KEYWORD,
    MIME,
    NAME,
    OP_CANCEL_JOB,
    OP_GET_JOB_ATTRIBUTES,
    OP_GET_JOBS,
    OP_PRINT_JOB,
    PRINTER_ATTRS,
    PRINTER_STOPPED,
    STATUS_GONE,
    STATUS_NOT_ACCEPTING,
    STATUS_NOT_FOUND,
    STATUS_NOT_POSSIBLE,
    TAG_JOB,
    URI,
    Attrs,
    CupsAddress,
    IppError,
    attr,
    classify,
    first,
    group,
    ipp_request,
    printer_attributes,
    safe_uri,
)

__all__ = ["ABORTED", "CANCELED", "COMPLETED", "HELD", "PENDING", "PROCESSING", "STOPPED",
           "CupsAddress", "CupsPrinter", "IppError", "JobInfo", "parse_job_ids",
           "parse_printer_status"]

CMD_TIMEOUT_S = 30.0
#: Asking the printer itself: short, the engine asks every few seconds.
DEVICE_TIMEOUT_S = 3.0
#: How long a cancelled job may take to show as gone.
CANCEL_WAIT_S = 5.0

# IPP job-state values (RFC 8011 5.3.7).
PENDING, HELD, PROCESSING, STOPPED, CANCELED, ABORTED, COMPLETED = range(3, 10)
STATE_NAMES = {0: "finished", PENDING: "pending", HELD: "held", PROCESSING: "processing",
               STOPPED: "stopped", CANCELED: "cancelled", ABORTED: "aborted",
               COMPLETED: "completed"}
#: Jobs that may still print.
WAITING = (PENDING, HELD, PROCESSING, STOPPED)
RETRY_POLICIES = ("retry-job", "retry-current-job")

_REQUEST_ID = re.compile(r"request id is (\S+)-(\d+)")
_JOB_LINE = re.compile(r"^(\S+)-(\d+)\s")
_QUEUE_ATTRS = (*PRINTER_ATTRS, "device-uri", "printer-error-policy")


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

    @property
    def state_said(self) -> Said:
        return _state(self.state_name)

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
    state = first(attrs, "job-state")
    if not isinstance(state, int):
        raise IppError("CUPS did not return the job state")
    started = first(attrs, "time-at-processing")
    processed = (isinstance(started, int) and started > 0) or state in (PROCESSING, STOPPED)
    # Words from CUPS and the device reach logs and screens: printable only.
    return JobInfo(state, [_clean(r) for r in attrs.get("job-state-reasons", []) if r],
                   _clean(first(attrs, "job-printer-state-message")), processed)


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
                 timeout_s: float = 120.0, *, use_ipp: bool = True,
                 device_uri: str = "") -> None:
        """``use_ipp=False`` follows jobs by ``lp``/``lpstat`` alone (finished
        jobs are then UNKNOWN); for servers that refuse IPP queries.
        ``device_uri``: the card printer's own ipp(s):// address, when the
        queue's device-uri is not it (e.g. a vendor backend)."""
        self.queue = queue
        self.server = server
        self.poll_s = poll_s
        self.timeout_s = timeout_s
        self.use_ipp = use_ipp
        self.device_uri = device_uri
        self.cancel_wait_s = CANCEL_WAIT_S
        self._address: CupsAddress | None = None
        # As libcups's cupsUser(): the uid's name, what PeerCred is checked against.
        self._user = _login() or "ktptui"

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
        return str(self._not_running_said())

    def _not_running_said(self) -> Said:
        return (say("printer.out.cups_down_on", server=self.server) if self.server
                else say("printer.out.cups_down"))

    def _addr(self) -> CupsAddress:
        if self._address is None:
            server = self.server or self._run("lpstat", "-H").stdout.strip() or "localhost"
            self._address = CupsAddress.parse(server)
        return self._address

    def _queue_uri(self) -> bytes:
        return self._addr().uri(f"/printers/{self.queue}")

    def _ipp(self, op: int, attrs: list[bytes], document: bytes = b"", *, auth: bool = False,
             ) -> tuple[int, list[tuple[int, Attrs]]]:
        """``auth``: prove who we are on a unix socket (PeerCred), as libcups
        does when CUPS asks, for owner-only operations (Cancel-Job)."""
        return ipp_request(self._addr(), op, [
            *attrs[:1], attr(NAME, "requesting-user-name", self._user.encode()), *attrs[1:]],
            document=document, user=_login() if auth else "")

    # -- status ----------------------------------------------------------------
    def status(self) -> PrinterStatus:
        if not self.use_ipp:
            return self._status_by_lpstat()
        q = self.queue
        try:
            queue = printer_attributes(self._addr(), self._queue_uri(), _QUEUE_ATTRS,
                                       user=self._user)
        except IppError as e:
            if e.unreachable:
                return PrinterStatus(False, self._not_running(), ("cups-down",))
            return PrinterStatus(False, f"cannot ask CUPS about queue '{q}': {e}",
                                 ("cups-down",))
        if queue is None:
            return PrinterStatus(False, f"printer queue '{q}' does not exist — check "
                                        "[printer] queue", ("queue-missing",))
        warnings: tuple[str, ...] = ()
        if first(queue, "printer-error-policy") in RETRY_POLICIES:
            warnings = ("error-policy-retry",)
        why = _clean(first(queue, "printer-state-message"))
        if first(queue, "printer-is-accepting-jobs") is False:
            why = "" if why == "Rejecting Jobs" else why  # CUPS's default says nothing new
            return PrinterStatus(False, f"printer queue '{q}' is not accepting jobs"
                                        f"{': ' + why if why else ''} — accept them with "
                                        f"cupsaccept {q}", ("queue-rejecting",), warnings)
        if first(queue, "printer-state") == PRINTER_STOPPED:
            return PrinterStatus(False, f"printer queue '{q}' is disabled: {why or 'Paused'}"
                                        f" — enable it with cupsenable {q}",
                                 ("queue-stopped",), warnings)
        device = self.device_uri or str(first(queue, "device-uri") or "")
        if device.lower().startswith(("ipp://", "ipps://")):
            try:
                addr = CupsAddress.from_uri(device)
                found = printer_attributes(addr, addr.uri(addr.path), PRINTER_ATTRS,
                                           user=self._user, timeout=DEVICE_TIMEOUT_S)
            except (IppError, ValueError) as e:
                return PrinterStatus(False, f"the printer at {safe_uri(device)} does not "
                                            f"answer ({e}): check it is on and connected",
                                     ("offline",), warnings)
            if found is None:
                return PrinterStatus(False, f"no printer at {safe_uri(device)} — check the "
                                            "queue's device URI or [printer] device_uri",
                                     ("offline",), warnings)
            where = f"the printer at {safe_uri(device)}"
        else:
            # Not an IPP device: the queue's own view is all there is.
            found, where = queue, f"printer queue '{q}'"
        state = first(found, "printer-state")
        blocking, warn = classify(state if isinstance(state, int) else None,
                                  found.get("printer-state-reasons", []))
        warnings += warn
        if blocking:
            return PrinterStatus(False, f"{where} reports {', '.join(blocking)}",
                                 blocking, warnings)
        text = "ready"
        if warnings:
            text += " (warning: " + "; ".join(warning_text(w) for w in warnings) + ")"
        return PrinterStatus(True, text, (), warnings)

    def _status_by_lpstat(self) -> PrinterStatus:
        if not self._scheduler_running():
            return PrinterStatus(False, self._not_running(), ("cups-down",))
        p = self._run("lpstat", "-p", self.queue)
        a = self._run("lpstat", "-a", self.queue)
        if p.returncode in (124, 127):
            return PrinterStatus(False, f"cannot ask CUPS: {p.stderr.strip()}", ("cups-down",))
        return parse_printer_status(self.queue, p.stdout, a.stdout)

    # -- printing --------------------------------------------------------------
    def _submit(self, title: str, document: bytes) -> tuple[int | None, Said | str]:
        """(CUPS job number, "") or (None, why it was refused)."""
        if not self.use_ipp:
            return self._submit_by_lp(title, document)
        q = self.queue
        try:
            # application/octet-stream: CUPS types the file itself, as lp does.
            status, groups = self._ipp(OP_PRINT_JOB, [
                attr(URI, "printer-uri", self._queue_uri()),
                attr(NAME, "job-name", title.encode()),
                attr(MIME, "document-format", b"application/octet-stream"),
            ], document=document)
        except IppError as e:
            return None, (self._not_running_said() if e.unreachable
                          else say("printer.out.refused", why=str(e)))
        if status == STATUS_NOT_FOUND:
            return None, say("printer.out.no_queue", queue=q)
        if status == STATUS_NOT_ACCEPTING:
            return None, say("printer.out.not_accepting", queue=q)
        job = group(groups, TAG_JOB)
        number = first(job, "job-id") if job is not None else None
        if status >= 0x0100 or not isinstance(number, int):
            ops = group(groups, 0x01) or {}
            why = _clean(first(ops, "status-message")) or f"IPP status 0x{status:04x}"
            return None, say("printer.out.refused", why=why)
        return number, ""

    def _submit_by_lp(self, title: str, document: bytes) -> tuple[int | None, Said | str]:
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
            return None, say("printer.out.not_accepting", queue=q)
        if "does not exist" in err:
            if not self._scheduler_running():
                return None, self._not_running_said()
            return None, say("printer.out.no_queue", queue=q)
        return None, say("printer.out.refused", why=_clean(err) or f"lp exit {out.returncode}")

    def _job(self, number: int) -> JobInfo | None:
        """The job's IPP attributes; None when CUPS no longer knows it."""
        status, groups = self._ipp(OP_GET_JOB_ATTRIBUTES, [
            attr(URI, "job-uri", self._addr().uri(f"/jobs/{number}")),
            attr(KEYWORD, "requested-attributes", *(a.encode() for a in _JOB_ATTRS)),
        ])
        if status == STATUS_NOT_FOUND:
            return None
        if status >= 0x0100:
            raise IppError(f"CUPS refused the job query (IPP status 0x{status:04x})")
        attrs = group(groups, TAG_JOB)
        if attrs is None:
            raise IppError("CUPS returned no job attributes")
        return job_info(attrs)

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

    def _cancel(self, number: int) -> str:
        """IPP Cancel-Job; "" when CUPS took it, else why not.

        Where CUPS wants the owner authenticated and our request is refused
        (a TCP connection to a cupsd that requires it), the ``cancel`` command
        does it with libcups's own local authentication."""
        label = f"{self.queue}-{number}"
        if self.use_ipp:
            try:
                status, groups = self._ipp(OP_CANCEL_JOB, [
                    attr(URI, "printer-uri", self._queue_uri()),
                    attr(INTEGER, "job-id", number.to_bytes(4, "big")),
                ], auth=True)
            except IppError as e:
                if e.http_status not in (401, 403):
                    return f"cannot reach CUPS to cancel {label}: {e}"
            else:
                # not-possible: it already finished; gone/not-found: forgotten.
                if status < 0x0100 or status in (STATUS_NOT_POSSIBLE, STATUS_NOT_FOUND,
                                                 STATUS_GONE):
                    return ""
                if status not in AUTH_REFUSED:
                    ops = group(groups, 0x01) or {}
                    return _clean(first(ops, "status-message")) or f"IPP status 0x{status:04x}"
        out = self._run("cancel", label)
        return "" if out.returncode == 0 else (out.stderr or out.stdout).strip()[:200]

    def _cancel_and_check(self, number: int) -> tuple[bool, JobInfo | None, str]:
        """Cancel and wait (bounded) until CUPS shows the job finished or
        forgotten: (gone, last info, problem)."""
        problem = self._cancel(number)
        deadline = time.monotonic() + self.cancel_wait_s
        while True:
            info, ipp_problem = self._read(number)
            if info is None or info.state not in WAITING:
                return True, info, ""
            if time.monotonic() >= deadline:
                return False, info, problem or ipp_problem
            time.sleep(min(self.poll_s, 0.2))

    # -- the printer's own queue (an IPP device) ------------------------------------
    def _ipp_device(self) -> str:
        """The card printer's own ipp(s):// URI, or "" when there is none."""
        device = self.device_uri
        if not device and self.use_ipp:
            with contextlib.suppress(IppError):
                queue = printer_attributes(self._addr(), self._queue_uri(), ("device-uri",),
                                           user=self._user)
                device = str(first(queue, "device-uri") or "") if queue else ""
        return device if device.lower().startswith(("ipp://", "ipps://")) else ""

    def _device_jobs(self, device: str, job_id: str) -> list[tuple[int, str, int]]:
        """(printer's job id, title, state) of the printer's unfinished jobs
        titled ``<job_id>-<attempt>`` (CUPS's ipp backend passes the title on).
        Raises IppError or ValueError when the printer cannot be asked."""
        addr = CupsAddress.from_uri(device)
        status, groups = ipp_request(addr, OP_GET_JOBS, [
            attr(URI, "printer-uri", addr.uri(addr.path)),
            attr(NAME, "requesting-user-name", self._user.encode()),
            attr(KEYWORD, "which-jobs", b"not-completed"),
            attr(KEYWORD, "requested-attributes", b"job-id", b"job-name", b"job-state"),
        ], timeout=DEVICE_TIMEOUT_S)
        if status >= 0x0100:
            raise IppError(f"the printer refused its job list (IPP status 0x{status:04x})")
        found = []
        for tag, attrs in groups:
            title, number, state = (first(attrs, k) for k in ("job-name", "job-id", "job-state"))
            if (tag == TAG_JOB and isinstance(title, str) and isinstance(number, int)
                    and state in WAITING and title.rpartition("-")[0] == job_id
                    and title.rpartition("-")[2].isdigit()):
                found.append((number, title, int(state)))
        return found

    def _withdraw_from_device(self, title: str) -> Said | None:
        """Cancel the card on the printer itself too: CUPS's backend may have
        handed it over already, and a printer waiting for blanks prints it once
        they are loaded. "" when nothing of it is left there or the printer is
        not an IPP device, else what it still holds, or that it could not be
        asked (it is off or unreachable)."""
        device = self._ipp_device()
        if not device:
            return None
        job_id = title.rpartition("-")[0]
        try:
            addr = CupsAddress.from_uri(device)
            jobs = [j for j in self._device_jobs(device, job_id) if j[1] == title]
            for number, _, _ in jobs:
                ipp_request(addr, OP_CANCEL_JOB, [
                    attr(URI, "printer-uri", addr.uri(addr.path)),
                    attr(INTEGER, "job-id", number.to_bytes(4, "big")),
                    attr(NAME, "requesting-user-name", self._user.encode()),
                ], timeout=DEVICE_TIMEOUT_S)
            deadline = time.monotonic() + self.cancel_wait_s
            while jobs:
                time.sleep(min(self.poll_s, 0.2))
                jobs = [j for j in self._device_jobs(device, job_id) if j[1] == title]
                if jobs and time.monotonic() >= deadline:
                    number, _, state = jobs[0]
                    return say("printer.out.device_holds", uri=safe_uri(device), number=number,
                               state=_state(STATE_NAMES.get(state, str(state))))
        except (IppError, ValueError) as e:
            return say("printer.out.device_unasked", uri=safe_uri(device), why=str(e))
        return None

    def _give_up(self, number: int, title: str, why: Said, processed: bool) -> PrintOutcome:
        """Cancel a job we stop waiting for and check it is gone."""
        label = f"{self.queue}-{number}"
        gone, info, problem = self._cancel_and_check(number)
        if not gone:
            state = info.state_said if info is not None else _state("unknown")
            return PrintOutcome.saying(PrintResult.UNKNOWN,
                                       _not_gone(why, label, state, problem))
        if info is not None and info.state == COMPLETED:
            return PrintOutcome(PrintResult.PRINTED)  # it finished as we gave up
        if info is not None and info.state == CANCELED and not (processed or info.processed):
            return PrintOutcome.saying(PrintResult.NOT_PRINTED,
                                       say("printer.out.withdrawn", why=why, label=label))
        if held := self._withdraw_from_device(title):
            return PrintOutcome.saying(PrintResult.UNKNOWN, _device_holds(why, label, held))
        state = info.state_said if info is not None else _state("gone")
        return PrintOutcome.saying(PrintResult.UNKNOWN, say("printer.out.started", why=why,
                                                            label=label, state=state))

    def _failed_retry(self, number: int, title: str, info: JobInfo) -> PrintOutcome:
        """The device failed and CUPS put the job back to try again: cancel
        it, as printer-error-policy abort-job would."""
        label = f"{self.queue}-{number}"
        detail = info.explain()
        why = (say("printer.out.failed_why", label=label, detail=detail) if detail
               else say("printer.out.failed", label=label))
        gone, after, problem = self._cancel_and_check(number)
        if not gone:
            state = after.state_said if after is not None else _state("unknown")
            return PrintOutcome.saying(PrintResult.UNKNOWN,
                                       _not_gone(why, label, state, problem))
        if after is not None and after.state == COMPLETED:
            return PrintOutcome(PrintResult.PRINTED)
        if held := self._withdraw_from_device(title):
            return PrintOutcome.saying(PrintResult.UNKNOWN, _device_holds(why, label, held))
        return PrintOutcome.saying(PrintResult.SPOILED, say("printer.out.retried", why=why))

    def print_card(self, job_id: str, attempt: int, document: bytes,
                   content_type: str) -> PrintOutcome:
        # content_type is not passed on: CUPS types the file itself, and an
        # unknown type name would make CUPS refuse the card.
        title = f"{job_id}-{attempt}"
        number, refused = self._submit(title, document)
        if number is None:
            if isinstance(refused, Said):
                return PrintOutcome.saying(PrintResult.NOT_PRINTED, refused)
            return PrintOutcome(PrintResult.NOT_PRINTED, refused)
        label = f"{self.queue}-{number}"
        deadline = time.monotonic() + self.timeout_s
        seen_processing = False
        while True:
            info, ipp_problem = self._read(number)
            if info is None:
                return PrintOutcome.saying(PrintResult.UNKNOWN,
                                           say("printer.out.no_record", label=label))
            seen_processing |= info.processed
            if info.state == 0:
                return PrintOutcome.saying(PrintResult.UNKNOWN, say(
                    "printer.out.unreadable", label=label, why=ipp_problem))
            if info.state == STOPPED:
                detail = info.explain()
                return self._give_up(number, title, say(
                    "printer.out.stopped_why", label=label, detail=detail) if detail
                    else say("printer.out.stopped", label=label), True)
            if seen_processing and info.state in (PENDING, HELD):
                return self._failed_retry(number, title, info)
            outcome = self._finished(label, info, seen_processing)
            if outcome is not None:
                return outcome
            if time.monotonic() >= deadline:
                why = say("printer.out.still", label=label, state=info.state_said,
                          s=f"{self.timeout_s:g}")
                return self._give_up(number, title, why, seen_processing)
            time.sleep(self.poll_s)

    @staticmethod
    def _finished(label: str, info: JobInfo, processed: bool) -> PrintOutcome | None:
        why = info.explain()
        if info.state == COMPLETED:
            return PrintOutcome(PrintResult.PRINTED)
        if info.state in (CANCELED, ABORTED):
            verb = _state("cancelled" if info.state == CANCELED else "aborted")
            when = "during" if processed else "before"
            said = (say(f"printer.out.{when}_why", label=label, verb=verb, detail=why) if why
                    else say(f"printer.out.{when}", label=label, verb=verb))
            return PrintOutcome.saying(PrintResult.SPOILED if processed
                                       else PrintResult.NOT_PRINTED, said)
        return None

    # -- after a crash ---------------------------------------------------------
    def _jobs_titled(self, job_id: str, which: bytes, *, hidden: bool = False,
                     ) -> list[tuple[int, str, JobInfo]]:
        """(job number, title, info) of this queue's jobs whose title is
        ``<job_id>-<attempt>``; raises IppError when CUPS cannot be asked.

        ``hidden``: also jobs whose title CUPS hides from this user
        (JobPrivateValues), with an empty title: they may be this card."""
        status, groups = self._ipp(OP_GET_JOBS, [
            attr(URI, "printer-uri", self._queue_uri()),
            attr(KEYWORD, "which-jobs", which),
            attr(KEYWORD, "requested-attributes", *(a.encode() for a in _JOB_ATTRS)),
        ])
        if status == STATUS_NOT_FOUND:
            return []  # no such queue: nothing of ours can print there
        if status >= 0x0100:
            raise IppError(f"CUPS refused the job list (IPP status 0x{status:04x})")
        found: list[tuple[int, str, JobInfo]] = []
        for tag, attrs in groups:
            if tag != TAG_JOB:
                continue
            title = first(attrs, "job-name")
            head, _, tail = title.rpartition("-") if isinstance(title, str) else ("", "", "")
            if (head == job_id and tail.isdigit()) or (hidden and title is None):
                with contextlib.suppress(IppError):
                    found.append((int(first(attrs, "job-id") or 0), title or "",
                                  job_info(attrs)))
        return found

    def still_queued(self, job_id: str) -> str:
        if not self.use_ipp:
            return ""
        try:
            jobs = self._jobs_titled(job_id, b"not-completed", hidden=True)
        except IppError as e:
            return (f"cannot ask CUPS whether this card is still queued ({e}): start CUPS "
                    "and try again")
        waiting = [(n, title, info) for n, title, info in jobs if info.state in WAITING]
        if not waiting:
            return self._still_on_device(job_id)
        number, title, info = waiting[0]
        label = f"{self.queue}-{number}"
        if not title:
            return (f"CUPS job {label} is still {info.state_name} and CUPS hides its title "
                    f"from user {self._user}, so it may be this card: resolve as the user "
                    f"who prints, or cancel it with 'cancel {label}'")
        return (f"CUPS job {label} for this card is still {info.state_name} and may print: "
                f"cancel it with 'cancel {label}' or let it finish, then resolve")

    def _still_on_device(self, job_id: str) -> str:
        device = self._ipp_device()
        if not device:
            return ""
        try:
            jobs = self._device_jobs(device, job_id)
        except (IppError, ValueError):
            return ""  # the printer cannot be asked (off): its own queue cannot print either
        if not jobs:
            return ""
        number, _, state = jobs[0]
        return (f"the printer at {safe_uri(device)} still holds this card (its job {number}, "
                f"{STATE_NAMES.get(state, state)}) and may print it: cancel it on the printer "
                "or let it finish, then resolve")


def _login() -> str:
    """The name of the uid we run as: what CUPS checks PeerCred against."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return ""


def _clean(value: Any) -> str:
    """A CUPS or printer message for one line: printable characters only."""
    text = value if isinstance(value, str) else ""
    return "".join(c if c.isprintable() else " " for c in text).strip()[:200]


def _state(name: str) -> Said:
    """A CUPS job state's name ("processing"), as the catalogue says it."""
    key = f"printer.job.{name}"
    return say(key) if key in CATALOGUE else say("link.raw", text=name)


def _device_holds(why: Said, label: str, held: Said) -> Said:
    return say("printer.out.device_kept", why=why, label=label, held=held)


def _not_gone(why: Said, label: str, state: Said, problem: str) -> Said:
    if problem:
        return say("printer.out.not_gone_why", why=why, label=label, state=state,
                   problem=problem)
    return say("printer.out.not_gone", why=why, label=label, state=state)
