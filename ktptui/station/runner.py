"""Runs a station: the engine lock, the engine's threads, standby and
take-over, a restart after a crash, and stopping with the card in progress
finished. No Textual: the TUI and ``--resume`` both run a station through
here, so they cannot supervise the engine differently.

* ``run()`` does it all in the calling thread (``--resume``) and returns an
  ``ExitSummary``; ``start()`` does the same in a thread of its own (the TUI)
  and reports through ``on_event`` (called from that thread or the engine's:
  a front end hands each event to its own loop).
* The lock: with ``takeover_s`` None another holder is an error
  (``EngineBusy``); otherwise the runner waits on standby, telling who holds
  the printer, and takes over when it is free.
* ``stop()`` asks the engine to stop: the card in progress finishes and is
  recorded; ``stop(wait=s)`` waits for that up to ``s`` seconds.
"""

from __future__ import annotations

import enum
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from types import FrameType
from typing import TYPE_CHECKING, Protocol

from ..errors import Kind, KtpError
from ..i18n import Said
from ..locks import EngineLock, Holder
from .status import Gate, StationStatus

if TYPE_CHECKING:  # the engine (and httpx behind it) is built by the factory
    from .engine import Engine

log = logging.getLogger("ktptui.runner")

EngineFactory = Callable[[Callable[[StationStatus], None]], "Engine"]


class Phase(enum.StrEnum):
    STARTING = "starting"
    STANDBY = "standby"  # another process drives the printer
    RUNNING = "running"
    STOPPED = "stopped"


# -- what the runner tells its front end --------------------------------------------------------

@dataclass(frozen=True)
class RunnerEvent:
    """Base of everything ``on_event`` receives."""


@dataclass(frozen=True)
class StatusChanged(RunnerEvent):
    """The status changed in something a front end shows (countdowns left out)."""

    status: StationStatus


@dataclass(frozen=True)
class Standby(RunnerEvent):
    """Another process holds the printer (``holder``: who, when known)."""

    holder: str | None


@dataclass(frozen=True)
class Started(RunnerEvent):
    """The engine is built and runs; ``took_over``: after waiting on standby."""

    took_over: bool


@dataclass(frozen=True)
class Notes(RunnerEvent):
    """What recovery found (interrupted cards, stale documents), as catalogue
    texts (``str()`` English for logs, ``text()`` for the operator)."""

    notes: tuple[Said, ...]


@dataclass(frozen=True)
class Restarting(RunnerEvent):
    """The engine crashed; a new one starts after ``restart_s``."""

    error: str
    attempt: int


@dataclass(frozen=True)
class Stopped(RunnerEvent):
    """The runner is done and the lock is free; ``error``: why, when it failed."""

    error: str = ""


@dataclass(frozen=True)
class ExitSummary:
    """How a run ended: ``drained`` (nothing left that could print, every
    outcome reported) and why printing stood when the loop ended."""

    drained: bool
    status_at_end: StationStatus | None
    error: str = ""

    @property
    def gate(self) -> Gate | None:
        return None if self.status_at_end is None else self.status_at_end.gate


class StartFailed(KtpError):
    """The factory could not build the engine (``error``: what it raised);
    that is the config's doing (a printer, central or power setting)."""

    error_kind = Kind.CONFIG

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error) or type(error).__name__)
        self.error = error
        if isinstance(error, KtpError) and error.key is not None:
            self.say(error.key, **(error.values or {}))  # its words, in the operator's language


def holder_text(holder: Holder | None) -> str:
    """Who holds the engine lock, short: "ktptui --resume (siti, pid 4242)"."""
    if holder is None:
        return ""
    return f"{holder.role} ({holder.user}, pid {holder.pid})"


def _shown(status: StationStatus) -> StationStatus:
    """The status without what changes every tick: its time, the link's
    countdown, and the reasons that count seconds (link and token gates)."""
    reason = "" if status.gate in (Gate.LINK, Gate.TOKEN) else status.reason
    return replace(status, at="", reason=reason, link=replace(status.link, retry_in_s=None))


class Runner(Protocol):
    """What a front end uses of a runner (``StationRunner``; tests give a fake
    that runs no thread)."""

    on_event: Callable[[RunnerEvent], None] | None

    @property
    def engine(self) -> Engine | None: ...

    @property
    def status(self) -> StationStatus | None: ...

    @property
    def holder(self) -> str | None: ...

    @property
    def printing_now(self) -> bool: ...

    @property
    def running(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self, wait: float | None = None) -> bool: ...


