"""SIGKILL a store writer at random instants; nothing acknowledged may be lost.

A subprocess (tests/crash_writer.py) runs jobs through the store and prints
each change only after the call that made it returned. The test kills it at a
random moment, opens the store, and checks that every acknowledged change is
there, that the store is not corrupt, and that jobs, ledger, outbox and counts
agree with each other. Then the next writer carries on in the same store.

``KTPTUI_CRASH_KILLS`` (default 20) sets the number of kills and
``KTPTUI_CRASH_SEED`` replays a run (the seed is in every failure message).
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from ktptui.model import TRANSITIONS, Job, State
from ktptui.office.verify import verify
from ktptui.store import Store
from ktptui.store.ledger import Kind

WRITER = Path(__file__).with_name("crash_writer.py")
REPO = WRITER.parent.parent
KILLS = int(os.environ.get("KTPTUI_CRASH_KILLS", "20"))
FIRST_LINE_TIMEOUT_S = 30.0
MAX_DELAY_S = 0.25


class Acked:
    """Everything the writers acknowledged, across all kills."""

    def __init__(self) -> None:
        self.jobs: dict[str, list[str]] = {}  # job id -> states in order
        self.ledger: set[str] = set()
        self.kills = 0

    def take(self, lines: list[str]) -> int:
        changes = 0
        for line in lines:
            kind, *rest = line.split()
            if kind == "J":
                self.jobs.setdefault(rest[0], []).append(rest[1])
                changes += 1
            elif kind == "L":
                self.ledger.add(rest[0])
                changes += 1
        return changes


def run_and_kill(data_dir: Path, first: int, rng: random.Random) -> tuple[list[str], str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, str(WRITER), str(data_dir), str(first), "7"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    fd = proc.stdout.fileno()
    got = b""
    deadline = time.monotonic() + FIRST_LINE_TIMEOUT_S
    try:
        while b"\n" not in got:  # wait (bounded) until the writer has the store open
            left = deadline - time.monotonic()
            assert left > 0, "the writer printed nothing"
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                got += chunk
        time.sleep(rng.uniform(0, MAX_DELAY_S))
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        rest = proc.stdout.read()
        err = proc.stderr.read().decode(errors="replace")
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL, f"the writer died by itself: {err}"
    text = (got + rest).decode()
    lines = text.split("\n")[:-1]  # a line cut off by the kill was never acknowledged
    return lines, err


def all_jobs(store: Store) -> dict[str, Job]:
    hot = {j.id: j for j in store.jobs()}
    archived = {j.id: j for j in store.archived_jobs()}
    assert not hot.keys() & archived.keys()
    return hot | archived


def check(store: Store, acked: Acked, where: str) -> None:
    jobs = all_jobs(store)

    # 1. Every acknowledged change is there; at most one unacknowledged change
    #    (the one in flight at the kill) per kill.
    extra = 0
    for job_id, states in acked.jobs.items():
        assert job_id in jobs, f"{where}: acknowledged job {job_id} is lost"
        history = [h.to_state for h in jobs[job_id].history]
        assert history[: len(states)] == states, f"{where}: {job_id} {history} vs {states}"
        extra += len(history) - len(states)
    unacked_jobs = jobs.keys() - acked.jobs.keys()
    extra += sum(len(jobs[j].history) for j in unacked_jobs)
    assert extra <= acked.kills, f"{where}: {extra} unacknowledged changes for {acked.kills} kills"

    # 2. Every job is whole: its history is a legal path ending in its state.
    for job in jobs.values():
        steps = [(h.from_state, h.to_state) for h in job.history]
        assert steps[0] == (None, "queued"), where
        for frm, to in steps[1:]:
            assert (State(frm), State(to)) in TRANSITIONS, f"{where}: {job.id} {steps}"
        assert [t for _, t in steps[:-1]] == [f for f, _ in steps[1:]], where
        assert steps[-1][1] == job.state.value, where

    # 3. Counts agree with the jobs themselves (carried archive counts included).
    assert store.counts() == {s.value: Counter(j.state.value for j in jobs.values())[s.value]
                              for s in State}, where

    # 4. The ledger: every acknowledged entry, one blank per card printed or
    #    spoiled, and a reconciled, non-negative balance.
    entries = store.ledger_entries()
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids)), where
    assert acked.ledger <= set(ids), f"{where}: lost ledger entries {acked.ledger - set(ids)}"
    printed = Counter(e.job_id for e in entries if e.kind is Kind.PRINTED)
    spoiled = Counter(e.job_id for e in entries if e.kind is Kind.SPOILED)
    want_printed = Counter(j.id for j in jobs.values()
                           for h in j.history if h.to_state == "printed")
    want_spoiled = Counter(j.id for j in jobs.values() for h in j.history
                           if (h.from_state, h.to_state) == ("printing", "queued"))
    assert printed == want_printed, where
    assert spoiled == want_spoiled, where
    rec = store.reconcile()
    assert rec.ok, f"{where}: {rec.describe()}"
    assert store.ledger_totals() == rec.totals and rec.totals.balance >= 0, where

    # 5. The outbox holds exactly the reports still owed.
    owed = {f"{j.id}/1": "printed" for j in jobs.values() if j.state is State.PRINTED}
    owed |= {f"{j}/1": "spoiled" for j in want_spoiled}
    assert {i.key: i.outcome for i in store.outbox()} == owed, where

    # 6. The ledger and audit chains hold: a kill mid-append (a torn tail) or
    #    mid-compaction is recovered, never reported as tampering.
    result = verify(store)
    assert result.ok, f"{where}: {result.lines()}"


def test_sigkill_at_random_instants_loses_no_acknowledged_change(tmp_path: Path) -> None:
    seed = int(os.environ.get("KTPTUI_CRASH_SEED", str(random.randrange(2**32))))
    rng = random.Random(seed)
    data_dir = tmp_path / "data"
    acked = Acked()
    changes_seen = 0
    for n in range(KILLS):
        where = f"seed {seed}, kill {n + 1}/{KILLS}"
        lines, _ = run_and_kill(data_dir, first=n * 2_000, rng=rng)
        assert lines and lines[0].split()[0] == "K", f"{where}: {lines[:1]}"
        changes_seen += acked.take(lines)
        acked.kills += 1
        check(Store(data_dir), acked, where)
    # The kills hit a store that was really working: jobs went all the way,
    # compactions archived finished ones, and some jobs were caught mid-way.
    store = Store(data_dir)
    states = {j.state for j in all_jobs(store).values()}
    assert changes_seen >= KILLS * 3, f"seed {seed}: only {changes_seen} changes acknowledged"
    assert {State.DONE, State.CANCELLED, State.QUEUED} <= states, f"seed {seed}: {states}"
    assert store.archived_jobs(), f"seed {seed}: no compaction happened"
