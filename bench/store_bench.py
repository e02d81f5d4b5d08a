"""Store figures: milliseconds per job transition, ours vs plain TinyDB.

    .venv/bin/python bench/store_bench.py [--quick]

What is measured, at each size (a mix of finished and active jobs):

* ``ours, transition``: one ``Store.transaction()`` that reads an active job,
  moves it (queued -> held, held -> queued, alternately) and commits: the
  engine's path. Appended to the journal and fsync'ed before it returns.
* ``ours, action``: the same change through ``actions.hold``/``release`` by
  job id, as the CLI and TUI do it (adds the id lookup and event).
* ``tinydb JSONStorage``: TinyDB's default storage, all jobs in one JSON
  file; one ``Table.update`` of the same job fields per transition (TinyDB
  re-reads, re-serialises and rewrites the whole file, with an fsync).

Finished jobs are older than a day, so in our store they sit in the monthly
archive (as in an office after the first day); active ones are in the hot set.
Compaction (every 2000 commits by default) is timed on its own, with the time
to open the store. ``--quick`` runs a smaller table for a smoke test.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tinydb import TinyDB  # noqa: E402

from ktptui import actions  # noqa: E402
from ktptui.model import Job, State, new_job, transition  # noqa: E402
from ktptui.store import Store  # noqa: E402

BATCH = 5000  # jobs per bulk-load transaction


def nik_for(i: int) -> str:
    serial = 1 + i % 9999
    day = 1 + (i // 9999) % 28
    month = 1 + (i // (9999 * 28)) % 12
    return f"351505{day:02d}{month:02d}90{serial:04d}"


def finished_job(i: int, now: datetime) -> Job:
    """A card printed and reported 2 to 120 days ago (five history entries)."""
    at = now - timedelta(days=2 + i % 119, minutes=i % 600)
    job = new_job(nik_for(i), operator="bench", at=at)
    job = transition(job, State.AUTHORIZED, operator="engine", at=at,
                     authorization_id=f"auth-{i}", holder_name="SITI AMINAH",
                     expires_at=(at + timedelta(hours=24)).isoformat())
    for to in (State.PRINTING, State.PRINTED, State.DONE):
        job = transition(job, to, operator="engine", at=at)
    return job


def active_job(i: int, now: datetime) -> Job:
    return new_job(nik_for(i), operator="bench", at=now - timedelta(minutes=i % 900))


@dataclass
class Row:
    store: str
    finished: int
    active: int
    ops: int
    median_ms: float
    p95_ms: float
    max_ms: float
    note: str = ""


def stats(name: str, finished: int, active: int, times: list[float], note: str = "") -> Row:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return Row(name, finished, active, len(ms), statistics.median(ms), p95, ms[-1], note)


def chunks(n: int, size: int) -> Iterator[range]:
    for start in range(0, n, size):
        yield range(start, min(n, start + size))


def build_ours(data_dir: Path, finished: int, active: int) -> float:
    """Bulk-load through the Store's own API: batched transactions, compacted
    so finished jobs land in the archive. Returns seconds taken."""
    t0 = time.perf_counter()
    now = datetime.now(UTC)
    store = Store(data_dir, compact_after=10**9)
    for part in chunks(finished, BATCH):
        with store.transaction() as tx:
            for i in part:
                tx.put_job(finished_job(i, now))
        store.compact()
    for part in chunks(active, BATCH):
        with store.transaction() as tx:
            for i in part:
                tx.put_job(active_job(finished + i, now))
    store.compact()
    return time.perf_counter() - t0


def measure_ours(data_dir: Path, finished: int, active: int, ops: int) -> list[Row]:
    build_s = build_ours(data_dir, finished, active)
    t0 = time.perf_counter()
    store = Store(data_dir)
    open_s = time.perf_counter() - t0
    assert len(store.active_jobs()) == active
    ids = sorted(j.id for j in store.active_jobs())

    def flip(job_id: str) -> None:
        with store.transaction() as tx:
            job = tx.job(job_id)
            assert job is not None
            to = State.HELD if job.state is State.QUEUED else State.QUEUED
            tx.put_job(transition(job, to, operator="bench"))

    def act(job_id: str) -> None:
        job = store.job(job_id)
        assert job is not None
        if job.state is State.QUEUED:
            actions.hold(store, job_id, operator="bench")
        else:
            actions.release(store, job_id, operator="bench")

    rows = []
    for name, fn in (("ours, transition", flip), ("ours, action", act)):
        times = []
        for k in range(ops):
            job_id = ids[(k * 7919) % len(ids)]
            t = time.perf_counter()
            fn(job_id)
            times.append(time.perf_counter() - t)
        rows.append(stats(name, finished, active, times))
    t = time.perf_counter()
    store.compact()
    compact_s = time.perf_counter() - t
    counts = store.counts()
    assert counts["done"] == finished and sum(counts.values()) == finished + active
    rows[0].note = (f"open {open_s * 1000:.0f} ms, compaction {compact_s * 1000:.0f} ms, "
                    f"bulk load {build_s:.1f} s")
    return rows


def measure_tinydb(path: Path, finished: int, active: int, ops: int) -> Row:
    now = datetime.now(UTC)
    db = TinyDB(path)  # JSONStorage: the whole database in one file
    table = db.table("jobs")
    docs = [finished_job(i, now).to_dict() for i in range(finished)]
    docs += [active_job(finished + i, now).to_dict() for i in range(active)]
    doc_ids = table.insert_multiple(docs)
    active_ids = doc_ids[finished:]
    times = []
    for k in range(ops):
        doc_id = active_ids[(k * 7919) % len(active_ids)]
        t = time.perf_counter()
        doc = table.get(doc_id=doc_id)
        assert doc is not None
        job = Job.from_dict(dict(doc))
        to = State.HELD if job.state is State.QUEUED else State.QUEUED
        moved = transition(job, to, operator="bench").to_dict()
        table.update({"state": moved["state"], "updated_at": moved["updated_at"],
                      "history": moved["history"]}, doc_ids=[doc_id])
        times.append(time.perf_counter() - t)
    db.close()
    size_mb = path.stat().st_size / 1e6
    return stats("tinydb JSONStorage", finished, active, times, f"file {size_mb:.0f} MB")


#: (finished, active, our ops, tinydb ops); tinydb ops None = not measured.
FULL: list[tuple[int, int, int, int | None]] = [
    (900, 100, 1000, 200),
    (9000, 1000, 1000, 40),
    (45000, 5000, 1000, 8),
    (100000, 10000, 1000, None),
]
QUICK: list[tuple[int, int, int, int | None]] = [(900, 100, 200, 20), (9000, 1000, 200, 5)]


def run(sizes: Sequence[tuple[int, int, int, int | None]], workdir: Path,
        progress: Callable[[str], None] = lambda s: None) -> list[Row]:
    """Measure every size; the core of the bench (a test runs it tiny)."""
    rows: list[Row] = []
    for n, (finished, active, ops, tiny_ops) in enumerate(sizes):
        progress(f"ours {finished}+{active} ...")
        rows += measure_ours(workdir / f"ours-{n}", finished, active, ops)
        if tiny_ops:
            progress(f"tinydb {finished}+{active} ...")
            rows.append(measure_tinydb(workdir / f"tinydb-{n}.json", finished, active, tiny_ops))
    return rows


def table(rows: Sequence[Row]) -> str:
    head = (f"{'store':20} {'finished':>8} {'active':>7} {'ops':>5} {'median ms':>10} "
            f"{'p95 ms':>8} {'max ms':>8}  notes")
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r.store:20} {r.finished:>8} {r.active:>7} {r.ops:>5} "
                     f"{r.median_ms:>10.2f} {r.p95_ms:>8.2f} {r.max_ms:>8.1f}  {r.note}")
    return "\n".join(lines)


def machine() -> str:
    return (f"{platform.node()}: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="a small table (smoke test)")
    p.add_argument("--dir", type=Path, help="work folder (default: a temporary one); "
                   "its disk decides what fsync costs")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    progress: Callable[[str], Any] = lambda s: print(f"  {s}", file=sys.stderr, flush=True)  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="ktptui-bench-", dir=args.dir) as tmp:
        rows = run(QUICK if args.quick else FULL, Path(tmp), progress)
    print(machine())
    print(table(rows))
    print(f"total {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
