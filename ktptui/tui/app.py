"""The operator's App: the store, the station runner and the screens.

Wiring (see docs/tui.md):

* The UI reads its own ``Store`` instance; the engine gets another one on the
  same folder. So everything the engine commits reaches the UI through
  ``store.refresh()`` changes, exactly like a second process's commits.
* After the first frame the App starts a ``station.runner.StationRunner``:
  it takes the ``EngineLock`` and runs the engine in its own thread, or waits
  on standby (the queue still works) showing the holder and takes over when
  the printer is free. Its events come from its or the engine's threads and
  are posted to the App as messages (thread safe); it tells a status only
  when something the bar shows changed.
* Screens reach the App through the typed ``Desk`` (``tui/desk.py``) and hear
  about the store through ``StoreChanged`` / ``BlanksKnown`` messages.
* Quitting (``q``, SIGHUP or a terminal gone without one, SIGTERM) stops the
  runner; the card in progress finishes and is recorded, and the App exits
  when the runner says it stopped.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import work
from textual.app import App, SystemCommand
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from .. import actions, model
from ..errors import KtpError
from ..fmt import Clock, utc_now
from ..i18n import Said, t, t_opt
from ..locks import EngineLock
from ..model import FINAL_STATES, Job, Outcome
from ..paths import state_dir
from ..station.runner import (
    EngineFactory,
    Notes,
    Restarting,
    Runner,
    RunnerEvent,
    Standby,
    Started,
    StationRunner,
    StatusChanged,
    Stopped,
)
from ..station.status import STATUS_KEY, StationStatus
from ..store import Store, StoreError, StoreView
from .commands import StationCommands, station_commands
from .desk import BlanksKnown, Desk, DeskApp, StoreChanged
from .office import OfficeSettings
from .status import (
    BlanksInfo,
    StatusLines,
    engine_lines,
    placeholder_lines,
    standby_lines,
)

if TYPE_CHECKING:
    from ..demo import DemoStation
    from ..office.sessions import Session, Summary
    from ..office.suket import Issued
    from ..printers.base import Printer
    from ..station.client import Remote
    from ..station.engine import Engine
    from .screens.main import MainScreen

log = logging.getLogger("ktptui.tui")

R = TypeVar("R")

ROLE = "ktptui TUI"
#: ``ledger.forecast``'s window: the only ledger entries the bar needs.
FORECAST_DAYS = 7
#: An engine that crashes is built again this many times, this long apart.
MAX_RESTARTS, RESTART_S = 3, 5.0


class EngineStatusChanged(Message):
    def __init__(self, status: StationStatus) -> None:
        super().__init__()
        self.status = status


class RunnerChanged(Message):
    """The runner went on standby (``holder``), started, or restarts."""

    def __init__(self, event: RunnerEvent) -> None:
        super().__init__()
        self.event = event


class EngineStopped(Message):
    def __init__(self, error: str = "") -> None:
        super().__init__()
        self.error = error


class BlanksRate(Message):
    """The forecast's rate (cards used a day over its window), worked out in a
    worker; ``seq`` tells an answer overtaken by a newer request."""

    def __init__(self, seq: int, per_day: float | None) -> None:
        super().__init__()
        self.seq = seq
        self.per_day = per_day


class EngineNotes(Message):
    def __init__(self, notes: list[Said]) -> None:
        super().__init__()
        self.notes = notes


class KtpApp(DeskApp):
    # The main screen's sheet too: as the default screen (see
    # ``get_default_screen``) Textual does not load its CSS_PATH.
    CSS_PATH: ClassVar[list[str | PurePath]] = ["app.tcss", "screens/main.tcss"]
    TITLE = "ktptui"
    ENABLE_COMMAND_PALETTE = True

    COMMANDS: ClassVar[set[Any]] = App.COMMANDS | {StationCommands}

    def __init__(
        self,
        store: StoreView,
        *,
        operator: str,
        low_threshold: int = 100,
        data_dir: Path | None = None,
        engine_factory: EngineFactory | None = None,
        demo: DemoStation | None = None,
        clock: Clock = utc_now,
        fixed_status: StationStatus | None = None,
        takeover_s: float = 2.0,
        refresh_s: float = 1.0,
        handle_signals: bool = True,
        office: OfficeSettings | None = None,
        still_queued: Callable[[str], str] | None = None,
        runner: Runner | None = None,
        service: Remote | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        #: Attached to the station service: ``store`` reads through it and
        #: every change is one of its requests (``tui/attached.py``).
        self.service = service
        #: The printer backend's check before resolving (see actions.resolve).
        self.still_queued = still_queued
        #: Office operations (reports, Sukets, sessions): the config they need.
        self.office = office or OfficeSettings()
        self.operator = operator
        self.low_threshold = low_threshold
        # Attached, a ``RemoteStore`` has no folder here: the launcher gives
        # the operator's own state folder.
        self.data_dir = data_dir or (store.dir if isinstance(store, Store) else state_dir())
        self.engine_factory = engine_factory
        self.demo = demo
        self.clock = clock
        self.takeover_s = takeover_s
        self.refresh_s = refresh_s
        self.handle_signals = handle_signals
        self.lock = EngineLock(self.data_dir)
        #: Runs the engine (None: queue-only, or a fixed status); built from
        #: ``engine_factory`` at start unless given (tests give a fake).
        self.runner: Runner | None = runner
        self.engine_error = ""
        self.standby = False
        self.standby_holder: str | None = None
        self.status: StationStatus | None = fixed_status
        self.quitting = False
        self.hung_up = False
        self.blanks = BlanksInfo(0, low_threshold, None, loading=True)
        #: Cards used a day over the forecast's window (None: none, or not known yet).
        self.blanks_per_day: float | None = None
        self._blanks_seq = 0
        self._fixed = fixed_status is not None
        self._ktp_timers: list[Timer] = []
        self.exit_code = 0
        #: Why the App ended on its own, for the launcher to say (the
        #: station service it was attached to went away).
        self.exit_note = ""
        #: The first unexpected error, in one line (None: no crash).
        self.crash: str | None = None
        self.crash_details = ""
        self._tty_watch_stop = threading.Event()

    @property
    def desk(self) -> Desk:
        """What screens use of the App (mypy checks that it fits)."""
        return self

    def station_commands(self) -> list[tuple[str, Callable[[], object]]]:
        return station_commands(self)

    # -- start-up -------------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        """The main screen is the bottom of the one screen stack.

        Not ``MODES`` + ``DEFAULT_MODE``: Textual's ``run()`` uses asyncio's
        eager task factory on Python 3.12+, so a mode's screen composes (and
        its Input asks for ``app.screen``) before Textual puts it on the
        stack, and the App dies with ScreenStackError at start (Textual issue
        6444; ``run_test`` has no eager tasks, so only a real start shows it).
        The default screen is put on the stack before it starts."""
        from .screens.main import MainScreen

        return MainScreen()

    @property
    def main(self) -> MainScreen:
        from .screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("main screen not mounted")

    def start(self) -> None:
        """Called once by the main screen when its widgets are mounted."""
        if self._ktp_timers:
            return
        self._load_blanks()
        self.main.load_jobs(self.store.active_jobs())
        self._ktp_timers.append(self.set_interval(self.refresh_s, self.poll_store))
        self._ktp_timers.append(self.set_interval(60.0, self._tick_ages))
        if self.handle_signals:
            self._install_signals()
            self._watch_terminal()
        if self.runner is None and not self._fixed and self.engine_factory is not None:
            self.runner = StationRunner(
                self.lock, self.engine_factory, role=ROLE, takeover_s=self.takeover_s,
                max_restarts=MAX_RESTARTS, restart_s=RESTART_S)
        if self.runner is not None:
            self.runner.on_event = self._on_runner_event
            # After the first frame: the engine's imports and set-up (central
            # client, printer, power) must not delay the operator's screen.
            self.call_after_refresh(self.runner.start)
        self.show_status()

    def _install_signals(self) -> None:
        loop = self._loop
        if loop is None:
            return
        for sig, handler in ((signal.SIGHUP, self.hangup), (signal.SIGTERM, self.shutdown)):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, handler)

    def _watch_terminal(self) -> None:
        """Treat a terminal that went away without SIGHUP like a hang-up.

        A pty that is not the controlling terminal (the TUI started under
        ``setsid`` or a session manager) gets no SIGHUP when its master side
        closes: reads only return EOF, on which Textual's input thread spins
        (61-100% CPU), and writes fail with EIO, so the TUI neither exits nor
        releases the printer. A hung-up tty reports POLLHUP/POLLERR, even to a
        poll that asks for no events, so a thread waits for that on stdin and
        on the screen's output and then calls ``hangup`` on the App's loop."""
        loop = self._loop
        if loop is None or self.is_headless:
            return
        fds = set()
        for stream in (sys.__stdin__, sys.__stderr__, sys.__stdout__):
            with contextlib.suppress(AttributeError, OSError, ValueError):
                if stream is not None and os.isatty(stream.fileno()):
                    fds.add(stream.fileno())
        if not fds:
            return
        poller = select.poll()
        for fd in fds:
            poller.register(fd, 0)  # 0: only POLLHUP, POLLERR and POLLNVAL wake it
        gone = select.POLLHUP | select.POLLERR | select.POLLNVAL

        def watch() -> None:
            while not self._tty_watch_stop.is_set():
                if any(mask & gone for _fd, mask in poller.poll(500)):
                    log.warning("terminal gone: finishing the card, then exiting")
                    with contextlib.suppress(RuntimeError):  # the loop already closed
                        loop.call_soon_threadsafe(self.hangup)
                    return

        threading.Thread(target=watch, name="ktptui-tty-watch", daemon=True).start()

    def hangup(self) -> None:
        """SIGHUP: the SSH session is gone. Quit as on ``q``: the card in
        progress finishes and is recorded first.

        Nothing can be shown any more, and Textual does not survive a hung-up
        terminal: the kernel's SIGCONT makes its driver restart, and its
        shutdown then blocks for good on a write queue nobody empties (seen in
        tmux: the card was recorded, but the process never exited and kept the
        engine lock). So from here on nothing is written to the terminal, and
        once the engine has stopped the process exits without Textual's
        terminal clean-up (see ``_finish``)."""
        if self.hung_up:
            return
        self.hung_up = True
        self._tty_watch_stop.set()
        driver = self._driver
        if driver is not None and not self.is_headless:
            setattr(driver, "write", lambda data: None)  # noqa: B010 - shadow the method
            setattr(driver, "flush", lambda: None)  # noqa: B010
            # Textual's input thread reads EOF in a loop from a hung-up tty
            # (a busy loop while the card finishes): its exit event ends it.
            exit_event = getattr(driver, "exit_event", None)
            if isinstance(exit_event, threading.Event):
                exit_event.set()
            with contextlib.suppress(OSError):
                null = os.open(os.devnull, os.O_WRONLY)
                for fd in (1, 2):
                    os.dup2(null, fd)
                os.close(null)
        self.shutdown()

    def _finish(self) -> None:
        """Exit; after a hang-up, without touching the terminal again."""
        if self.hung_up and not self.is_headless:
            self.lock.release()
            if self.demo is not None:
                with contextlib.suppress(Exception):
                    self.demo.close()
            logging.shutdown()  # the store's commits are already on disk
            os._exit(self.exit_code)
        self.exit(self.exit_code)

    # -- an unexpected error -------------------------------------------------------------------
    def _handle_exception(self, error: Exception) -> None:
        """Textual's hook for an exception nobody caught: it exits the App
        (``return_code`` 1). The traceback goes to the log; Textual's own
        (with local variables: personal data) is not printed on exit, and
        ``run_tui`` says it in one line."""
        from ..station.client import ServiceGone

        if self.service is not None and isinstance(error, ServiceGone):
            self._service_gone(error.message())  # a read found it gone first
            return
        if self.crash is None:
            from ..crash import describe, traceback_text

            self.crash = describe(error)
            self.crash_details = traceback_text(error)
            log.critical("unexpected error\n%s", self.crash_details)
        super()._handle_exception(error)
        self._drop_exit_renderables()

    def panic(self, *renderables: Any) -> None:
        """Textual's other way out on an error (e.g. its input thread died)."""
        if self.crash is None:
            import io

            from rich.console import Console

            from ..crash import mask_niks

            out = io.StringIO()
            console = Console(file=out, width=100, color_system=None)
            for renderable in renderables:
                console.print(renderable)
            self.crash = "Textual stopped"
            self.crash_details = mask_niks(out.getvalue())
            log.critical("Textual stopped\n%s", self.crash_details)
        super().panic(*renderables)
        self._drop_exit_renderables()

    def _drop_exit_renderables(self) -> None:
        renderables = getattr(self, "_exit_renderables", None)
        if isinstance(renderables, list):
            renderables.clear()

    # -- engine (run by the station runner) ----------------------------------------------------
    @property
    def engine(self) -> Engine | None:
        return self.runner.engine if self.runner is not None else None

    def _on_runner_event(self, event: RunnerEvent) -> None:
        """From the runner's or the engine's threads: hand it to the App's loop."""
        match event:
            case StatusChanged(status=status):
                self.post_message(EngineStatusChanged(status))
            case Notes(notes=notes):
                self.post_message(EngineNotes(list(notes)))
            case Stopped(error=error):
                self.post_message(EngineStopped(error))
            case _:
                self.post_message(RunnerChanged(event))

    def on_runner_changed(self, message: RunnerChanged) -> None:
        event = message.event
        if isinstance(event, Standby):
            self.standby, self.standby_holder = True, event.holder
        elif isinstance(event, Started):
            self.standby, self.standby_holder = False, None
            if event.took_over:
                self.notify(t("action.took_over"))
        elif isinstance(event, Restarting):
            self.notify(t("action.engine_restart", error=event.error, n=event.attempt,
                          max=MAX_RESTARTS), severity="error", timeout=10)
        self.status = None
        self.show_status()

    def on_engine_status_changed(self, message: EngineStatusChanged) -> None:
        # A new gate usually comes with a commit (a card started or settled):
        # show the rows with the bar, not up to a poll later.
        self.poll_store()
        before = self.status
        self.status = message.status
        self.show_status()
        self._offer_callback(before, message.status)

    def _offer_callback(self, before: StationStatus | None, now: StationStatus) -> None:
        """The link came back after an outage: offer the list of citizens
        whose cards were printed since it began, to call (issue 13)."""
        from ..central.monitor import LinkState
        from ..office import pickup

        if (before is None or before.link.state is not LinkState.DOWN
                or now.link.state is LinkState.DOWN):
            return
        since = model.to_text(before.link.since)
        jobs = pickup.printed_since(self.store, since)
        self.office.callback_since = since
        if jobs:
            self.notify(t("callback.offer", n=len(jobs)), timeout=30)

    def on_engine_notes(self, message: EngineNotes) -> None:
        for note in message.notes:
            self.notify(t("action.recovered", note=note.text()), severity="warning", timeout=10)
        self.poll_store()

    def on_engine_stopped(self, message: EngineStopped) -> None:
        if self.quitting:
            self._finish()
            return
        if self.service is not None:
            self._service_gone(message.error)
            return
        if message.error:
            self.engine_error = message.error
            self.notify(t("action.engine_error", error=message.error), severity="error",
                        timeout=10)
        self.standby = False
        self.status = None
        self.show_status()

    def _service_gone(self, why: str) -> None:
        """Attached, everything this screen reads and does goes through the
        station service: with it gone there is nothing left to show. Exit 1
        with its one line (its card is its own: nothing here to finish)."""
        if self.quitting or self.service is None:
            return
        log.warning("station service gone: %s", why)
        self.quitting = True
        self.exit_code = 1
        self.exit_note = why or t("service.gone", path=str(self.service.path), why="?")
        if self.runner is not None:
            self.runner.stop()
        self._finish()

    @property
    def printing_now(self) -> bool:
        return self.runner is not None and self.runner.printing_now

    def shutdown(self) -> None:
        """Stop taking cards; exit once the card in progress is recorded."""
        if self.quitting:
            return
        self.quitting = True
        runner = self.runner
        if runner is None or not runner.running:
            if runner is not None:
                runner.stop()  # on standby: it stops waiting
            self._finish()
            return
        self.notify(t("action.stopping"), timeout=30)
        runner.stop()

    def on_unmount(self) -> None:
        self._tty_watch_stop.set()
        # Every way out (even an unexpected one) stops the engine; the
        # runner's thread is no daemon, so the card finishes before the
        # process exits.
        if self.runner is not None:
            self.runner.stop()

    # -- status bar ----------------------------------------------------------------------------
    def status_lines(self) -> StatusLines:
        paused = self.store.meta(actions.PAUSED_KEY)
        if self.status is not None:
            return engine_lines(self.status, self.blanks, paused=paused,
                                printing=self._printing_who(self.status.current_job))
        if self.engine_error:
            return placeholder_lines("gate.no_engine", self.blanks, self.engine_error)
        if self.standby:
            other = StationStatus.from_json(self.store.meta(STATUS_KEY))
            return standby_lines(self.standby_holder, other, self.blanks, paused=paused)
        return placeholder_lines("gate.starting", self.blanks)

    def _printing_who(self, job_id: str | None) -> str:
        """Whom the card in the printer is for: the name, else the masked NIK."""
        from ..nik import mask

        job = self.store.job(job_id) if job_id else None
        if job is None:
            return ""
        return job.holder_name or mask(job.nik)

    def show_status(self) -> None:
        with contextlib.suppress(LookupError, NoMatches):
            self.main.show_status(self.status_lines())

    def _load_blanks(self) -> None:
        """The balance from the carried totals (no history read); the rate the
        forecast needs reads its window's entries from the archive, so it comes
        from a worker. Until the first answer the bar says it is loading; after
        a card it keeps the last rate until the new one is in (no flicker)."""
        balance = self.store.ledger_totals().balance
        self._blanks_seq += 1
        self._show_blanks(balance, loading=self.blanks.loading)
        self._blanks_rate(self._blanks_seq, self.clock().astimezone().date())

    def _show_blanks(self, balance: int, *, loading: bool) -> None:
        per_day = self.blanks_per_day
        self.blanks = BlanksInfo(balance, self.low_threshold,
                                 balance / per_day if per_day else None, loading=loading)

    @work(thread=True, group="blanks-rate", exit_on_error=False)
    def _blanks_rate(self, seq: int, today: date) -> None:
        per_day: float | None = None
        try:
            from ..office import reports

            per_day = reports.blanks_forecast(self.store, 0, last=today,
                                              window_days=FORECAST_DAYS).per_day
        except Exception:  # say it in the log; the bar goes on without a forecast
            log.exception("blanks forecast failed")
        self.post_message(BlanksRate(seq, per_day))

    def on_blanks_rate(self, message: BlanksRate) -> None:
        if message.seq != self._blanks_seq:
            return  # a newer request is under way
        self.blanks_per_day = message.per_day
        self._show_blanks(self.blanks.balance, loading=False)
        self.show_status()
        for screen in self.screen_stack:
            screen.post_message(BlanksKnown())

    # -- store ---------------------------------------------------------------------------------
    def poll_store(self) -> None:
        """Pick up what the engine (or another process) committed: cheap when nothing did."""
        try:
            changes = self.store.take_changes()
        except StoreError as e:
            self.show_error(e)
            return
        if not changes:
            return
        # While the App closes, its screens lose their widgets before the timers stop.
        with contextlib.suppress(LookupError, NoMatches):
            self.apply_changes(changes.jobs, changes.other, reloaded=changes.reloaded)

    def apply_changes(self, job_ids: Iterable[str], other: Iterable[str] = (),
                      *, reloaded: bool = False) -> None:
        other = set(other)
        ids = set(job_ids)
        with self.batch_update():
            main = self.main
            if reloaded:
                main.load_jobs(self.store.active_jobs())
                other |= {"ledger", "meta", "events"}
            elif ids:
                upserts: list[Job] = []
                removed: list[str] = []
                for job_id in ids:
                    job = self.store.job(job_id)
                    if job is not None:
                        self._tell(main.table.get(job_id), job)
                    if job is None or job.state in FINAL_STATES:
                        removed.append(job_id)
                    else:
                        upserts.append(job)
                main.update_jobs(upserts, removed)
            if "ledger" in other:
                self._load_blanks()
            if other & {"ledger", "meta"} or reloaded:
                self.show_status()
                main.refresh_bindings()
            for screen in self.screen_stack:
                if screen is not main:
                    screen.post_message(StoreChanged(ids, set(other), reloaded))

    def _tell(self, before: Job | None, job: Job) -> None:
        """What the operator must act on gets a notification, not just a row
        that changes colour or leaves the queue."""
        from ..model import State
        from ..nik import mask
        from .status import link_cause

        if before is None or before.state is job.state:
            return
        if job.state is State.REJECTED:
            code = t_opt(f"code.{job.error_code}", job.error_code or link_cause(job.shown_error()))
            self.notify(t("action.rejected", job=job.short_id, nik=mask(job.nik), code=code),
                        severity="warning", timeout=20)
        elif job.state is State.INTERRUPTED:
            self.notify(t("action.interrupted", job=job.short_id), severity="error", timeout=20)

    def _tick_ages(self) -> None:
        with contextlib.suppress(LookupError, NoMatches):
            self.main.tick_ages()

    # -- actions (every screen goes through here) ------------------------------------------------
    def show_error(self, error: KtpError) -> None:
        """The one toast for an error of the core: its kind as the heading,
        its message in the operator's language, and the kind's fix."""
        self.notify(f"{error.message()}\n{error.fix()}", title=error.heading(),
                    severity="error", timeout=8)

    def act(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R | None:
        """Run an ``actions`` function (attached: the service does, as the
        socket's peer); a refusal becomes a notification."""
        try:
            if self.service is not None:
                from . import attached

                result: R = attached.act(self.service, self.store, fn, args, kwargs)
            else:
                result = fn(self.store, *args, operator=self.operator, **kwargs)
        except KtpError as e:
            self.show_error(e)
            return None
        # Our own commits are applied in memory (refresh() reports only other
        # Store instances' commits): update the rows they touched directly.
        ids = {result.id} if isinstance(result, Job) else set()
        self.apply_changes(ids, {"ledger", "meta", "events"})
        return result

    def count_session(self, opening: bool, count: int, *, confirm: int | None, reason: str,
                      now: datetime) -> Session | Summary:
        """Open or close the print session with a count (from a worker: the
        close reads the session's span); refusals are raised, as the core's."""
        from ..office import sessions

        if self.service is not None:
            from . import attached

            return attached.session(self.service, self.store, opening, count, confirm=confirm,
                                    reason=reason)
        fn = sessions.open_session if opening else sessions.close_session
        assert isinstance(self.store, Store)  # not attached: this process opened it
        return fn(self.store, count, operator=self.operator, confirm=confirm,
                  reason=reason, now=now)

    def issue_suket(self, job_id: str, now: datetime, *, out: Path | None = None,
                    as_text: bool = False, printer: Printer | None = None,
                    printer_name: str = "") -> Issued:
        """Issue a Suket (from a worker) to a file or a paper printer.
        Attached, the service records it (its number, as this account) and
        this process delivers it; else both here."""
        from ..office import suket

        where: dict[str, Any] = {"out": out, "as_text": as_text, "printer": printer,
                                 "printer_name": printer_name}
        service = self.service
        if service is not None:
            def record_as(outputs: list[suket.Destination]) -> suket.Slip:
                reply = service.call("suket", job=job_id, outputs=[list(d) for d in outputs])
                return suket.Slip.from_dict(reply["slip"])

            return suket.issue_recorded_first(record_as, ref=job_id, **where)
        office = self.office
        assert isinstance(self.store, Store)  # not attached: this process opened it
        return suket.issue(self.store, job_id, operator=self.operator,
                           office_code=office.office_code, station_id=office.station_id,
                           wait_days=office.suket_after_days, now=now, office=office.config,
                           **where)

    def job_action(self, name: str, job: Job | None, note: str = "") -> Job | None:
        if job is None:
            self.notify(t("action.no_job"), severity="warning")
            return None
        fn, kwargs = {"hold": (actions.hold, {}), "release": (actions.release, {}),
                      "cancel": (actions.cancel, {}), "urgent": (actions.make_urgent, {}),
                      "unurgent": (actions.make_urgent, {"urgent": False}),
                      "arrive": (actions.arrive, {})}[name]
        done = self.act(fn, job.id, note=note, **kwargs)
        if done is not None:
            key = {"hold": "action.held", "release": "action.released",
                   "cancel": "action.cancelled", "urgent": "action.urgent",
                   "unurgent": "action.not_urgent", "arrive": "action.arrived"}[name]
            self.notify(t(key, job=done.short_id))
        return done

    def resolve(self, job: Job, outcome: Outcome) -> None:
        if self.still_queued is None:
            self._resolved(job, outcome, "")
        else:
            self._check_printer_then_resolve(job, outcome, self.still_queued)

    @work(thread=True, group="resolve", exit_on_error=False)
    def _check_printer_then_resolve(self, job: Job, outcome: Outcome,
                                    check: Callable[[str], str]) -> None:
        """Asking CUPS may take a while: not on the UI thread."""
        self.call_from_thread(self._resolved, job, outcome, check(job.id))

    def _resolved(self, job: Job, outcome: Outcome, still_queued: str) -> None:
        if still_queued:
            self.notify(t("resolve.still_queued", job=job.short_id, why=still_queued),
                        title=t("action.refused"), severity="error", timeout=12)
            return
        done = self.act(actions.resolve, job.id, outcome)
        if done is not None:
            from ..fmt import state_label

            self.notify(t("action.resolved", job=done.short_id, state=state_label(done.state)))

    @property
    def paused(self) -> bool:
        try:
            return bool(self.store.meta(actions.PAUSED_KEY))
        except KtpError:
            if self.service is None:
                raise
            return False  # attached, the service gone: asked by the key bar while exiting

    def set_paused(self, paused: bool) -> None:
        if paused == self.paused:
            return
        self.act(actions.set_paused, paused)
        if self.paused == paused:  # not refused (attached: someone may have been first)
            self.notify(t("action.paused" if paused else "action.resumed"))

    def toggle_pause(self) -> None:
        self.set_paused(not self.paused)

    def printer_names(self) -> list[str]:
        """The station's printers when it has several: from the engine's
        status (this process's, or the one the printing process published)."""
        status = self.status if self.status is not None and self.status.printers else (
            StationStatus.from_json(self.store.meta(STATUS_KEY)))
        lines = status.printers if status is not None else ()
        return [line.name for line in lines] if len(lines) > 1 else []

    def paused_printers(self) -> set[str]:
        return set(actions.paused_printers(self.store))

    def toggle_printer_pause(self, name: str) -> None:
        if name in self.paused_printers():
            if self.act(actions.resume_printer, name) is not None:
                self.notify(t("printers.resumed_now", name=name))
        elif self.act(actions.pause_printer, name) is not None:
            self.notify(t("printers.paused_now", name=name))

    async def action_quit(self) -> None:
        """ctrl+q (Textual's binding) quits like ``q``: asking while a card prints."""
        try:
            main = self.main
        except LookupError:
            self.shutdown()
            return
        main.action_quit()

    def action_command_palette(self) -> None:
        """Textual's palette, with its search prompt in the operator's language."""
        from textual.command import CommandPalette

        open_ = any(isinstance(screen, CommandPalette) for screen in self.screen_stack)
        if self.use_command_palette and not open_:
            palette = CommandPalette(id="--command-palette", placeholder=t("cmd.placeholder"))
            self.push_screen(palette)

            def no_blink() -> None:  # a blinking cursor repaints twice a second over SSH
                for field in palette.query(Input):
                    field.cursor_blink = False

            palette.call_after_refresh(no_blink)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """None of Textual's: every station command is in ``StationCommands``."""
        return ()

    # -- demo ----------------------------------------------------------------------------------
    def demo_link(self, up: bool) -> None:
        if self.demo is not None:
            self.demo.set_link(up)

    def demo_power(self, mains: bool) -> None:
        if self.demo is not None:
            self.demo.set_power(mains)

    # -- testing helpers -----------------------------------------------------------------------
    def fixed(self, status: StationStatus) -> None:
        """Show a given station status (snapshots, tests)."""
        self._fixed = True
        self.status = status
        self.show_status()
