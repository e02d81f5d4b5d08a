"""The print engine: turns the queue into cards through link drops and power cuts.

Two threads share one ``Store``:

* the **network** thread probes central's health, reports outcomes from the
  outbox (in order), gives back expired authorisations, and authorises the next
  few jobs ahead of the printer so the printer never waits on the network;
* the **printer** thread (the caller of ``run``) checks the gates before each
  card (an interrupted card, paused, a print session, token, blanks, power,
  printer, an authorised job ready), prints it and settles it: state, ledger
  and outbox in one durable transaction.

Neither thread knows about screens: front ends read ``status()`` or pass
``on_status``. At start, ``recover()`` turns every job found ``printing`` into
``interrupted``: a card may or may not have come out, and a second e-KTP for
one citizen is a security incident, so only an operator decides. Until they
do, that printer starts no new card (a half-printed one may still sit in it).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from .. import actions
from ..central import (
    CentralClient,
    CentralError,
    FinalAnswer,
    LinkMonitor,
    LinkState,
    TokenRefused,
    TransientError,
    Trouble,
)
from ..central.clock import CentralClock, boot_id
from ..config import Config
from ..fsutil import DiskFull
from ..i18n import Said, say
from ..locks import StoreBusy
from ..model import (
    Job,
    Outcome,
    State,
    from_text,
    now_utc,
    queue_order,
    started_printing,
    to_text,
)
from ..nik import mask
from ..office import sessions
from ..office.retention import purge
from ..power import PowerSource, PowerStatus, may_start_card
from ..printers import PrintResult
from ..printers.base import Printer, PrinterStatus
from ..store import EventKind, MetaKey, OutboxItem, Store, StoreError
from ..store.documents import DocumentError
from .status import OPERATOR_GATES, STATUS_KEY, Gate, InterruptedCard, StationStatus

__all__ = ["OPERATOR_GATES", "Engine", "EngineStatus", "Gate", "StationStatus"]

log = logging.getLogger("ktptui.engine")

#: Give an authorisation back this long before it expires rather than risk
#: printing on one that lapses mid-card.
EXPIRY_MARGIN = timedelta(seconds=60)
POWER_EVERY_S = 5.0
PRINTER_EVERY_S = 5.0
#: Personal data of old finished jobs is reduced at start, then once a day.
PURGE_EVERY_S = 24 * 3600.0
#: A job whose authorisation lapsed unused this many times in a row is held:
#: asking again would only loop (a wrong clock, lifetimes shorter than the
#: margin, or a station that sat without printing for hours).
MAX_LAPSES = 3
#: The station's clock is shown as off when it is off by more than this.
CLOCK_SHOWN_S = 120.0
#: Store meta: central's clock offset measured last, with the boot it holds for.
CLOCK_KEY = MetaKey.CENTRAL_CLOCK
#: History note of the step to ``printing``, followed by the printer's name:
#: an interrupted card stops the printer it was sent to.


#: The engine's status is the station's status (``station.status``).
EngineStatus = StationStatus


class Engine:
    def __init__(
        self,
        store: Store,
        config: Config,
        *,
        client: CentralClient | None,
        printer: Printer,
        power: PowerSource,
        link: LinkMonitor,
        operator: str,
        on_status: Callable[[EngineStatus], None] | None = None,
        client_factory: Callable[[], CentralClient] | None = None,
        clock: CentralClock | None = None,
    ) -> None:
        self.store = store
        self.config = config
        #: Central's clock: every client this engine uses reads it from replies.
        self.clock = clock or (client.clock if client is not None else CentralClock())
        self.client = self._adopt(client)
        self.client_factory = client_factory
        self.printer = printer
        self.power_source = power
        self.link = link
        self.operator = operator
        self.on_status = on_status
        self.stop_event = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._power = PowerStatus("unknown", None, None, False, "power not read yet")
        self._power_at = -1e9
        self._printer_status = PrinterStatus(False, "printer not checked yet")
        self._printer_at = -1e9
        self._current: str | None = None
        self._status = StationStatus(Gate.IDLE, "starting", link.snapshot(),
                                     self._power, self._printer_status,
                                     low_threshold=config.blanks.low_threshold)
        self.status_at_end = self._status
        self._published: tuple[object, ...] = ()
        self._link_state: LinkState | None = None
        self._power_kind = ""
        self._purged_at: float | None = None
        self._boot = boot_id()
        self._saved_offset: float | None = None
        self._restore_clock()

    # -- recovery ------------------------------------------------------------
    def recover(self) -> list[Said]:
        """After a crash or power cut: interrupted cards, stale documents
        (catalogue texts: the front shows them in the operator's language)."""
        notes: list[Said] = []
        self.store.refresh()
        with self.store.transaction() as tx:
            for job in self.store.jobs([State.PRINTING]):
                actions.interrupted(tx, job, operator=self.operator,
                                    note=say("note.stopped_printing"))
                notes.append(say("recover.interrupted", job=job.short_id))
        keep = {j.document for j in self.store.active_jobs() if j.document}
        keep |= {i.document for i in self.store.outbox() if i.document}
        for name in self.store.documents.sweep(keep):
            notes.append(say("recover.stale_document", name=name[:8]))
        self._give_back_expired()
        return notes

    # -- gates and status ----------------------------------------------------
    def _read_power(self) -> PowerStatus:
        now = time.monotonic()
        if now - self._power_at >= POWER_EVERY_S:
            self._power = self.power_source.read()
            self._power_at = now
            if self._power.source != self._power_kind:
                self._power_kind = self._power.source
                p = self._power
                charge = "?" if p.charge is None else p.charge
                self._event(EventKind.POWER, say("event.power.battery", charge=charge)
                            if p.source == "battery" else say("event.power.mains")
                            if p.source == "mains" else say(
                                "event.power.unknown",
                                why=p.detail.removeprefix("power state unknown: ")))
        return self._power

    def _read_printer(self, force: bool = False) -> PrinterStatus:
        now = time.monotonic()
        if force or now - self._printer_at >= PRINTER_EVERY_S:
            self._printer_status = self.printer.status()
            self._printer_at = now
        return self._printer_status

    def _event(self, kind: EventKind, detail: str | Said) -> None:
        try:
            with self.store.transaction() as tx:
                tx.add_event(kind, self.operator, detail)
        except StoreError as e:
            log.error("cannot record %s event: %s", kind, e)

    def _ready_jobs(self) -> list[str]:
        """Authorised jobs in queue order that are not about to expire, judged
        on central's clock; none with a lifetime while that clock is unknown."""
        central = self.clock.now()
        return [j.id for j in queue_order(self.store.jobs([State.AUTHORIZED]))
                if j.expires_at is None or (central is not None
                                            and not self._lapsed(j.expires_at, central))]

    def evaluate(self) -> EngineStatus:
        """The gates, in the order an operator would check them."""
        self.store.refresh()
        power = self._read_power()
        printer = self._read_printer()
        blanks = self.store.ledger_totals().balance
        link = self.link
        interrupted: InterruptedCard | None = None
        paused = self.store.meta(actions.PAUSED_KEY)
        stuck = self._interrupted_here()
        if stuck:
            first = stuck[0]
            interrupted = InterruptedCard(first.id, first.holder_name or None,
                                          started_printing(first), len(stuck))
        ok, power_reason = may_start_card(power, self.config.power.min_runtime_s)
        queued = self.store.count([State.QUEUED])
        if self._current:
            gate, reason = Gate.PRINTING, f"Printing job {self._current[:8]}"
        elif self.stop_event.is_set():
            gate, reason = Gate.STOPPING, "Stopping: no new cards"
        elif stuck:
            gate, reason = Gate.INTERRUPTED, (
                f"Not printing: card {stuck[0].short_id} (sent to the printer at "
                f"{started_printing(stuck[0]) or 'an unknown time'}) was interrupted; "
                "check the printer, then resolve it" + (
                    f" ({len(stuck) - 1} more interrupted)" if len(stuck) > 1 else ""))
        elif paused:
            gate, reason = Gate.PAUSED, f"Not printing: paused by {paused.get('by', '?')}" + (
                f" ({paused['note']})" if paused.get("note") else "")
        elif self.config.office.require_session and not self.store.meta(sessions.OPEN_KEY):
            gate, reason = Gate.SESSION, ("Not printing: no print session open; open one "
                                          "(`ktptui session open --count N`)")
        elif link.token_refused:
            gate, reason = Gate.TOKEN, f"Not printing: {link.last_error}"
        elif blanks <= 0:
            gate, reason = Gate.BLANKS, "Not printing: no blanks left; record a shipment"
        elif not ok:
            gate, reason = Gate.POWER, f"Not printing: {power_reason}"
        elif not printer.ready:
            gate, reason = Gate.PRINTER, f"Not printing: {printer.message}"
        elif self._ready_jobs():
            gate, reason = Gate.PRINTING, "Printing"
        elif self.clock.now() is None and self.store.count([State.AUTHORIZED]):
            gate, reason = Gate.WAITING, ("Waiting for central's clock to check the "
                                          "authorisations' lifetime")
        elif queued and link.blocked():
            gate, reason = Gate.LINK, f"Not printing: {link.describe()}"
        elif queued:
            gate, reason = Gate.WAITING, f"Waiting for central to authorise {queued} job(s)"
        else:
            gate, reason = Gate.IDLE, "Queue empty"
        offset = self.clock.offset_s()
        status = StationStatus(
            gate, reason, link.snapshot(), power, printer, blanks,
            self.config.blanks.low_threshold, self.store.counts(), self._current,
            None if offset is None else round(offset, 1), interrupted)
        self._publish(status)
        return status

    @property
    def printer_name(self) -> str:
        """This printer's name in the job history (the CUPS queue name)."""
        return self.config.printer.queue

    def _interrupted_here(self) -> list[Job]:
        """Interrupted cards that stop this printer, oldest first: each one
        unless it was sent to another printer this station drives (none yet:
        one printer per station). An unrecorded printer (older records) or a
        renamed queue stops this one too: the card may sit in it."""
        others: set[str] = set()
        return sorted((j for j in self.store.jobs([State.INTERRUPTED])
                       if j.printer not in others),
                      key=lambda j: (started_printing(j) or "", j.id))

    def _publish(self, status: EngineStatus) -> None:
        with self._lock:
            self._status = status
        if self.on_status:
            self.on_status(status)
        # Only what changes by event (no countdowns) goes to the store, so
        # `ktptui status` in another session sees it without a write per tick.
        shown_offset = (None if status.clock_offset_s is None
                        else round(status.clock_offset_s / 60))  # minutes: no write per tick
        link = status.link
        # The link's state and cause, not each failure's words (a link going
        # down says them anew at every probe); the power's detail, not its
        # numbers (a UPS on mains reports a charge that moves).
        key = (status.gate.value, link.state, link.since, link.cause,
               status.power.source, status.power.detail, status.printer,
               status.reason if status.gate is not Gate.LINK else "", shown_offset,
               status.interrupted)
        if key != self._published:
            self._published = key
            if status.gate is not Gate.PRINTING or status.current_job is None:
                log.info("%s", status.reason)
            try:
                with self.store.transaction() as tx:
                    tx.set_meta(STATUS_KEY, status.to_json())
            except StoreError as e:
                log.error("cannot record engine status: %s", e)

    def status(self) -> StationStatus:
        with self._lock:
            return self._status

    # -- network side --------------------------------------------------------
    def _note_link(self) -> None:
        if self.link.state is not self._link_state:
            self._link_state = self.link.state
            state = say(f"event.link.{self.link.state.value}")
            detail = (say("event.link_down", state=state, why=self.link.last_error)
                      if self.link.state is LinkState.DOWN else state)
            self._event(EventKind.LINK, detail)
            log.info("link %s", detail)

    def _adopt(self, client: CentralClient | None) -> CentralClient | None:
        if client is not None:
            client.clock = self.clock
        return client

    def _client(self) -> CentralClient | None:
        if self.client is None and self.client_factory is not None:
            try:
                self.client = self._adopt(self.client_factory())
            except (CentralError, ValueError, OSError) as e:
                log.error("%s", e)
                return None
        return self.client

    # -- central's clock -------------------------------------------------------
    def _restore_clock(self) -> None:
        """An offset measured earlier in this boot holds until the next reply;
        after a reboot the wall clock may have been reset, so an authorisation's
        remaining lifetime is unknown until central answers again."""
        saved = self.store.meta(CLOCK_KEY)
        if (isinstance(saved, dict) and self._boot and saved.get("boot_id") == self._boot
                and isinstance(saved.get("offset_s"), int | float)):
            self.clock.restore(float(saved["offset_s"]))
            self._saved_offset = float(saved["offset_s"])

    def _save_clock(self) -> None:
        """Keep the measured offset for a restart in this boot (a write only
        when it moved: the ``Date`` header has whole seconds)."""
        offset = self.clock.offset_s() if self.clock.measured else None
        if offset is None or (self._saved_offset is not None
                              and abs(offset - self._saved_offset) < 2.0):
            return
        self._saved_offset = offset
        if abs(offset) > CLOCK_SHOWN_S:
            log.warning("station clock is %s central's", clock_words(offset))
        try:
            with self.store.transaction() as tx:
                tx.set_meta(CLOCK_KEY, {"offset_s": round(offset, 1), "boot_id": self._boot,
                                        "at": to_text(now_utc())})
        except StoreError as e:
            log.error("cannot record central's clock offset: %s", e)

    def _lapsed(self, expires_at: str | None, central: datetime) -> bool:
        if expires_at is None:
            return False
        try:
            return from_text(expires_at) <= central + EXPIRY_MARGIN
        except ValueError:
            return True  # not a time: never print on it

    def network_step(self) -> bool:
        """One round of network work; True when something was done."""
        try:
            return self._network_round()
        finally:
            self._save_clock()  # what this round's replies measured

    def _network_round(self) -> bool:
        self.store.refresh()
        did = self._give_back_expired()
        client = self._client()
        if client is None:
            return did
        if self.link.token_refused or self.link.state is LinkState.DOWN:
            if self.link.probe_due():
                if self.link.token_refused and self.client_factory is not None:
                    # The operator may have put a new token in place: re-read it.
                    if self.client is not None:
                        self.client.close()
                    self.client = None
                    client = self._client()
                    if client is None:
                        return did
                self.link.probe(client)
                self._note_link()
        elif not self.link.blocked() and self.link.probe_due():
            self.link.probe(client)
            self._note_link()
        if self.link.blocked():  # down, token refused, or central asked us to wait
            return did
        did |= self._drain_outbox(client)
        did |= self._authorize_ahead(client)
        return did

    def _call_failed(self, e: CentralError) -> None:
        self.link.record_failure(e)
        self._note_link()

    def _drain_outbox(self, client: CentralClient) -> bool:
        did = False
        for item in self.store.outbox():
            if self.stop_event.is_set():
                break
            try:
                client.report(item.authorization_id, item.job_id, item.attempt,
                              _outcome(item), item.operator, item.note)
            except (TransientError, TokenRefused) as e:
                self._call_failed(e)
                self._outbox_error(item, str(e))
                return did
            except FinalAnswer as e:
                # Central already holds a different outcome: nothing we can
                # resend will change it. Keep the record for the operator.
                log.error("report for job %s refused: %s", item.job_id[:8], e)
                self._event(EventKind.REPORT, say("event.report_refused",
                                                  outcome=say(f"note.outcome.{item.outcome}"),
                                                  job=item.job_id[:8], why=str(e)))
            self.link.record_success()
            self._note_link()
            self._reported(item)
            did = True
        return did

    def _outbox_error(self, item: OutboxItem, error: str) -> None:
        try:
            with self.store.transaction() as tx:
                tx.put_outbox(replace(item, attempts=item.attempts + 1, last_error=error))
        except StoreError as e:
            log.error("cannot record report failure: %s", e)

    def _reported(self, item: OutboxItem) -> None:
        with self.store.transaction() as tx:
            tx.remove_outbox(item.key)
            job = tx.job(item.job_id)
            if (job is not None and item.outcome == "printed" and job.state is State.PRINTED
                    and job.attempt == item.attempt):
                actions.reported(tx, job, operator=self.operator)
        # The citizen's card data is not kept once central has the outcome.
        self.store.documents.delete(item.document)
        log.info("reported %s for job %s attempt %d", item.outcome, item.job_id[:8], item.attempt)

    def _give_back_expired(self) -> bool:
        central = self.clock.now()
        if central is None:
            return False  # unknown until central answers; nothing prints meanwhile
        expired = [j for j in self.store.jobs([State.AUTHORIZED])
                   if self._lapsed(j.expires_at, central)]
        for job in expired:
            if actions.lapses(job) + 1 >= MAX_LAPSES:
                note = say("note.lapsing", n=MAX_LAPSES)
                try:
                    actions.hold_lapsing(self.store, job.id, operator=self.operator, note=note)
                except actions.ActionRefused:
                    continue  # it changed meanwhile (printing, cancelled)
                log.warning("job %s held: %s", job.short_id, note)
                continue
            with self.store.transaction() as tx:
                current = tx.job(job.id)
                if current is None or current.state is not State.AUTHORIZED:
                    continue
                actions.lapsed(tx, current, operator=self.operator)
            log.info("job %s: authorisation expired, asking again", job.short_id)
        return bool(expired)

    def _authorizable(self) -> list[str]:
        waiting_report = {i.job_id for i in self.store.outbox()}
        now = to_text(now_utc())
        return [j.id for j in queue_order(self.store.jobs([State.QUEUED]))
                if j.id not in waiting_report
                and (j.next_retry_at is None or j.next_retry_at <= now)]

    def _authorize_ahead(self, client: CentralClient) -> bool:
        did = False
        while not self.stop_event.is_set():
            if self.store.count([State.AUTHORIZED]) >= self.config.engine.authorize_ahead:
                return did
            candidates = self._authorizable()
            if not candidates:
                return did
            job = self.store.job(candidates[0])
            if job is None or job.state is not State.QUEUED:
                continue
            try:
                auth = client.authorize(job, self.operator)
            except FinalAnswer as e:
                self.link.record_success()
                with self.store.transaction() as tx:
                    current = tx.job(job.id)
                    if current is not None and current.state is State.QUEUED:
                        actions.rejected(tx, current, operator=self.operator, code=e.code or "",
                                         status=e.status, why=str(e))
                log.info("job %s (NIK %s) rejected: %s", job.short_id, mask(job.nik), e.code)
                did = True
                continue
            except (TransientError, TokenRefused) as e:
                self._call_failed(e)
                if isinstance(e, TransientError) and e.kind is Trouble.BAD_REPLY:
                    # Maybe this job's reply only: it waits its own backoff.
                    wait = timedelta(seconds=max(1.0, self.link.waiting()))
                    with self.store.transaction() as tx:
                        current = tx.job(job.id)
                        if current is not None and current.state is State.QUEUED:
                            actions.ask_later(tx, current, why=str(e),
                                              at=to_text(now_utc() + wait))
                return did
            self.link.record_success()
            self._note_link()
            try:
                name = self.store.documents.save(job.id, job.attempt, auth.content_type,
                                                 auth.document, auth.sha256)
            except DocumentError as e:  # the client checks too; belt and braces
                self._call_failed(TransientError(str(e), None))
                return did
            except DiskFull as e:
                log.error("%s", e)
                return did
            with self.store.transaction() as tx:
                current = tx.job(job.id)
                if current is None or current.state is not State.QUEUED or (
                        current.attempt != job.attempt):
                    # Held or cancelled while we asked: give the authorisation back.
                    tx.put_outbox(OutboxItem(job.id, job.attempt, auth.authorization_id,
                                             "not_printed", self.operator,
                                             "job changed while authorising", document=name))
                    continue
                actions.authorised(
                    tx, current, operator=self.operator, authorization_id=auth.authorization_id,
                    holder_name=auth.holder_name, expires_at=to_text(from_text(auth.expires_at)),
                    document=name, document_sha256=auth.sha256, content_type=auth.content_type)
            self._wake.set()
            did = True
        return did

    def _purge_due(self) -> None:
        """Data retention, on the network thread: it compacts the store, which
        must not delay a card."""
        now = time.monotonic()
        if self._purged_at is not None and now - self._purged_at < PURGE_EVERY_S:
            return
        self._purged_at = now
        changed = purge(self.store, days=self.config.store.retain_personal_days,
                        operator=self.operator)
        if changed:
            log.info("reduced personal data of %d finished job(s) older than %d days",
                     changed, self.config.store.retain_personal_days)

    def _network_loop(self) -> None:
        while not self.stop_event.is_set():
            try:
                # Authorise first: a retention pass that is due (a day's
                # jobs, a segment rewritten) never stands before the first card.
                did = self.network_step()
                self._purge_due()
            except StoreError as e:
                log.error("%s", e)
                did = False
            except Exception:  # keep printing what is authorised; say what broke
                log.exception("network step failed")
                did = False
            if self.stop_event.is_set():
                return
            self.stop_event.wait(0.05 if did else 0.5)

    # -- printer side ----------------------------------------------------------
    def print_step(self) -> bool:
        """Print one card if every gate is open; True when a card was handled."""
        status = self.evaluate()
        if status.gate is not Gate.PRINTING:
            return False
        printer = self._read_printer(force=True)
        if not printer.ready:
            self.evaluate()
            return False
        ready = self._ready_jobs()
        if not ready:
            return False
        with self.store.transaction() as tx:
            job = tx.job(ready[0])
            if job is None or job.state is not State.AUTHORIZED:
                return False
            job = actions.sent_to_printer(tx, job, operator=self.operator,
                                          printer=self.printer_name)
        self._current = job.id
        self.evaluate()
        log.info("printing job %s (NIK %s) attempt %d", job.short_id, mask(job.nik), job.attempt)
        try:
            try:
                if not (job.document and job.document_sha256):
                    raise DocumentError(f"job {job.short_id} has no card document recorded")
                document = self.store.documents.read(job.document, job.document_sha256)
            except DocumentError as e:
                outcome_result, reason = PrintResult.NOT_PRINTED, f"card document unusable: {e}"
            else:
                # No stop event: a card that has started always finishes.
                out = self.printer.print_card(job.id, job.attempt, document,
                                              job.content_type or "application/pdf")
                outcome_result, reason = out.result, out.reason
            self._settle_until_recorded(job.id, outcome_result, reason)
        finally:
            self._current = None
        self._printer_at = -1e9
        self.evaluate()
        return True

    def _settle_until_recorded(self, job_id: str, result: PrintResult, reason: str) -> None:
        """The card is out: its outcome must be recorded even when another
        process holds the store lock for a while (a purge, a slow command)."""
        while True:
            try:
                self._settle(job_id, result, reason)
                return
            except StoreBusy as e:
                log.warning("job %s: outcome %s not recorded yet, retrying: %s",
                            job_id[:8], result.value, e)

    def _settle(self, job_id: str, result: PrintResult, reason: str) -> None:
        with self.store.transaction() as tx:
            job = tx.job(job_id)
            if job is None:  # it cannot leave printing but through here: say so, keep going
                log.error("job %s: outcome %s for a job the store no longer has",
                          job_id[:8], result.value)
                return
            if result is PrintResult.UNKNOWN:
                actions.interrupted(tx, job, operator=self.operator,
                                    note=reason or say("note.outcome_unknown"), last_error=reason)
                log.warning("job %s interrupted: %s", job.short_id, reason)
                return
            outcome = {PrintResult.PRINTED: _PRINTED, PrintResult.SPOILED: _SPOILED}.get(
                result, _NOT_PRINTED)
            actions.settle_card(tx, job, outcome, operator=self.operator, note=reason)
        log.info("job %s: %s%s", job_id[:8], outcome.value, f" ({reason})" if reason else "")

    # -- running -----------------------------------------------------------------
    def idle(self) -> bool:
        """Nothing left that could print, and every outcome reported."""
        self.store.refresh()
        busy = {State.QUEUED, State.AUTHORIZED, State.PRINTING, State.PRINTED}
        return not self.store.count(busy) and not self.store.outbox()

    def waits_for_operator(self) -> bool:
        """Printing is stopped until an operator acts (an interrupted card, no
        print session) and no outcome is left to report."""
        return self.status().gate in OPERATOR_GATES and not self.store.outbox()

    def run(self, *, until_idle: bool = False, deadline: float | None = None) -> bool:
        """Run until ``stop()`` (or idle / the monotonic deadline). The card in
        progress always finishes. Returns True when the queue was drained.
        ``until_idle`` also stops when only an operator can go on
        (``waits_for_operator``), with the queue not drained."""
        net = threading.Thread(target=self._network_loop, name="ktptui-network", daemon=True)
        net.start()
        drained = False
        try:
            while not self.stop_event.is_set():
                if until_idle and self.idle():
                    drained = True
                    break
                if until_idle and self.waits_for_operator():
                    break
                if deadline is not None and time.monotonic() >= deadline:
                    break
                if not self.print_step():
                    self._wake.wait(0.5)
                    self._wake.clear()
        finally:
            #: Why printing stood when the loop ended (before "stopping").
            self.status_at_end = self.status()
            self.stop_event.set()
            self._wake.set()
            net.join(timeout=30)
            self._save_clock()
            self.evaluate()
        return drained

    def stop(self) -> None:
        self.stop_event.set()
        self._wake.set()


_PRINTED, _SPOILED, _NOT_PRINTED = Outcome.PRINTED, Outcome.SPOILED, Outcome.NOT_PRINTED


def clock_words(offset_s: float) -> str:
    """"3 h ahead of" / "25 min behind" (the station's clock against central's)."""
    ahead = offset_s < 0  # central minus station < 0: the station is ahead
    size = abs(offset_s)
    amount = f"{size / 3600:.0f} h" if size >= 5400 else f"{size / 60:.0f} min"
    return f"{amount} {'ahead of' if ahead else 'behind'}"


def _outcome(item: OutboxItem) -> Outcome:
    return Outcome(item.outcome)
