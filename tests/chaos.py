"""Kill-and-restart harness for ``ktptui --resume`` (used by tests and bench).

A real central simulator (faults on) in this process; ``ktptui --resume`` as
a real subprocess with the ``spool`` printer (or several: ``printers=3``
gives ``[[printers]]`` p1..p3, each with its own spool folder), SIGKILLed at
random moments and restarted. After each kill, interrupted cards are settled
the way an operator would: by looking at what actually reached the spool
folders. At the end the queue is drained with no kills, and the invariants
are checked (with several printers also: each card is in the folder of the
printer its job records).
"""

from __future__ import annotations

import collections
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ktptui import actions
from ktptui.central.sim import CentralSimulator
from ktptui.model import Outcome, State
from ktptui.store import Store

OP = "chaos"
TOKEN = "chaos-token"
FAULTS: dict[str, Any] = {"error_rate": 0.1, "reset_after_rate": 0.1, "reset_before_rate": 0.05,
                          "garbage_rate": 0.05, "retry_after_s": 0}


@dataclass
class ChaosResult:
    kills: int = 0
    jobs: int = 0
    settled_printed: int = 0
    settled_not_printed: int = 0
    exit_codes: collections.Counter[int] = field(default_factory=collections.Counter)
    problems: list[str] = field(default_factory=list)


def nik(i: int) -> str:
    day, month, year = 1 + i % 28, 1 + i % 12, 80 + i % 20
    return f"351505{day:02d}{month:02d}{year:02d}{1 + i % 8999:04d}"


def spool_dirs(root: Path, printers: int = 1) -> list[Path]:
    """The spool folder of each printer (one printer: ``root/spool``)."""
    if printers == 1:
        return [root / "spool"]
    return [root / "spool" / f"p{i}" for i in range(1, printers + 1)]


def write_config(root: Path, base_url: str, printers: int = 1) -> Path:
    token = root / "token"
    token.write_text(TOKEN)
    token.chmod(0o600)
    cfg = root / "config.toml"
    cfg.write_text(f"""
[station]
id = "chaos-station"
office_code = "35.15"
operator = "{OP}"
[store]
data_dir = "{root / 'data'}"
[central]
base_url = "{base_url}"
token_file = "{token}"
timeout_s = 5
retry_min_s = 0.02
retry_max_s = 0.2
health_interval_s = 0.5
[power]
source = "none"
""" + ("".join(f"""[[printers]]
name = "{d.name}"
backend = "spool"
spool_dir = "{d}"
""" for d in spool_dirs(root, printers)) if printers > 1 else f"""[printer]
backend = "spool"
spool_dir = "{root / 'spool'}"
"""), encoding="utf-8")
    return cfg


def spool_cards(spool: Path | list[Path]) -> collections.Counter[str]:
    """Cards that reached the printers, by job id (file name ``<job>-<attempt>.<ext>``)."""
    counts: collections.Counter[str] = collections.Counter()
    for folder in spool if isinstance(spool, list) else [spool]:
        if folder.exists():
            counts.update(p.name.rsplit("-", 1)[0] for p in folder.iterdir()
                          if not p.name.startswith(".") and p.is_file())
    return counts


def reached(spool: Path | list[Path], job_id: str, attempt: int) -> bool:
    return any((folder / f"{job_id}-{attempt}.{ext}").exists()
               for folder in (spool if isinstance(spool, list) else [spool])
               for ext in ("pdf", "bin"))


def settle(store: Store, spool: Path | list[Path], result: ChaosResult) -> None:
    """The operator's part: every interrupted card, settled by the spool folder."""
    store.refresh()
    for job in store.jobs([State.INTERRUPTED]):
        came_out = reached(spool, job.id, job.attempt)
        outcome = Outcome.PRINTED if came_out else Outcome.NOT_PRINTED
        actions.resolve(store, job.id, outcome, operator=OP, note="checked the spool folder")
        if came_out:
            result.settled_printed += 1
        else:
            result.settled_not_printed += 1


def check(store: Store, spool: Path | list[Path], result: ChaosResult) -> None:
    """What must hold after every kill."""
    twice = [j for j, n in spool_cards(spool).items() if n > 1]
    if twice:
        result.problems.append(f"cards printed twice: {twice}")
    if not store.reconcile().ok:
        result.problems.append(f"ledger does not reconcile: {store.reconcile()}")


