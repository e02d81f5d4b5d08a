"""The print engine: turns the queue into cards through link drops and power cuts.

Two threads share one ``Store``:

* the **network** thread probes central's health, reports outcomes from the
  outbox (in order), gives back expired authorisations, and authorises the next
  few jobs ahead of the printer so the printer never waits on the network;
* one **printer** thread per printer (the first is the caller of ``run``)
  checks the gates before each card (an interrupted card, paused, a print
  session, token, blanks, power, printer, an authorised job ready), takes the
  next authorised job, prints it and settles it: state, ledger and outbox in
  one durable transaction. Printers share the queue and the blank ledger; a
  job moves to ``printing`` on one printer in one transaction, under one
  claim lock, so no card goes to two printers and no more cards start than
  there are blanks.

Neither thread knows about screens: front ends read ``status()`` or pass
``on_status``. At start, ``recover()`` turns every job found ``printing`` into
``interrupted``: a card may or may not have come out, and a second e-KTP for
one citizen is a security incident, so only an operator decides. Until they
do, the printer it was sent to starts no new card (a half-printed one may
still sit in it); the station's other printers go on.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
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
from ..logs import NOTICE, fields
from ..model import (
    Job,
    Outcome,
    Priority,
    State,
    from_text,
    now_utc,
    queue_order,
    started_printing,
    to_text,
)
from ..office import sessions
from ..office.retention import purge
from ..power import PowerSource, PowerStatus, may_start_card
from ..printers import PrintResult
from ..printers.base import Printer, PrinterStatus
from ..store import EventKind, MetaKey, OutboxItem, Store, StoreError
from ..store.documents import DocumentError
from .status import (
    OPERATOR_GATES,
    STATUS_KEY,
    Gate,
    InterruptedCard,
    PrinterLine,
    StationStatus,
)

__all__ = ["OPERATOR_GATES", "Engine", "EngineStatus", "Gate", "PrinterLine", "StationStatus"]

log = logging.getLogger("ktptui.engine")
#: How loud each gate is in the journal: the printer in trouble or a card to
#: check is an error; what the station waits out by itself, a warning.
_GATE_LEVEL = {Gate.PRINTER: logging.ERROR, Gate.INTERRUPTED: logging.ERROR,
               Gate.TOKEN: logging.ERROR, Gate.LINK: logging.WARNING,
               Gate.POWER: logging.WARNING, Gate.BLANKS: logging.WARNING,
               Gate.SESSION: logging.WARNING}

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


@dataclass
class _Slot:
    """One printer the engine drives, and what its thread last saw."""

    name: str
    printer: Printer
    status: PrinterStatus
    status_at: float = -1e9
    #: The job whose card is in this printer now.
    current: str | None = None
    #: Set when a job may be ready for this printer (or on stop).
    wake: threading.Event = field(default_factory=threading.Event)


class Engine:
    def __init__(
        self,
        store: Store,
        config: Config,
        *,
        client: CentralClient | None,
        printer: Printer | None = None,
        power: PowerSource,
        link: LinkMonitor,
        operator: str,
        on_status: Callable[[EngineStatus], None] | None = None,
        client_factory: Callable[[], CentralClient] | None = None,
        clock: CentralClock | None = None,
        printers: Sequence[tuple[str, Printer]] = (),
    ) -> None:
        """``printer`` drives one printer named by the config's (only)
        printer; ``printers`` (name, backend) pairs drive several."""
        self.store = store
        self.config = config
        #: Central's clock: every client this engine uses reads it from replies.
        self.clock = clock or (client.clock if client is not None else CentralClock())
        self.client = self._adopt(client)
        self.client_factory = client_factory
        if not printers:
            if printer is None:
                raise ValueError("an engine needs a printer")
            printers = ((config.printer_list()[0][0], printer),)
        if len({name for name, _ in printers}) != len(printers):
            raise ValueError("printer names must be unique")
        self.slots = [_Slot(name, p, PrinterStatus(False, "printer not checked yet"))
                      for name, p in printers]
        #: Taking a job for a printer is one at a time: the blank check and
        #: the move to ``printing`` must see the other printers' claims.
        self._claim = threading.Lock()
        self._evaluating = threading.RLock()
        self.power_source = power
        self.link = link
        self.operator = operator
        self.on_status = on_status
        self.stop_event = threading.Event()
        self._lock = threading.Lock()
        self._power = PowerStatus("unknown", None, None, False, "power not read yet")
        self._power_at = -1e9
        self._status = StationStatus(Gate.IDLE, "starting", link.snapshot(),
                                     self._power, self.slots[0].status,
                                     low_threshold=config.blanks.low_threshold)
        self.status_at_end = self._status
        self._published: tuple[object, ...] = ()
        self._trouble = False  # the last gate logged was a warning or worse
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

    def _read_printer(self, slot: _Slot, force: bool = False) -> PrinterStatus:
        now = time.monotonic()
        if force or now - slot.status_at >= PRINTER_EVERY_S:
            slot.status = slot.printer.status()
            slot.status_at = now
        return slot.status

    @property
    def printer(self) -> Printer:
        """The first (with one printer: the only) printer."""
        return self.slots[0].printer

    @printer.setter
    def printer(self, printer: Printer) -> None:
        self.slots[0].printer = printer

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
        """The gates, in the order an operator would check them, per printer;
        the station's gate is a printing printer's, else the first one that
        an operator need not open, else the first printer's. One thread at a
        time, so statuses are published in the order they were made."""
        with self._evaluating:
            return self._evaluate()

    def _evaluate(self) -> EngineStatus:
        self.store.refresh()
        power = self._read_power()
        blanks = self.store.ledger_totals().balance
        paused = self.store.meta(actions.PAUSED_KEY)
        alone = self.store.meta(actions.PRINTERS_PAUSED_KEY) or {}
        ok, power_reason = may_start_card(power, self.config.power.min_runtime_s)
        queued = self.store.count([State.QUEUED])
        # Blanks not yet promised to a card in another printer.
        free = blanks - sum(1 for s in self.slots if s.current)
        ready = bool(self._ready_jobs())
        interrupted = sorted(self.store.jobs([State.INTERRUPTED]),
                             key=lambda j: (started_printing(j) or "", j.id))
        lines: list[PrinterLine] = []
        for slot in self.slots:
            # A printer with a card in it is not asked (as with one printer).
            printer = slot.status if slot.current else self._read_printer(slot)
            stuck = self._interrupted_here(slot, interrupted)
            card = None
            if stuck:
                card = InterruptedCard(stuck[0].id, stuck[0].holder_name or None,
                                       started_printing(stuck[0]), len(stuck))
            mine = alone.get(slot.name) if isinstance(alone, dict) else None
            gate, reason = self._gate(slot, printer, stuck, paused, mine, ok, power_reason,
                                      free, ready, queued)
            lines.append(PrinterLine(slot.name, gate, printer, slot.current, card,
                                     None if not isinstance(mine, dict)
                                     else str(mine.get("by", "?")), reason))
        line = next((ln for ln in lines if ln.gate is Gate.PRINTING),
                    next((ln for ln in lines if ln.gate not in OPERATOR_GATES), lines[0]))
        reason = line.reason
        if len(lines) > 1:
            reason = "; ".join(f"{ln.name}: {ln.reason}" for ln in lines)
        current = line.current_job or next((ln.current_job for ln in lines if ln.current_job),
                                           None)
        card = line.interrupted or next((ln.interrupted for ln in lines if ln.interrupted),
                                        None)
        offset = self.clock.offset_s()
        status = StationStatus(
            line.gate, reason, self.link.snapshot(), power, line.printer, blanks,
            self.config.blanks.low_threshold, self.store.counts(), current,
            None if offset is None else round(offset, 1), card, printers=tuple(lines))
        self._publish(status)
        return status

    def _gate(self, slot: _Slot, printer: PrinterStatus, stuck: list[Job], paused: object,
              alone: object, power_ok: bool, power_reason: str, blanks: int, ready: bool,
              queued: int) -> tuple[Gate, str]:
        """One printer's gate and the English line saying why."""
        link = self.link
        if slot.current:
            return Gate.PRINTING, f"Printing job {slot.current[:8]}"
        if self.stop_event.is_set():
            return Gate.STOPPING, "Stopping: no new cards"
        if stuck:
            return Gate.INTERRUPTED, (
                f"Not printing: card {stuck[0].short_id} (sent to the printer at "
                f"{started_printing(stuck[0]) or 'an unknown time'}) was interrupted; "
                "check the printer, then resolve it" + (
                    f" ({len(stuck) - 1} more interrupted)" if len(stuck) > 1 else ""))
        if isinstance(paused, dict):
            return Gate.PAUSED, f"Not printing: paused by {paused.get('by', '?')}" + (
                f" ({paused['note']})" if paused.get("note") else "")
        if isinstance(alone, dict):
            return Gate.PAUSED, (f"Not printing: printer {slot.name} paused by "
                                 f"{alone.get('by', '?')}" + (
                                     f" ({alone['note']})" if alone.get("note") else ""))
        if self.config.office.require_session and not self.store.meta(sessions.OPEN_KEY):
            return Gate.SESSION, ("Not printing: no print session open; open one "
                                  "(`ktptui session open --count N`)")
        if link.token_refused:
            return Gate.TOKEN, f"Not printing: {link.last_error}"
        if blanks <= 0:
            return Gate.BLANKS, "Not printing: no blanks left; record a shipment"
        if not power_ok:
            return Gate.POWER, f"Not printing: {power_reason}"
        if not printer.ready:
            return Gate.PRINTER, f"Not printing: {printer.message}"
        if ready:
            return Gate.PRINTING, "Printing"
        if self.clock.now() is None and self.store.count([State.AUTHORIZED]):
            return Gate.WAITING, ("Waiting for central's clock to check the "
                                  "authorisations' lifetime")
        if queued and all(self._rationed(j, blanks) for j in self.store.jobs([State.QUEUED])):
            return Gate.RESERVED, (
                f"Not printing: the last {self.config.blanks.reserve} blanks are kept for "
                f"{', '.join(self.config.blanks.reserve_for)} cards; {queued} job(s) wait "
                "for the next shipment")
        if queued and link.blocked():
            return Gate.LINK, f"Not printing: {link.describe()}"
        if queued:
            return Gate.WAITING, f"Waiting for central to authorise {queued} job(s)"
        return Gate.IDLE, "Queue empty"

    @property
    def printer_name(self) -> str:
        """The first printer's name in the job history (one printer: its
        ``[printer] name``, else the CUPS queue name)."""
        return self.slots[0].name

    def _interrupted_here(self, slot: _Slot, interrupted: list[Job]) -> list[Job]:
        """Interrupted cards that stop this printer, oldest first: each one
        unless it was sent to another printer this station drives. An
        unrecorded printer (older records) or a renamed queue stops every
        printer: the card may sit in any of them."""
        others = {s.name for s in self.slots if s is not slot}
        return [j for j in interrupted if j.printer not in others]

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
        key = (status.gate.value, link.state, link.since, link.cause, link.reason,
               status.power.source, status.power.detail, status.printer,
               status.reason if status.gate is not Gate.LINK else "", shown_offset,
               status.interrupted, tuple((ln.gate, ln.printer, ln.current_job, ln.paused_by)
                                         for ln in status.printers))
        with self._lock:
            if key == self._published:
                return
            self._published = key
            if status.gate is not Gate.PRINTING or status.current_job is None:
                level = _GATE_LEVEL.get(status.gate, logging.INFO)
                if level == logging.INFO and self._trouble:
                    level = NOTICE  # back from trouble: recovered
                self._trouble = level >= logging.WARNING
                log.log(level, "%s", status.reason,
                        extra=fields(state=status.gate.value, job=status.job))
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
            before, self._link_state = self._link_state, self.link.state
            state = say(f"event.link.{self.link.state.value}")
            detail = (say("event.link_down", state=state, why=self.link.words)
                      if self.link.state is LinkState.DOWN else state)
            self._event(EventKind.LINK, detail)
            # Link lost: a warning; back up: recovered (notice).
            level = (logging.WARNING if self.link.state is not LinkState.UP
                     else NOTICE if before is not None else logging.INFO)
            log.log(level, "link %s", detail, extra=fields(state=self.link.state.value))

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
        did |= self._give_back_unanswered(client)
        did |= self._authorize_ahead(client)
        return did

    def _unanswered_final(self) -> list[tuple[Job | None, str, int]]:
        """Authorisations asked for with the answer lost, for jobs that will
        not ask again (cancelled, or gone): (job, job id, attempt). A job
        that will ask again (held, queued) gets central's answer then."""
        out: list[tuple[Job | None, str, int]] = []
        for job_id, attempt in actions.unanswered(self.store).items():
            job = self.store.job(job_id)
            if job is None:
                with contextlib.suppress(StoreError):
                    job = self.store.find_job(job_id)
            if job is not None and not job.is_final and job.attempt == attempt:
                continue
            out.append((job, job_id, attempt))
        return out

    def _give_back_unanswered(self, client: CentralClient) -> bool:
        """Ask again under the same key (central answers with the one it
        holds, or a new one) and give it back: nothing is left unreported."""
        did = False
        for job, job_id, attempt in self._unanswered_final():
            if self.stop_event.is_set():
                break
            auth = None
            if job is not None and job.attempt == attempt:
                try:
                    auth = client.authorize(job, self.operator)
                except FinalAnswer:
                    pass  # central holds none for it: nothing to give back
                except (TransientError, TokenRefused) as e:
                    self._call_failed(e)
                    return did
                self.link.record_success()
            with self.store.transaction() as tx:
                actions.answered(tx, job_id)
                if auth is not None:
                    tx.put_outbox(OutboxItem(job_id, attempt, auth.authorization_id,
                                             Outcome.NOT_PRINTED.value, self.operator,
                                             "job changed while authorising"))
            if auth is not None:
                log.info("job %s attempt %d: the authorisation asked for before it was "
                         "cancelled is given back", job_id[:8], attempt)
            did = True
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
                                                  job=item.job_id[:8], why=e.words()))
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
            tx.set_meta(MetaKey.LAST_REPORT_AT, to_text(now_utc()))  # for monitoring
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
        balance = self.store.ledger_totals().balance
        return [j.id for j in queue_order(self.store.jobs([State.QUEUED]))
                if j.id not in waiting_report and not self._rationed(j, balance)
                and (j.next_retry_at is None or j.next_retry_at <= now)]

    def _rationed(self, job: Job, balance: int) -> bool:
        """Held back by ``[blanks] reserve``: not asked for (so not printed)
        while the blanks left are kept for other reasons. Urgent jobs go on;
        already authorised ones are not asked for again, so print."""
        cfg = self.config.blanks
        return (cfg.reserve > 0 and balance <= cfg.reserve
                and job.reason.value not in cfg.reserve_for
                and job.priority is not Priority.URGENT)

    def _authorize_ahead(self, client: CentralClient) -> bool:
        did = False
        while not self.stop_event.is_set():
            # Each printer gets its own cards authorised ahead.
            ahead = self.config.engine.authorize_ahead * len(self.slots)
            if self.store.count([State.AUTHORIZED]) >= ahead:
                return did
            candidates = self._authorizable()
            if not candidates:
                return did
            job = self.store.job(candidates[0])
            if job is None or job.state is not State.QUEUED:
                continue
            with self.store.transaction() as tx:
                actions.asking(tx, job)
            try:
                auth = client.authorize(job, self.operator)
            except FinalAnswer as e:
                self.link.record_success()
                with self.store.transaction() as tx:
                    current = tx.job(job.id)
                    if current is not None and current.state is State.QUEUED:
                        actions.rejected(tx, current, operator=self.operator, code=e.code or "",
                                         status=e.status, why=e.words())
                    actions.answered(tx, job.id)
                log.info("job %s rejected: %s", job.short_id, e.code,
                         extra=fields(job=job.short_id, state="rejected"))
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
                            actions.ask_later(tx, current, why=e.words(),
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
                actions.answered(tx, job.id)
                if current is None or current.state is not State.QUEUED or (
                        current.attempt != job.attempt):
                    # Held or cancelled while we asked: give the authorisation back.
                    tx.put_outbox(OutboxItem(job.id, job.attempt, auth.authorization_id,
                                             "not_printed", self.operator,
                                             "job changed while authorising", document=name))
                    if (current is not None and not current.is_final
                            and current.attempt == job.attempt):
                        actions.given_back(tx, current)  # released, it asks anew
                    continue
                actions.authorised(
                    tx, current, operator=self.operator, authorization_id=auth.authorization_id,
                    holder_name=auth.holder_name, expires_at=to_text(from_text(auth.expires_at)),
                    document=name, document_sha256=auth.sha256, content_type=auth.content_type)
            self._wake_printers()
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
    def print_step(self, slot: _Slot | None = None) -> bool:
        """Print one card on ``slot`` (default: the first printer) if its
        gates are open; True when a card was handled."""
        slot = slot or self.slots[0]
        index = self.slots.index(slot)
        status = self.evaluate()
        if status.printers[index].gate is not Gate.PRINTING:
            return False
        printer = self._read_printer(slot, force=True)
        if not printer.ready:
            self.evaluate()
            return False
        job = self._take(slot)
        if job is None:
            return False
        self.evaluate()
        log.info("printing job %s attempt %d on %s", job.short_id, job.attempt, slot.name,
                 extra=fields(job=job.short_id, state="printing", printer=slot.name,
                              operator=self.operator))
        try:
            try:
                if not (job.document and job.document_sha256):
                    raise DocumentError.said("store.doc_none", job=job.short_id)
                document = self.store.documents.read(job.document, job.document_sha256)
            except DocumentError as e:
                reason: str | Said = say("printer.out.document", why=e.words())
                outcome_result = PrintResult.NOT_PRINTED
            else:
                # No stop event: a card that has started always finishes.
                out = slot.printer.print_card(job.id, job.attempt, document,
                                              job.content_type or "application/pdf")
                outcome_result, reason = out.result, out.words
            self._settle_until_recorded(job.id, outcome_result, reason)
        finally:
            slot.current = None
        slot.status_at = -1e9
        self.evaluate()
        return True

    def _take(self, slot: _Slot) -> Job | None:
        """The next authorised job, moved to ``printing`` on this printer;
        None when another printer took the last one or no blank is left for
        it (the others' cards in progress each hold one)."""
        with self._claim:
            self.store.refresh()
            busy = sum(1 for s in self.slots if s.current)
            if self.store.ledger_totals().balance - busy <= 0:
                return None
            for job_id in self._ready_jobs():
                with self.store.transaction() as tx:
                    job = tx.job(job_id)
                    if job is None or job.state is not State.AUTHORIZED:
                        continue
                    job = actions.sent_to_printer(tx, job, operator=self.operator,
                                                  printer=slot.name)
                slot.current = job.id
                return job
        return None

    def _settle_until_recorded(self, job_id: str, result: PrintResult,
                               reason: str | Said) -> None:
        """The card is out: its outcome must be recorded even when another
        process holds the store lock for a while (a purge, a slow command)."""
        while True:
            try:
                self._settle(job_id, result, reason)
                return
            except StoreBusy as e:
                log.warning("job %s: outcome %s not recorded yet, retrying: %s",
                            job_id[:8], result.value, e)

    def _settle(self, job_id: str, result: PrintResult, reason: str | Said) -> None:
        with self.store.transaction() as tx:
            job = tx.job(job_id)
            if job is None:  # it cannot leave printing but through here: say so, keep going
                log.error("job %s: outcome %s for a job the store no longer has",
                          job_id[:8], result.value)
                return
            if result is PrintResult.UNKNOWN:
                actions.interrupted(tx, job, operator=self.operator,
                                    note=reason or say("note.outcome_unknown"), last_error=reason)
                log.error("job %s interrupted: %s", job.short_id, reason,
                          extra=fields(job=job.short_id, state="interrupted",
                                       printer=job.printer, operator=self.operator))
                return
            outcome = {PrintResult.PRINTED: _PRINTED, PrintResult.SPOILED: _SPOILED}.get(
                result, _NOT_PRINTED)
            actions.settle_card(tx, job, outcome, operator=self.operator, note=reason)
        # A spoiled card is a printer error; one not printed is worth a look.
        level = {_SPOILED: logging.ERROR, _NOT_PRINTED: logging.WARNING}.get(outcome, logging.INFO)
        log.log(level, "job %s: %s%s", job_id[:8], outcome.value,
                f" ({reason})" if reason else "",
                extra=fields(job=job_id[:8], state=outcome.value, printer=job.printer,
                             operator=self.operator))

    # -- running -----------------------------------------------------------------
    def idle(self) -> bool:
        """Nothing left that could print, and every outcome reported."""
        self.store.refresh()
        busy = {State.QUEUED, State.AUTHORIZED, State.PRINTING, State.PRINTED}
        return (not self.store.count(busy) and not self.store.outbox()
                and not self._unanswered_final())

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
        others = [threading.Thread(target=self._printer_loop, args=(slot,), daemon=True,
                                   name=f"ktptui-printer-{slot.name}")
                  for slot in self.slots[1:]]
        for thread in others:
            thread.start()
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
                    self.slots[0].wake.wait(0.5)
                    self.slots[0].wake.clear()
        finally:
            #: Why printing stood when the loop ended (before "stopping").
            self.status_at_end = self.status()
            self.stop_event.set()
            self._wake_printers()
            for thread in others:
                thread.join()  # each card in progress finishes and is settled
            net.join(timeout=30)
            self._save_clock()
            self.evaluate()
        return drained

    def _wake_printers(self) -> None:
        for slot in self.slots:
            slot.wake.set()

    def _printer_loop(self, slot: _Slot) -> None:
        """Every printer but the first: its own thread, the same steps."""
        while not self.stop_event.is_set():
            try:
                handled = self.print_step(slot)
            except Exception:  # the other printers go on; say what broke
                log.exception("printer %s: print step failed", slot.name)
                handled = False
                self.stop_event.wait(1.0)
            if not handled:
                slot.wake.wait(0.5)
                slot.wake.clear()

    def stop(self) -> None:
        self.stop_event.set()
        self._wake_printers()


_PRINTED, _SPOILED, _NOT_PRINTED = Outcome.PRINTED, Outcome.SPOILED, Outcome.NOT_PRINTED


def clock_words(offset_s: float) -> str:
    """"3 h ahead of" / "25 min behind" (the station's clock against central's)."""
    ahead = offset_s < 0  # central minus station < 0: the station is ahead
    size = abs(offset_s)
    amount = f"{size / 3600:.0f} h" if size >= 5400 else f"{size / 60:.0f} min"
    return f"{amount} {'ahead of' if ahead else 'behind'}"


def _outcome(item: OutboxItem) -> Outcome:
    return Outcome(item.outcome)
