"""A store writer for test_store_crash.py, meant to be SIGKILLed at random.

    python tests/crash_writer.py DATA_DIR FIRST_INDEX COMPACT_AFTER

Runs jobs through the store as the engine and operators do, forever, and
prints one line per change *after* the call that made it has returned
(flushed), so every printed line is an acknowledged change:

    J <job id> <state>     the job reached <state>
    L <ledger entry id>    a ledger entry was recorded
    K <i>                  first line: started (no change)

Finished jobs are archived at every compaction (every COMPACT_AFTER commits),
so kills also land in compaction and archiving.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import ktptui.store
from ktptui import actions, roles
from ktptui.model import Outcome, State, transition
from ktptui.store import Store

#: Root counts as a supervisor (the tests run as root).
ROOT = roles.who_for_uid(0)


def nik_for(i: int) -> str:
    """Distinct valid NIKs for i below 3 million (as tests/conftest.py makes them)."""
    serial = 1 + i % 9999
    day = 1 + (i // 9999) % 28
    month = 1 + (i // (9999 * 28)) % 12
    return f"351505{day:02d}{month:02d}90{serial:04d}"


def say(*parts: object) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def move(store: Store, job_id: str, to: State, **fields: object) -> None:
    with store.transaction() as tx:
        job = tx.job(job_id)
        assert job is not None
        tx.put_job(transition(job, to, operator="engine", **fields))
    say("J", job_id, to.value)


def settle(store: Store, job_id: str, outcome: Outcome) -> None:
    with store.transaction() as tx:
        job = tx.job(job_id)
        assert job is not None
        moved = actions.settle_card(tx, job, outcome, operator="engine")
    say("J", job_id, moved.state.value)


def report(store: Store, job_id: str) -> None:
    """Central took the printed report: drop it from the outbox, job done."""
    with store.transaction() as tx:
        job = tx.job(job_id)
        assert job is not None
        tx.remove_outbox(f"{job.id}/{job.attempt}")
        tx.put_job(transition(job, State.DONE, operator="engine"))
    say("J", job_id, "done")


def main() -> None:
    data_dir, first, compact_after = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    ktptui.store.journal.KEEP_FINISHED_HOT = timedelta(0)  # archive finished jobs at once
    store = Store(data_dir, compact_after=compact_after)
    say("K", first)
    for i in range(first, first + 100_000):
        if store.ledger_totals().balance < 3:
            say("L", actions.receive_blanks(store, 5, operator="op", note=f"SJ-{i}").id)
        if i % 9 == 0:
            say("L", actions.adjust_blanks(store, 1, operator="op", reason=f"count {i}",
                                           who=ROOT).id)
        job = actions.add(store, nik_for(i), operator="op")
        say("J", job.id, "queued")
        match i % 4:
            case 0:  # printed and reported
                move(store, job.id, State.AUTHORIZED, authorization_id=f"auth-{i}")
                move(store, job.id, State.PRINTING)
                settle(store, job.id, Outcome.PRINTED)
                report(store, job.id)
            case 1:  # operator hold, release, cancel
                actions.hold(store, job.id, operator="op")
                say("J", job.id, "held")
                actions.release(store, job.id, operator="op")
                say("J", job.id, "queued")
                actions.cancel(store, job.id, operator="op")
                say("J", job.id, "cancelled")
            case 2:  # a spoiled print, then cancelled
                move(store, job.id, State.AUTHORIZED, authorization_id=f"auth-{i}")
                move(store, job.id, State.PRINTING)
                settle(store, job.id, Outcome.SPOILED)
                actions.cancel(store, job.id, operator="op")
                say("J", job.id, "cancelled")
            case _:  # stays queued
                pass


if __name__ == "__main__":
    main()