class StationRunner:
    def __init__(
        self,
        lock: EngineLock,
        factory: EngineFactory,
        *,
        role: str,
        on_event: Callable[[RunnerEvent], None] | None = None,
        takeover_s: float | None = 2.0,
        until_idle: bool = False,
        max_wait_s: float | None = None,
        max_restarts: int = 0,
        restart_s: float = 5.0,
    ) -> None:
        self.lock = lock
        self.factory = factory
        self.role = role
        self.on_event = on_event
        self.takeover_s = takeover_s
        self.until_idle = until_idle
        self.max_wait_s = max_wait_s
        self.max_restarts = max_restarts
        self.restart_s = restart_s
        self._stop = threading.Event()
        self._mu = threading.Lock()
        self._engine: Engine | None = None
        self._status: StationStatus | None = None
        self._shown: StationStatus | None = None
        self._phase = Phase.STARTING
        self._holder: str | None = None
        self._thread: threading.Thread | None = None
        self._summary: ExitSummary | None = None
        self._waited = False

    # -- what a front end reads ----------------------------------------------------------------
    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def engine(self) -> Engine | None:
        with self._mu:
            return self._engine

    @property
    def status(self) -> StationStatus | None:
        """The engine's last status (None before the first, or on standby)."""
        with self._mu:
            return self._status

    @property
    def holder(self) -> str | None:
        """On standby: who drives the printer."""
        return self._holder if self._phase is Phase.STANDBY else None

    @property
    def printing_now(self) -> bool:
        engine = self.engine
        return engine is not None and engine.status().current_job is not None

    @property
    def running(self) -> bool:
        """An engine is built and runs (not on standby, not stopped)."""
        return self.engine is not None

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def summary(self) -> ExitSummary | None:
        """How the run ended (None while it runs)."""
        return self._summary

    # -- start and stop ----------------------------------------------------------------------------
    def start(self) -> None:
        """Run in a thread of its own (not a daemon: the interpreter waits for
        the card in progress at exit)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._main, name="ktptui-runner")
        self._thread.start()

    def stop(self, wait: float | None = None) -> bool:
        """No new card; the one in progress finishes. ``wait``: seconds to
        wait for the run to end. True when it has ended."""
        self._stop.set()
        engine = self.engine
        if engine is not None:
            engine.stop()
        thread = self._thread
        if thread is not None and wait is not None and thread is not threading.current_thread():
            thread.join(wait)
        return not self.alive

    def stop_on_signals(self, signals: Iterable[signal.Signals] = (signal.SIGTERM,
                                                                   signal.SIGINT),
                        logger: logging.Logger = log) -> None:
        """Headless runs: stop on these signals, saying so in the log (the
        main thread only, like ``signal.signal``)."""

        def on_signal(signum: int, frame: FrameType | None) -> None:
            logger.info("%s: finishing the card in progress, then stopping",
                        signal.Signals(signum).name)
            self.stop()

        for sig in signals:
            signal.signal(sig, on_signal)

    # -- running -----------------------------------------------------------------------------------
    def _emit(self, event: RunnerEvent) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def _on_status(self, status: StationStatus) -> None:
        """From engine threads: keep it, and tell only what a front end would
        show differently (an idle station tells nothing)."""
        shown = _shown(status)
        with self._mu:
            self._status = status
            if shown == self._shown:
                return
            self._shown = shown
        self._emit(StatusChanged(status))

    def _main(self) -> None:
        error = ""
        try:
            self._summary = self.run()
        except StartFailed as e:
            log.error("engine cannot start: %s", e)
            error = e.message()
            self._summary = ExitSummary(False, None, error)
        except Exception as e:
            log.exception("engine stopped")
            error = str(e) or type(e).__name__
            self._summary = ExitSummary(False, self.status, error)
        finally:
            self._emit(Stopped(error))

    def _take_lock(self) -> bool:
        """The printer's lock, waiting on standby if allowed; False: stopped
        meanwhile. ``_waited``: it waited on standby first."""
        waited = self._waited = False
        while not self._stop.is_set():
            if self.takeover_s is None:
                self.lock.acquire(role=self.role)  # EngineBusy: the caller says it
                return True
            if self.lock.try_acquire(role=self.role):
                self._waited = waited
                return True
            who = holder_text(self.lock.holder()) or None
            if not waited or who != self._holder:
                self._phase, self._holder = Phase.STANDBY, who
                with self._mu:
                    self._status, self._shown = None, None
                self._emit(Standby(who))
            waited = True
            self._stop.wait(self.takeover_s)
        return False

    def run(self) -> ExitSummary:
        """Take the lock, build the engine, recover, run until stopped (or
        idle / ``max_wait_s`` with ``until_idle``). Raises ``EngineBusy``
        (``takeover_s`` None), ``StartFailed`` with what the factory raised (a
        token file, a base URL), and an engine crash once ``max_restarts``
        are used up."""
        if not self._take_lock():
            self._phase = Phase.STOPPED
            return ExitSummary(False, None)
        took_over = self._waited
        try:
            restarts = 0
            while True:
                try:
                    engine = self.factory(self._on_status)
                except Exception as e:  # a token file, a base URL, a printer config
                    raise StartFailed(e) from e
                with self._mu:
                    self._engine = engine
                if self._stop.is_set():
                    engine.stop()
                self._phase, self._holder = Phase.RUNNING, None
                self._emit(Started(took_over))
                try:
                    return self._run_engine(engine)
                except Exception as e:
                    if restarts >= self.max_restarts or self._stop.is_set():
                        raise
                    restarts += 1
                    log.exception("engine stopped: restart %d of %d in %.0f s", restarts,
                                  self.max_restarts, self.restart_s)
                    with self._mu:
                        self._engine, self._status, self._shown = None, None, None
                    self._emit(Restarting(str(e) or type(e).__name__, restarts))
                    if self._stop.wait(self.restart_s):
                        return ExitSummary(False, engine.status_at_end)
                    took_over = False
        finally:
            with self._mu:
                self._engine = None
            self.lock.release()
            self._phase = Phase.STOPPED

    def _run_engine(self, engine: Engine) -> ExitSummary:
        notes = engine.recover()
        if notes:
            self._emit(Notes(tuple(notes)))
        if engine.stop_event.is_set():
            return ExitSummary(False, engine.status())
        deadline = None if self.max_wait_s is None else time.monotonic() + self.max_wait_s
        drained = engine.run(until_idle=self.until_idle, deadline=deadline)
        return ExitSummary(drained, engine.status_at_end)
