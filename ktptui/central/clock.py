"""Central's clock, as the station knows it.

Kecamatan machines run without NTP and lose their clock on power cuts, so an
authorisation's ``expires_at`` is never judged against the station's wall
clock. Each reply's HTTP ``Date`` (and ``/health``'s ``time``) is a reading
of central's clock; the station keeps the last reading together with the
``time.monotonic()`` at which it arrived, and central's "now" is that reading
plus the monotonic time since. A wall-clock jump on the station changes
nothing; the offset (central minus station) is only for display.

Until a first reading, central's time is unknown (``now()`` is None). A
reading kept from an earlier run of the same boot may seed it (``restore``):
the wall clock is then the same one the offset was measured against. After a
reboot it may have been reset, so the engine waits for a fresh reading.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from ..model import now_utc

BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def boot_id() -> str:
    """This boot's id (Linux), or "" when unknown."""
    try:
        return BOOT_ID.read_text(encoding="ascii").strip()
    except OSError:
        return ""


class CentralClock:
    def __init__(self, wall: Callable[[], datetime] = now_utc,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._wall = wall
        self._mono = monotonic
        self._lock = threading.Lock()
        self._reading: tuple[datetime, float] | None = None  # (central time, monotonic)
        self.measured = False  # a reading from this run, not a restored one

    def monotonic(self) -> float:
        """The monotonic clock readings are kept with (``observe``'s times)."""
        return self._mono()

    def observe(self, central: datetime, *, sent: float, received: float) -> None:
        """A reading of central's clock taken by a request sent and answered
        at these monotonic times: it was true somewhere in between."""
        middle = (sent + received) / 2
        with self._lock:
            self._reading = (central, middle)
            self.measured = True

    def restore(self, offset_s: float) -> None:
        """Seed from an offset measured earlier in this boot (see the module doc)."""
        with self._lock:
            if self._reading is None:
                self._reading = (self._wall() + timedelta(seconds=offset_s), self._mono())

    def now(self) -> datetime | None:
        """Central's time now, or None before any reading."""
        with self._lock:
            reading = self._reading
        if reading is None:
            return None
        central, at = reading
        return central + timedelta(seconds=self._mono() - at)

    def offset_s(self) -> float | None:
        """Central's clock minus the station's wall clock, in seconds."""
        central = self.now()
        if central is None:
            return None
        return (central - self._wall()).total_seconds()
