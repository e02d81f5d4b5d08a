"""How busy the printers stay while the engine drains the queue over a slow link.

    python bench/engine_bench.py [--jobs 200] [--latency 0.3] [--card-seconds 2.0]
                                 [--printers 1] [--no-sequential]

The central simulator adds ``--latency`` to every reply; each ``sim`` printer
takes ``--card-seconds`` per card. Printer busy = time spent printing / time
from start to the last card out, per printer. With ``--printers N`` (N > 1)
the same queue is drained by N printers and by one printer, and the ratio of
the two times is printed (issue 15 asks for <= 0.36 with three printers, 300
cards). Compared with a sequential station that authorises, prints and reports
one card at a time. Figures go in ``docs/performance.md``. This is a
benchmark, not a test: it takes minutes.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from ktptui import actions
from ktptui.central import Backoff, CentralClient, LinkMonitor
from ktptui.central.sim import CentralSimulator
from ktptui.config import CentralConfig, Config, EngineConfig, PowerConfig, StationConfig
from ktptui.model import Outcome
from ktptui.power import NoPower
from ktptui.printers.base import PrintOutcome
from ktptui.printers.sim import SimPrinter
from ktptui.station.engine import Engine
from ktptui.store import Store

TOKEN = "bench-token"
OP = "bench"


class TimedPrinter(SimPrinter):
    """The sim printer, keeping how long it spent on cards."""

    def __init__(self, seconds_per_card: float) -> None:
        super().__init__(seconds_per_card, 0.0)
        self.busy_s = 0.0
        self.last_out = 0.0

    def print_card(self, job_id: str, attempt: int, document: bytes,
                   content_type: str) -> PrintOutcome:
        t0 = time.monotonic()
        out = super().print_card(job_id, attempt, document, content_type)
        self.last_out = time.monotonic()
        self.busy_s += self.last_out - t0
        return out


def nik(i: int) -> str:
    return f"351505{1 + i % 28:02d}{1 + i % 12:02d}{80 + i % 20:02d}{1 + i:04d}"


def setup(root: Path, sim: CentralSimulator, jobs: int, ahead: int) -> tuple[Config, Store]:
    token = root / "token"
    token.write_text(TOKEN)
    token.chmod(0o600)
    config = Config(
        station=StationConfig(id="bench", office_code="35.15", operator=OP),
        central=CentralConfig(base_url=sim.base_url, token_file=token, timeout_s=10,
                              health_interval_s=30),
        power=PowerConfig(source="none"),
        engine=EngineConfig(authorize_ahead=ahead),
    )
    store = Store(root / "data")
    actions.receive_blanks(store, jobs, operator=OP)
    for i in range(jobs):
        actions.add(store, nik(i), operator=OP)
    return config, store


def run_engine(root: Path, sim: CentralSimulator, jobs: int, card_s: float,
               ahead: int, printers: int = 1) -> tuple[list[float], float]:
    """Busy seconds of each printer, and the time to the last card out."""
    config, store = setup(root, sim, jobs, ahead)
    named = [(f"p{i}", TimedPrinter(card_s)) for i in range(1, printers + 1)]
    client = CentralClient.from_config(config.central, config.station)
    engine = Engine(store, config, client=client, printers=named, power=NoPower(),
                    link=LinkMonitor(health_interval_s=30, backoff=Backoff(2, 300)),
                    operator=OP)
    t0 = time.monotonic()
    engine.run(until_idle=True)
    printed = sum(len(p.printed) for _, p in named)
    if printed != jobs:
        raise SystemExit(f"{printed} cards printed, {jobs} jobs")
    return [p.busy_s for _, p in named], max(p.last_out for _, p in named) - t0


def run_sequential(root: Path, sim: CentralSimulator, jobs: int,
                   card_s: float) -> tuple[float, float]:
    config, store = setup(root, sim, jobs, 1)
    printer = TimedPrinter(card_s)
    client = CentralClient.from_config(config.central, config.station)
    t0 = time.monotonic()
    for job in store.active_jobs():
        auth = client.authorize(job, OP)
        printer.print_card(job.id, job.attempt, auth.document, auth.content_type)
        client.report(auth.authorization_id, job.id, job.attempt, Outcome.PRINTED, OP)
    return printer.busy_s, printer.last_out - t0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=200)
    p.add_argument("--latency", type=float, default=0.3, help="seconds added to every reply")
    p.add_argument("--card-seconds", type=float, default=2.0)
    p.add_argument("--ahead", type=int, default=3, help="[engine] authorize_ahead")
    p.add_argument("--printers", type=int, default=1, help="sim printers in the station")
    p.add_argument("--no-sequential", action="store_true",
                   help="skip the one-card-at-a-time comparison")
    args = p.parse_args(argv)
    print(f"{args.jobs} jobs, central latency {args.latency * 1000:.0f} ms, "
          f"{args.card_seconds:g} s per card")
    runs = [("engine", args.printers)] + ([("engine", 1)] if args.printers > 1 else [])
    if not args.no_sequential:
        runs.append(("seq", 1))
    walls: dict[int, float] = {}
    for runner, printers in runs:
        with tempfile.TemporaryDirectory() as tmp, \
                CentralSimulator(port=0, token=TOKEN, seed=1) as sim:
            sim.faults.latency_s = args.latency
            if runner == "engine":
                busy, wall = run_engine(Path(tmp), sim, args.jobs, args.card_seconds,
                                        args.ahead, printers)
                name = f"engine, {printers} printer{'s' if printers > 1 else ''}"
                walls[printers] = wall
            else:
                one, wall = run_sequential(Path(tmp), sim, args.jobs, args.card_seconds)
                busy, name = [one], "sequential"
        shares = " ".join(f"{100 * b / wall:5.1f}%" for b in busy)
        print(f"  {name:22} {wall:8.1f} s to drain   printer busy {shares}   "
              f"{3600 * args.jobs / wall:6.0f} cards/hour")
    if args.printers > 1:
        ratio = walls[args.printers] / walls[1]
        print(f"  {args.printers} printers take {ratio:.3f}x the time of one "
              f"({100 / (args.printers * ratio):.1f}% of linear)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
