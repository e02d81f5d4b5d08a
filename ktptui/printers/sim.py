"""A simulated card printer for the demo and tests: no hardware, same contract."""

from __future__ import annotations

import random
import threading
import time

from ..i18n import say
from .base import Printer, PrinterStatus, PrintOutcome, PrintResult

JAM_REASON = "card jam (simulated)"


class SimPrinter(Printer):
    name = "sim"

    def __init__(self, seconds_per_card: float = 2.0, jam_rate: float = 0.0,
                 rng: random.Random | None = None) -> None:
        if not 0.0 <= jam_rate <= 1.0:
            raise ValueError(f"jam_rate must be between 0 and 1, got {jam_rate!r}")
        self.seconds_per_card = seconds_per_card
        self.jam_rate = jam_rate
        self.rng = rng or random.Random()
        #: Cards that came out good, in order: (job_id, attempt).
        self.printed: list[tuple[str, int]] = []
        #: Every card fed, jammed or not: (job_id, attempt).
        self.fed: list[tuple[str, int]] = []
        self._lock = threading.Lock()
        self._ready = True
        self._message = "ready"

    def set_ready(self, ready: bool, message: str = "") -> None:
        """For demos and tests: take the printer offline (or back) with a message."""
        with self._lock:
            self._ready = ready
            self._message = message or ("ready" if ready else "printer offline (simulated)")

    def status(self) -> PrinterStatus:
        with self._lock:
            return PrinterStatus(self._ready, self._message)

    def print_card(self, job_id: str, attempt: int, document: bytes,
                   content_type: str) -> PrintOutcome:
        with self._lock:
            ready, message = self._ready, self._message
        if not ready:
            return PrintOutcome.saying(PrintResult.NOT_PRINTED,
                                       say("printer.out.not_ready", message=message))
        key = (job_id, attempt)
        with self._lock:
            self.fed.append(key)
        # Once a card is fed it finishes: a half-printed blank is worse than a
        # slow shutdown.
        time.sleep(self.seconds_per_card)
        if self.jam_rate and self.rng.random() < self.jam_rate:
            return PrintOutcome.saying(PrintResult.SPOILED, say("printer.out.sim_jam"))
        with self._lock:
            self.printed.append(key)
        return PrintOutcome(PrintResult.PRINTED)
