"""Card printer backends behind one small interface (see ``base``).

The package picks the backend; ``base`` only defines the interface, so no
backend and ``base`` import each other.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from ..config import Config, PrinterConfig
from .base import Printer, PrinterStatus, PrintOutcome, PrintResult

__all__ = ["PrintOutcome", "PrintResult", "Printer", "PrinterStatus", "make_printer",
           "still_queued_check"]


def still_queued_check(cfg: PrinterConfig | Config) -> Callable[[str], str] | None:
    """For ``resolve``: the backend's ``still_queued``, or None for backends
    that never hold a card after giving up on it (spool, sim). For a whole
    station, every printer that may hold one is asked (a card is only ever
    sent to one)."""
    if isinstance(cfg, Config):
        checks = [make_printer(p).still_queued for _, p in cfg.printer_list()
                  if p.backend == "cups"]
        if not checks:
            return None

        def any_printer(job_id: str) -> str:
            return next((why for check in checks if (why := check(job_id))), "")

        return any_printer
    if cfg.backend != "cups":
        return None
    return make_printer(cfg).still_queued


def make_printer(cfg: PrinterConfig, *, rng_seed: int | None = None) -> Printer:
    """The backend named by ``[printer] backend``.

    Backends are imported here, not at module top, so a station only loads
    the one it uses.
    """
    if cfg.backend == "cups":
        from .cups import CupsPrinter

        return CupsPrinter(cfg.queue, server=cfg.cups_server, device_uri=cfg.device_uri)
    if cfg.backend == "spool":
        from .spool import SpoolPrinter

        if cfg.spool_dir is None:
            raise ValueError("[printer] backend = \"spool\" needs [printer] spool_dir: "
                             "set it to the folder the card printer software watches")
        return SpoolPrinter(cfg.spool_dir)
    if cfg.backend == "sim":
        from .sim import SimPrinter

        rng = random.Random(rng_seed) if rng_seed is not None else None
        return SimPrinter(cfg.sim_seconds_per_card, cfg.sim_jam_rate, rng=rng)
    raise ValueError(f"[printer] backend must be sim, cups or spool, got {cfg.backend!r}")