#: Killed (-9), drained (0), an interrupted card waits for the operator (3),
#: or gave up with work left (75). Anything else is a bug.
EXPECTED_EXITS = {-signal.SIGKILL, 0, 3, 75}


def note_exit(code: int, log: Path, result: ChaosResult) -> None:
    result.exit_codes[code] += 1
    if code not in EXPECTED_EXITS:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        result.problems.append(f"--resume exited {code}: {' | '.join(lines[-3:])}")


def resume(cfg: Path, log: Path, max_wait: float) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("ab") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "ktptui", "--resume", "--config", str(cfg),
             "--max-wait", str(max_wait)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env)


def run_chaos(root: Path, *, kills: int, jobs: int, seed: int = 1,
              kill_window: tuple[float, float] = (0.3, 1.5), add_per_run: int = 1,
              faults: dict[str, Any] | None = None, final_wait: float = 120.0,
              printers: int = 1) -> ChaosResult:
    rng = random.Random(seed)
    result = ChaosResult()
    with CentralSimulator(port=0, token=TOKEN, seed=seed) as sim:
        for key, value in (FAULTS if faults is None else faults).items():
            setattr(sim.faults, key, value)
        cfg = write_config(root, sim.base_url, printers)
        spool, log = spool_dirs(root, printers), root / "resume.log"
        store = Store(root / "data")
        total_jobs = jobs + kills * add_per_run
        actions.receive_blanks(store, total_jobs + 10, operator=OP, note="chaos shipment")
        added = 0

        def add(n: int) -> None:
            nonlocal added
            for _ in range(n):
                actions.add(store, nik(added), operator=OP)
                added += 1

        add(jobs)
        for _ in range(kills):
            proc = resume(cfg, log, 60)
            try:
                time.sleep(rng.uniform(*kill_window))
                add(add_per_run)  # requests keep arriving while it prints
            finally:
                proc.send_signal(signal.SIGKILL)
                code = proc.wait(timeout=30)
            note_exit(code, log, result)
            result.kills += 1
            settle(store, spool, result)
            check(store, spool, result)
        sim.reset_faults()
        # Drain: restart until it says there is nothing left (bounded).
        for _ in range(5):
            code = resume(cfg, log, final_wait).wait(timeout=final_wait + 60)
            note_exit(code, log, result)
            settle(store, spool, result)
            store.refresh()
            if code == 0 and not store.jobs([State.INTERRUPTED]):
                break
        check(store, spool, result)
        result.jobs = added
        final_checks(store, sim, spool, result)
    return result


def final_checks(store: Store, sim: CentralSimulator, spool: list[Path],
                 result: ChaosResult) -> None:
    store.refresh()
    all_jobs = store.jobs() + store.archived_jobs()
    if len({j.id for j in all_jobs}) != result.jobs:
        result.problems.append(f"{result.jobs} jobs added, {len(all_jobs)} in the store")
    not_done = [f"{j.short_id}:{j.state.value}" for j in all_jobs if j.state is not State.DONE]
    if not_done:
        result.problems.append(f"jobs not done: {not_done}")
    cards = spool_cards(spool)
    for job in all_jobs:
        if cards[job.id] != 1:
            result.problems.append(f"job {job.short_id}: {cards[job.id]} cards in the spool")
        if len(spool) > 1 and spool_cards([d for d in spool if d.name == job.printer])[
                job.id] != 1:
            result.problems.append(f"job {job.short_id}: recorded printer {job.printer}, "
                                   "its card is not in that printer's folder")
        if sim.printed_count(job.id) != 1:
            result.problems.append(
                f"job {job.short_id}: {sim.printed_count(job.id)} printed outcomes at central")
    unreported = [a["authorization_id"] for a in sim.state()["authorizations"]
                  if a["outcome"] is None]
    if unreported:
        result.problems.append(f"authorisations never reported: {unreported}")
    if store.outbox():
        result.problems.append(f"outbox not empty: {len(store.outbox())}")
    totals = store.ledger_totals()
    if totals.printed != result.jobs:
        result.problems.append(f"ledger printed {totals.printed}, jobs {result.jobs}")
