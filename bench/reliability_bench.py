"""Long kill-and-restart run of ``ktptui --resume`` (the CI test is the short one).

    python bench/reliability_bench.py [--kills 1000] [--jobs 20] [--seed 1] [--printers 1]

SIGKILLs ``ktptui --resume`` at random moments against the central simulator
with faults on (see ``tests/chaos.py``), settles interrupted cards by the
spool folder, and prints what it found. Figures go in ``docs/reliability.md``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from chaos import FAULTS, run_chaos  # noqa: E402


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
    args = p.parse_args()
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


if __name__ == "__main__":
    raise SystemExit(main())
