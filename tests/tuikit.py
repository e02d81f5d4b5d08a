"""Helpers shared by the TUI tests: the screen size, bounded waits, and the
station's time zone pinned for snapshots."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from textual.pilot import Pilot

from ktptui.central.monitor import LinkState, LinkStatus
from ktptui.i18n import set_language
from ktptui.power import PowerStatus, Supply
from ktptui.printers.base import PrinterStatus
from ktptui.station.runner import RunnerEvent, Standby, Started, StatusChanged, Stopped
from ktptui.station.status import Gate, StationStatus

if TYPE_CHECKING:
    from ktptui.station.engine import Engine

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

SIZE = (80, 24)


async def until(pilot: Pilot[Any], cond: Callable[[], object], tries: int = 300) -> None:
    """Wait (at most tries x 50 ms) for ``cond``; fail with what we waited for."""
    for _ in range(tries):
        if cond():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"condition not met: {getattr(cond, '__doc__', None) or cond}")


@contextlib.contextmanager
def wib_indonesian() -> Iterator[None]:
    """Station clock in WIB (Asia/Jakarta) and the Indonesian catalogue."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Jakarta"
    time.tzset()
    set_language("id")
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


async def loaded(pilot: Pilot[Any], view: Any) -> list[str]:
    """The lines of a ``LinesView`` once its worker has filled it (history
    is read off the UI thread: the view says "loading" until then)."""
    from ktptui.i18n import t

    def done() -> bool:
        """the list loaded"""
        return t("common.loading") not in view.lines

    await until(pilot, done)
    return list(view.lines)


#: 09:18 WIB: the link's "since" in the fixed statuses below.
LINK_SINCE = datetime(2030, 1, 15, 2, 18, tzinfo=UTC)


def fixed_status(gate: Gate, reason: str = "", *, link: LinkStatus | None = None,
                 power: PowerStatus | None = None, printer: PrinterStatus | None = None,
                 **kw: Any) -> StationStatus:
    """A station status for an App with no engine: link up since 09:18 WIB,
    mains, the printer ready, unless said otherwise."""
    return StationStatus(
        gate, reason,
        link=link or LinkStatus(LinkState.UP, LINK_SINCE),
        power=power or PowerStatus(Supply.MAINS, None, None, False, "mains"),
        printer=printer or PrinterStatus(True, "ready"), **kw)


class FakeRunner:
    """A ``station.runner.Runner`` with no thread and no engine: a test says
    what happens (``emit``) and the App hears it as from a real runner."""

    def __init__(self) -> None:
        self.on_event: Callable[[RunnerEvent], None] | None = None
        self.started = False
        self.running = False
        self.stopped = False
        self.printing = False
        self.status: StationStatus | None = None
        self.holder: str | None = None
        self.engine: Engine | None = None

    @property
    def printing_now(self) -> bool:
        return self.printing

    def start(self) -> None:
        self.started = True

    def stop(self, wait: float | None = None) -> bool:
        self.stopped = True
        if self.printing:  # the card in progress finishes first (``finish``)
            return False
        if self.running:
            self.emit(Stopped())
        return True

    def finish(self) -> None:
        """The card in progress is recorded: a stop asked for ends now."""
        self.printing = False
        if self.stopped:
            self.emit(Stopped())

    def emit(self, event: RunnerEvent) -> None:
        if isinstance(event, StatusChanged):
            self.status = event.status
            self.printing = event.status.current_job is not None
        elif isinstance(event, Standby):
            self.holder = event.holder
        elif isinstance(event, Started):
            self.running = True
        elif isinstance(event, Stopped):
            self.running = False
        assert self.on_event is not None, "the App has not started the runner"
        self.on_event(event)
