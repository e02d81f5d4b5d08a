"""Long kill-and-restart run of ``ktptui --resume`` (the CI test is the short one).

    python bench/reliability_bench.py [--kills 1000] [--jobs 20] [--seed 1] [--printers 1]
    python bench/reliability_bench.py --service [--kills 500] [--printers 3] [--card-s 0.3]

SIGKILLs ``ktptui --resume`` at random moments against the central simulator
with faults on (see ``tests/chaos.py``), settles interrupted cards by the
spool folder, and prints what it found. ``--service`` kills ``ktptui serve``
instead, mid-card, with clients attached through its socket
(``tests/service_chaos.py``). Figures go in ``docs/reliability.md``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from chaos import FAULTS, run_chaos  # noqa: E402
from service_chaos import run_service_chaos  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kills", type=int, default=1000)
    p.add_argument("--jobs", type=int, default=20)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--add-per-run", type=int, default=1,
                   help="requests added while each run prints")
    p.add_argument("--window", type=float, nargs=2, default=(0.3, 1.5),
                   metavar=("MIN_S", "MAX_S"), help="kill after a random delay in this range")
    p.add_argument("--printers", type=int, default=1,
                   help="spool printers in the station ([[printers]] p1..pN when > 1)")
    p.add_argument("--service", action="store_true",
                   help="kill `ktptui serve` with clients attached (default 3 printers)")
    p.add_argument("--card-s", type=float, default=0.3,
                   help="--service: seconds each card is in its printer")
    args = p.parse_args()
    if args.service:
        return service(args)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ktptui-reliability-") as tmp:
        result = run_chaos(Path(tmp), kills=args.kills, jobs=args.jobs, seed=args.seed,
                           kill_window=tuple(args.window),
                           add_per_run=args.add_per_run,
                           printers=args.printers)  # type: ignore[arg-type]
    minutes = (time.monotonic() - started) / 60
    print(f"faults at central: {FAULTS}")
    print(f"kill window: {args.window[0]:g}-{args.window[1]:g} s after start; "
          f"{args.add_per_run} request(s) added per run")
    print(f"printers: {args.printers}   kills: {result.kills}   jobs: {result.jobs}   "
          f"run: {minutes:.1f} min")
    print(f"interrupted cards settled by the spool folder: printed {result.settled_printed}, "
          f"not printed {result.settled_not_printed}")
    print(f"exit codes seen: {dict(sorted(result.exit_codes.items()))}")
    print("problems: " + ("none" if not result.problems else ""))
    for problem in result.problems:
        print(f"  {problem}")
    return 1 if result.problems else 0


def service(args: argparse.Namespace) -> int:
    printers = args.printers if args.printers > 1 else 3
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ktptui-service-chaos-", dir="/tmp") as tmp:
        result = run_service_chaos(Path(tmp), Path(tmp) / "ktptui.sock", kills=args.kills,
                                   jobs=args.jobs, seed=args.seed, printers=printers,
                                   card_s=args.card_s,
                                   kill_window=tuple(args.window))  # type: ignore[arg-type]
    minutes = (time.monotonic() - started) / 60
    print(f"faults at central: {FAULTS}")
    print(f"ktptui serve, {printers} printers, {args.card_s:g} s a card; kill window: "
          f"{args.window[0]:g}-{args.window[1]:g} s, every other kill as a card is printing")
    print(f"kills: {result.kills} ({result.kills_mid_card} with cards in the printers)   "
          f"jobs: {result.jobs} (done {result.done}, cancelled {result.cancelled})   "
          f"run: {minutes:.1f} min")
    print(f"cards recovered interrupted at restart: {result.recovered}; settled through the "
          f"socket by the spool folder: printed {result.settled_printed}, not printed "
          f"{result.settled_not_printed}")
    requests = dict(sorted(result.requests.items()))
    print(f"requests answered: {requests}; refused (the engine got there first): "
          f"{dict(sorted(result.refused.items()))}")
    print(f"pushes read by the screens: {result.pushes}; abrupt connections: {result.rude}")
    print("problems: " + ("none" if not result.problems else ""))
    for problem in result.problems:
        print(f"  {problem}")
    return 1 if result.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
