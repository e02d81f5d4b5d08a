"""The durable store: commits, fsync, torn and damaged files, compaction and
the archive, file modes, full disk, and several processes sharing one store.

The kill-at-any-instant test is in test_store_crash.py.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ktptui import actions
from ktptui.fsutil import ensure_private_dir
from ktptui.locks import EngineLock
from ktptui.model import Job, Outcome, State, new_job, transition
from ktptui.store import (
    JobNotFound,
    OutboxItem,
    Store,
    StoreCorrupt,
    StoreError,
    StoreFull,
    decode_line,
    encode_line,
    open_store,
)

REPO = Path(__file__).resolve().parent.parent
OLD = datetime.now(UTC) - timedelta(days=3)  # finished this long ago: archived on compaction


def add(store: Store, make_nik: Callable[[int], str], i: int, **kw: Any) -> Job:
    return actions.add(store, make_nik(i), operator="op", **kw)


def put(store: Store, job: Job) -> None:
    with store.transaction() as tx:
        tx.put_job(job)


def old_finished_job(nik: str, state: State = State.DONE) -> Job:
    """A job that finished three days ago (by its timestamps)."""
    job = new_job(nik, operator="op", at=OLD)
    path = {State.DONE: [State.AUTHORIZED, State.PRINTING, State.PRINTED, State.DONE],
            State.CANCELLED: [State.CANCELLED], State.REJECTED: [State.REJECTED]}[state]
    for to in path:
        job = transition(job, to, operator="op", at=OLD, authorization_id="a")
    return job


def run_py(code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args],
                          capture_output=True, text=True, timeout=timeout, env=env, check=False)


def journal_files(data_dir: Path) -> list[Path]:
    return sorted(data_dir.glob("journal-*.jsonl"))


def snapshot_all(data_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data_dir)): p.read_bytes()
            for p in sorted(data_dir.rglob("*")) if p.is_file() and p.name != "store.lock"}


# -- commits -----------------------------------------------------------------------

def test_committed_changes_survive_reopening(store: Store, data_dir: Path,
                                             make_nik: Callable[[int], str]) -> None:
    jobs = [add(store, make_nik, i) for i in range(5)]
    actions.hold(store, jobs[0].id, operator="op", note="citizen asked")
    actions.cancel(store, jobs[1].id[:6], operator="op")
    actions.make_urgent(store, jobs[2].id, operator="op")
    actions.receive_blanks(store, 10, operator="op", note="SJ-1")
    with store.transaction() as tx:
        tx.set_meta("k", {"v": 1})
    again = Store(data_dir)
    assert {j.id: j for j in again.jobs()} == {j.id: j for j in store.jobs()}
    assert again.job(jobs[0].id).state is State.HELD  # type: ignore[union-attr]
    assert again.job(jobs[1].id).state is State.CANCELLED  # type: ignore[union-attr]
    assert again.job(jobs[2].id).priority.value == "urgent"  # type: ignore[union-attr]
    assert again.ledger_totals().balance == 10
    assert again.meta("k") == {"v": 1} and again.meta("missing", 7) == 7
    assert again.counts()["queued"] == 3 and again.counts()["cancelled"] == 1


def test_each_commit_is_one_crc_line_fsynced_before_the_call_returns(
        store: Store, data_dir: Path, make_nik: Callable[[int], str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[tuple[str, int]] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        real_fsync(fd)
        path = os.readlink(f"/proc/self/fd/{fd}")
        size = os.fstat(fd).st_size
        synced.append((path, size))

    monkeypatch.setattr(os, "fsync", recording_fsync)
    job = add(store, make_nik, 1)
    journal = journal_files(data_dir)[0]
    size_after_first = journal.stat().st_size
    # The journal was fsynced with the record in it, and the folder for the new file.
    assert (str(journal), size_after_first) in synced
    assert str(data_dir) in [p for p, _ in synced]
    synced.clear()
    actions.hold(store, job.id, operator="op")
    assert synced == [(str(journal), journal.stat().st_size)]  # no folder fsync: same file
    lines = journal.read_bytes().splitlines(keepends=True)
    assert len(lines) == 2
    records = [decode_line(line) for line in lines]
    assert [op[:3] for op in records[1]["ops"] if op[1] == "jobs"] == [["put", "jobs", job.id]]


def test_a_failed_transaction_commits_nothing(store: Store, data_dir: Path,
                                              make_nik: Callable[[int], str]) -> None:
    job = add(store, make_nik, 1)
    before = snapshot_all(data_dir)
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.put_job(transition(job, State.HELD, operator="op"))
        tx.put_job(new_job(make_nik(2), operator="op"))
        raise RuntimeError("boom")
    assert snapshot_all(data_dir) == before
    assert store.job(job.id).state is State.QUEUED  # type: ignore[union-attr]
    assert len(store.jobs()) == 1
    assert len(Store(data_dir).jobs()) == 1


def test_job_state_ledger_and_outbox_commit_together(store: Store,
                                                     make_nik: Callable[[int], str]) -> None:
    """A printed card with no blank in the ledger is refused as a whole: the job
    stays printing and no report is queued."""
    job = add(store, make_nik, 1)
    job = transition(job, State.AUTHORIZED, operator="e", authorization_id="auth-1")
    job = transition(job, State.PRINTING, operator="e")
    put(store, job)
    with pytest.raises(actions.ActionRefused, match="would make it negative"), \
            store.transaction() as tx:
        actions.settle_card(tx, job, Outcome.PRINTED, operator="e")
    assert store.job(job.id).state is State.PRINTING  # type: ignore[union-attr]
    assert store.outbox() == [] and store.ledger_entries() == []
    actions.receive_blanks(store, 1, operator="op")
    with store.transaction() as tx:
        actions.settle_card(tx, job, Outcome.PRINTED, operator="e")
    assert store.job(job.id).state is State.PRINTED  # type: ignore[union-attr]
    assert [(i.key, i.outcome) for i in store.outbox()] == [(f"{job.id}/1", "printed")]
    assert store.ledger_totals().balance == 0 and store.reconcile().ok


def test_events_record_every_state_change(store: Store, make_nik: Callable[[int], str]) -> None:
    job = add(store, make_nik, 1)
    actions.hold(store, job.id, operator="siti", note="asked")
    events = store.events(job_id=job.id)
    assert [e.detail for e in events] == ["- -> queued", "queued -> held: asked"]
    assert events[-1].operator == "siti"


def test_outbox_in_order_and_removable(store: Store) -> None:
    with store.transaction() as tx:
        tx.put_outbox(OutboxItem("j2", 1, "a2", "printed", "op", queued_at="2026-01-02"))
        tx.put_outbox(OutboxItem("j1", 1, "a1", "spoiled", "op", queued_at="2026-01-01"))
    assert [i.key for i in store.outbox()] == ["j1/1", "j2/1"]
    with store.transaction() as tx:
        tx.remove_outbox("j1/1")
    assert [i.key for i in Store(store.dir).outbox()] == ["j2/1"]


def test_find_job_by_prefix(store: Store, make_nik: Callable[[int], str]) -> None:
    a = new_job(make_nik(1), operator="op").changed(id="abcd1111-0000-4000-8000-000000000001")
    b = new_job(make_nik(2), operator="op").changed(id="abcd2222-0000-4000-8000-000000000002")
    put(store, a)
    put(store, b)
    assert store.find_job("abcd1").id == a.id
    assert store.find_job("ABCD2222").id == b.id
    assert store.find_job(b.id).id == b.id
    with pytest.raises(JobNotFound, match="2 jobs start with 'abcd': give more characters"):
        store.find_job("abcd")
    with pytest.raises(JobNotFound, match="too short: give at least 4 characters"):
        store.find_job("abc")
    with pytest.raises(JobNotFound, match="no job with id starting 'ffff'"):
        store.find_job("ffff")


def test_active_job_for_nik(store: Store, make_nik: Callable[[int], str]) -> None:
    job = add(store, make_nik, 1)
    assert store.active_job_for_nik(make_nik(1)) == job
    actions.cancel(store, job.id, operator="op")
    assert store.active_job_for_nik(make_nik(1)) is None
    assert add(store, make_nik, 1).id != job.id  # a finished job does not block a new one


# -- compaction and the archive -------------------------------------------------------

def test_compaction_archives_old_finished_jobs_and_keeps_counts(
        data_dir: Path, make_nik: Callable[[int], str]) -> None:
    store = Store(data_dir, compact_after=10**9)
    actions.receive_blanks(store, 50, operator="op", note="SJ-1")
    old = [old_finished_job(make_nik(i), s)
           for i, s in enumerate([State.DONE, State.DONE, State.CANCELLED, State.REJECTED])]
    for j in old:
        put(store, j)
    recent = add(store, make_nik, 10)
    actions.cancel(store, recent.id, operator="op")
    active = add(store, make_nik, 11)
    actions.spoil_blank(store, operator="op", note="jammed")
    counts_before = store.counts()
    totals_before = store.ledger_totals()
    store.compact()

    assert {j.id for j in store.jobs()} == {recent.id, active.id}  # recent finished stay hot
    assert {j.id for j in store.archived_jobs()} == {j.id for j in old}
    assert store.counts() == counts_before
    assert store.ledger_totals() == totals_before
    assert store.reconcile().ok
    assert len(store.ledger_entries()) == 2
    assert store.find_job(old[0].id[:8]) == old[0]  # archived jobs still found by prefix
    assert len(store.events()) == len(store.events(include_archive=True))
    assert store.events(include_archive=False) == []
    months = {p.name for p in (data_dir / "archive").iterdir()}
    assert f"jobs-{old[0].updated_at[:7]}.jsonl" in months
    # A fresh process sees exactly the same.
    again = Store(data_dir)
    assert again.counts() == counts_before and again.ledger_totals() == totals_before
    assert {j.id for j in again.archived_jobs()} == {j.id for j in old}
    # Compacting again archives nothing twice.
    again.compact()
    assert again.counts() == counts_before
    assert sorted(j.id for j in again.archived_jobs()) == sorted(j.id for j in old)


def test_compaction_happens_by_itself_and_keeps_the_previous_copy(
        data_dir: Path, make_nik: Callable[[int], str]) -> None:
    store = Store(data_dir, compact_after=5)
    jobs = [add(store, make_nik, i) for i in range(12)]
    assert (data_dir / "snapshot.json").exists()
    assert (data_dir / "snapshot.prev.json").exists()
    gens = [int(p.stem.split("-")[1]) for p in journal_files(data_dir)]
    snap = json.loads((data_dir / "snapshot.json").read_bytes())
    prev = json.loads((data_dir / "snapshot.prev.json").read_bytes())
    # The journals kept are those of the previous copy and of the current snapshot.
    assert set(gens) <= {prev["generation"], snap["generation"]}
    assert snap["generation"] == prev["generation"] + 1
    assert {j.id for j in Store(data_dir).jobs()} == {j.id for j in jobs}


@pytest.mark.parametrize("tail_check", [100, 10**6])
def test_appending_to_an_archive_cuts_only_a_torn_tail(
        store: Store, data_dir: Path, monkeypatch: pytest.MonkeyPatch, tail_check: int) -> None:
    import ktptui.store.history as history_module

    monkeypatch.setattr(history_module, "TAIL_CHECK", tail_check)  # tail only, or whole file
    path = data_dir / "archive" / "events-2026-11.jsonl"
    good = [{"id": f"e{i}", "at": "2026-11-01T00:00:00.000+00:00", "n": "x" * 40}
            for i in range(20)]
    path.write_bytes(b"".join(encode_line(d) for d in good) + b'123 {"id": "torn')
    store.history.append({"events-2026-11": [{"id": "new", "at": "2026-11-02"}]})
    lines = path.read_bytes().splitlines(keepends=True)
    assert [decode_line(x)["id"] for x in lines] == [d["id"] for d in good] + ["new"]


def test_actions_on_an_archived_job_are_refused_not_crashing(
        data_dir: Path, make_nik: Callable[[int], str]) -> None:
    store = Store(data_dir)
    done = old_finished_job(make_nik(1))
    put(store, done)
    store.compact()
    assert store.job(done.id) is None
    for act in (actions.cancel, actions.hold, actions.release):
        with pytest.raises(actions.ActionRefused, match="done is final"):
            act(store, done.id[:8], operator="op")
    with pytest.raises(actions.ActionRefused, match="nothing to hurry"):
        actions.make_urgent(store, done.id[:8], operator="op")


def test_a_crash_between_archiving_and_the_new_snapshot_loses_and_doubles_nothing(
        data_dir: Path, make_nik: Callable[[int], str], monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(data_dir)
    actions.receive_blanks(store, 5, operator="op")
    old = [old_finished_job(make_nik(i)) for i in range(3)]
    for j in old:
        put(store, j)
    counts = store.counts()

    def crash(path: Path, data: bytes) -> None:
        raise KeyboardInterrupt  # stands in for the process dying here

    monkeypatch.setattr("ktptui.store.journal.write_atomic", crash)
    with pytest.raises(KeyboardInterrupt):
        store.compact()
    monkeypatch.undo()
    # Archived *and* still in the snapshot/journal: counted once, listed once.
    assert len(list((data_dir / "archive").glob("jobs-*.jsonl"))) == 1
    again = Store(data_dir)
    assert again.counts() == counts
    assert len(again.jobs()) == 3 and again.archived_jobs() == []
    assert again.ledger_totals().balance == 5 and again.reconcile().ok
    again.compact()
    assert again.counts() == counts
    assert sorted(j.id for j in again.archived_jobs()) == sorted(j.id for j in old)
    assert len(again.ledger_entries()) == 1 and again.reconcile().ok


# -- torn and damaged files --------------------------------------------------------------

def test_a_torn_last_record_is_dropped_and_cut_by_the_next_writer(
        store: Store, data_dir: Path, make_nik: Callable[[int], str]) -> None:
    job = add(store, make_nik, 1)
    journal = journal_files(data_dir)[0]
    good = journal.read_bytes()
    torn = encode_line({"at": "x", "ops": [["put", "jobs", "zzzz", {"state": "queued"}]]})
    with open(journal, "ab") as f:
        f.write(torn[: len(torn) // 2])  # a crash in the middle of an append
    reader = Store(data_dir)
    assert [j.id for j in reader.jobs()] == [job.id]
    assert journal.read_bytes() == good + torn[: len(torn) // 2]  # readers change nothing
    second = add(reader, make_nik, 2)
    data = journal.read_bytes()
    assert data.startswith(good) and b"zzzz" not in data
    assert {j.id for j in Store(data_dir).jobs()} == {job.id, second.id}


def test_a_complete_last_line_with_a_bad_crc_is_dropped(
        store: Store, data_dir: Path, make_nik: Callable[[int], str]) -> None:
    job = add(store, make_nik, 1)
    journal = journal_files(data_dir)[0]
    line = bytearray(encode_line({"at": "x", "ops": [["del", "jobs", job.id]]}))
    line[0:8] = b"00000000"
    with open(journal, "ab") as f:
        f.write(bytes(line))
    assert [j.id for j in Store(data_dir).jobs()] == [job.id]


def test_damage_before_good_records_refuses_to_open_and_changes_nothing(
        store: Store, data_dir: Path, make_nik: Callable[[int], str]) -> None:
    for i in range(3):
        add(store, make_nik, i)
    journal = journal_files(data_dir)[0]
    data = bytearray(journal.read_bytes())
    data[20] ^= 0x55  # a flipped bit in the first record
    journal.write_bytes(bytes(data))
    before = snapshot_all(data_dir)
    with pytest.raises(StoreCorrupt) as info:
        Store(data_dir)
    msg = str(info.value)
    assert str(journal) in msg and "Nothing was changed" in msg and "\n" not in msg
    assert "Recovering the store" in msg
    with pytest.raises(StoreCorrupt):
        open_store(data_dir)
    assert snapshot_all(data_dir) == before


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated": lambda b: b[: len(b) // 2],
    "zeroed": lambda b: b"\0" * len(b),
    "empty": lambda b: b"",
    "garbage": lambda b: b"\xff\xfe not json",
    "null": lambda b: b"null",
    "list": lambda b: b"[1, 2]",
    "wrong_format": lambda b: b.replace(b'"format":1', b'"format":99'),
    "no_tables": lambda b: json.dumps({"format": 1, "generation": 3}).encode(),
}


@pytest.fixture
def compacted(data_dir: Path, make_nik: Callable[[int], str]) -> Iterator[tuple[Store, set[str]]]:
    """A store compacted twice (so snapshot.prev.json exists), with later commits."""
    store = Store(data_dir, compact_after=10**9)
    ids = {add(store, make_nik, i).id for i in range(3)}
    store.compact()
    ids |= {add(store, make_nik, i).id for i in range(3, 6)}
    store.compact()
    ids |= {add(store, make_nik, i).id for i in range(6, 9)}
    yield store, ids


def state_of(store: Store) -> tuple[Any, ...]:
    """Everything a reader sees, to compare a rebuilt store with the original."""
    return (sorted((j.id, j.nik, j.state.value) for j in store.jobs()),
            store.counts(), store.ledger_totals(), len(store.events()))


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_snapshot_is_rebuilt_from_the_last_good_copy_and_kept_aside(
        compacted: tuple[Store, set[str]], data_dir: Path, damage: str) -> None:
    store, ids = compacted
    expected = state_of(store)
    snap = data_dir / "snapshot.json"
    bad = DAMAGE[damage](snap.read_bytes())
    snap.write_bytes(bad)
    repaired = Store(data_dir)
    assert state_of(repaired) == expected and {j.id for j in repaired.jobs()} == ids
    assert (data_dir / "snapshot.json.damaged").read_bytes() == bad
    assert snap.read_bytes().startswith(b'{"crc32":"')  # written again, checksummed
    assert state_of(Store(data_dir)) == expected
    store.refresh()
    assert state_of(store) == expected


def test_a_bit_flip_in_a_stored_nik_is_repaired_never_silently_loaded(
        compacted: tuple[Store, set[str]], data_dir: Path) -> None:
    store, _ = compacted
    expected = state_of(store)
    snap = data_dir / "snapshot.json"
    data = bytearray(snap.read_bytes())
    nik = next(j.nik for j in store.jobs() if j.nik.encode() in data)
    at = data.index(nik.encode()) + 7
    data[at] ^= 0x01  # one digit becomes another: still valid JSON, still a NIK shape
    snap.write_bytes(bytes(data))
    assert state_of(Store(data_dir)) == expected  # the NIK is the stored one again
    assert (data_dir / "snapshot.json.damaged").read_bytes() == bytes(data)


def test_a_bit_flip_without_a_good_copy_is_refused_in_one_line(
        data_dir: Path, make_nik: Callable[[int], str]) -> None:
    store = Store(data_dir)
    nik = add(store, make_nik, 1).nik
    store.compact()  # the first snapshot: no earlier copy
    snap = data_dir / "snapshot.json"
    data = bytearray(snap.read_bytes())
    data[data.index(nik.encode()) + 9] ^= 0x02
    snap.write_bytes(bytes(data))
    before = snapshot_all(data_dir)
    with pytest.raises(StoreCorrupt) as info:
        Store(data_dir)
    msg = str(info.value)
    assert msg.startswith(f"store snapshot {snap} is unreadable (checksum mismatch")
    assert "there is no earlier copy; restore the folder from a backup" in msg
    assert "\n" not in msg
    assert snapshot_all(data_dir) == before  # not one byte changed


def test_a_damaged_snapshot_and_a_damaged_copy_are_refused_and_left_alone(
        compacted: tuple[Store, set[str]], data_dir: Path) -> None:
    snap, prev = data_dir / "snapshot.json", data_dir / "snapshot.prev.json"
    snap.write_bytes(snap.read_bytes()[:100])
    prev.write_bytes(prev.read_bytes().replace(b'"state":"queued"', b'"state":"qveued"', 1))
    before = snapshot_all(data_dir)
    with pytest.raises(StoreCorrupt) as info:
        open_store(data_dir)
    msg = str(info.value)
    assert msg.startswith(f"store snapshot {snap} is unreadable (")
    assert f"the earlier copy {prev} is unusable too (checksum mismatch" in msg
    assert "restore the folder from a backup" in msg and "\n" not in msg
    assert snapshot_all(data_dir) == before


def test_a_crash_while_writing_the_repaired_snapshot_loses_nothing(
        compacted: tuple[Store, set[str]], data_dir: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    store, _ = compacted
    expected = state_of(store)
    snap = data_dir / "snapshot.json"
    snap.write_bytes(snap.read_bytes()[:-40])
    import ktptui.store.journal as store_module

    real = store_module.write_atomic

    def crash(path: Path, data: bytes, **kw: Any) -> None:
        if path == snap:
            raise KeyboardInterrupt  # the process dies before the new snapshot is in place
        real(path, data, **kw)

    monkeypatch.setattr(store_module, "write_atomic", crash)
    with pytest.raises(KeyboardInterrupt):
        Store(data_dir)
    monkeypatch.setattr(store_module, "write_atomic", real)
    assert snap.exists()  # still the damaged one: rebuilt again at the next open
    assert state_of(Store(data_dir)) == expected
    assert state_of(Store(data_dir)) == expected


def test_a_missing_snapshot_beside_a_previous_copy_is_rebuilt_not_a_new_store(
        compacted: tuple[Store, set[str]], data_dir: Path) -> None:
    store, ids = compacted
    expected = state_of(store)
    (data_dir / "snapshot.json").unlink()
    assert state_of(Store(data_dir)) == expected
    assert (data_dir / "snapshot.json").exists()
    assert {j.id for j in Store(data_dir).jobs()} == ids


def test_a_snapshot_without_a_checksum_is_read_then_written_with_one(
        compacted: tuple[Store, set[str]], data_dir: Path) -> None:
    """Stores written before checksums: read as they are, then rewritten."""
    store, _ = compacted
    expected = state_of(store)
    snap = data_dir / "snapshot.json"
    raw = json.loads(snap.read_bytes())
    del raw["crc32"]
    snap.write_text(json.dumps(raw))  # exactly the old format
    assert state_of(Store(data_dir)) == expected
    assert snap.read_bytes().startswith(b'{"crc32":"')
    assert not (data_dir / "snapshot.json.damaged").exists()
    assert state_of(Store(data_dir)) == expected


def test_a_snapshot_damaged_under_an_open_store_is_rebuilt_not_hidden(
        compacted: tuple[Store, set[str]], data_dir: Path, make_nik: Callable[[int], str]) -> None:
    store, _ = compacted
    expected = state_of(store)
    snap = data_dir / "snapshot.json"
    damaged = b"{damaged"
    snap.write_bytes(damaged)  # a new mtime: the open store reloads it
    store.refresh()
    assert state_of(store) == expected
    assert snap.read_bytes() == damaged  # a reader does not write...
    add(store, make_nik, 99)  # ...the next writer puts a good snapshot back
    assert (data_dir / "snapshot.json.damaged").read_bytes() == damaged
    assert state_of(Store(data_dir)) == state_of(store)


# -- modes ------------------------------------------------------------------------------

def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_files_are_0600_and_folders_0700_whatever_the_umask(
        tmp_path: Path, make_nik: Callable[[int], str]) -> None:
    old_umask = os.umask(0)
    try:
        data_dir = tmp_path / "deep" / "data"
        store = Store(data_dir, compact_after=3)
        for i in range(7):  # two compactions: snapshot, prev, archive
            job = add(store, make_nik, i)
            actions.cancel(store, job.id, operator="op")
        put(store, old_finished_job(make_nik(50)))
        store.compact()
        add(store, make_nik, 51)
        store.documents.save("j", 1, "application/pdf", b"%PDF",
                             hashlib.sha256(b"%PDF").hexdigest())
        lock = EngineLock(data_dir)
        lock.acquire()
        lock.release()
    finally:
        os.umask(old_umask)
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    dirs = [data_dir, *(p for p in data_dir.rglob("*") if p.is_dir())]
    names = {p.name for p in files}
    assert {"snapshot.json", "snapshot.prev.json", "store.lock", "engine.lock",
            "j-1.pdf"} <= names
    assert any(n.startswith("journal-") for n in names)
    assert any(p.parent.name == "archive" for p in files)
    assert {p.name for p in dirs} >= {"data", "archive", "documents"}
    assert {str(p): oct(mode(p)) for p in files} == {str(p): "0o600" for p in files}
    assert {str(p): oct(mode(p)) for p in dirs} == {str(p): "0o700" for p in dirs}


def test_an_existing_open_folder_is_tightened(tmp_path: Path) -> None:
    d = tmp_path / "data"
    d.mkdir(mode=0o755)
    d.chmod(0o755)
    Store(d)
    assert mode(d) == 0o700
    ensure_private_dir(d)
    assert mode(d) == 0o700


# -- full disk ---------------------------------------------------------------------------

@pytest.mark.parametrize("call", ["write", "fsync"])
def test_a_full_disk_is_one_line_and_loses_nothing(
        store: Store, data_dir: Path, make_nik: Callable[[int], str],
        monkeypatch: pytest.MonkeyPatch, call: str) -> None:
    kept = [add(store, make_nik, i) for i in range(3)]
    actions.receive_blanks(store, 4, operator="op")
    journal = journal_files(data_dir)[0]
    size = journal.stat().st_size
    real = getattr(os, call)

    def full(fd: int, *a: Any) -> Any:
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(data_dir)):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, *a)

    monkeypatch.setattr(os, call, full)
    with pytest.raises(StoreFull) as info:
        add(store, make_nik, 99)
    with pytest.raises(StoreFull):
        actions.hold(store, kept[0].id, operator="op")
    monkeypatch.undo()
    msg = str(info.value)
    assert msg == f"disk full writing {journal}: free some space on that disk; nothing was changed"
    assert journal.stat().st_size == size  # no partial record left behind
    for s in (store, Store(data_dir)):
        assert {j.id for j in s.jobs()} == {j.id for j in kept}
        assert all(j.state is State.QUEUED for j in s.jobs())
        assert s.ledger_totals().balance == 4
    assert add(store, make_nik, 99).nik == make_nik(99)  # space again: works again


def test_any_other_write_error_is_a_store_error_and_changes_nothing(
        store: Store, data_dir: Path, make_nik: Callable[[int], str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    add(store, make_nik, 1)
    before = snapshot_all(data_dir)

    def eio(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", eio)
    with pytest.raises(StoreError, match=r"cannot write .*journal-1\.jsonl: Input/output error"):
        add(store, make_nik, 2)
    monkeypatch.undo()
    assert snapshot_all(data_dir) == before


def fill_disk_for_temp_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC for writes to temp files (the snapshot), journals still fit."""
    real = os.write

    def full(fd: int, data: Any) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(os, "write", full)


def test_a_full_disk_while_compacting_is_a_store_full_error_and_keeps_the_commit(
        data_dir: Path, make_nik: Callable[[int], str], monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(data_dir, compact_after=10**9)
    kept = add(store, make_nik, 1)
    fill_disk_for_temp_files(monkeypatch)
    with pytest.raises(StoreFull, match=r"disk full writing .*snapshot\.json"):
        store.compact()
    monkeypatch.undo()
    assert not list(data_dir.glob(".*.tmp"))
    assert [j.id for j in Store(data_dir).jobs()] == [kept.id]


def test_a_commit_whose_compaction_fails_still_returns_and_compacts_later(
        data_dir: Path, make_nik: Callable[[int], str], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    store = Store(data_dir, compact_after=2)
    fill_disk_for_temp_files(monkeypatch)
    first, second = add(store, make_nik, 1), add(store, make_nik, 2)  # 2nd commit compacts
    assert "compaction postponed" in caplog.text and "disk full" in caplog.text
    assert not data_dir.joinpath("snapshot.json").exists()
    monkeypatch.undo()
    third = add(store, make_nik, 3)  # space again: compaction goes through
    assert data_dir.joinpath("snapshot.json").exists()
    assert {j.id for j in Store(data_dir).jobs()} == {first.id, second.id, third.id}


def test_a_snapshot_temp_file_left_by_a_crash_is_removed_at_compaction(
        data_dir: Path, make_nik: Callable[[int], str]) -> None:
    store = Store(data_dir, compact_after=10**9)
    add(store, make_nik, 1)
    stale = data_dir / ".snapshot.json.4242.tmp"
    stale.write_bytes(b'{"format": 1, "gener')
    store.compact()
    assert not stale.exists() and data_dir.joinpath("snapshot.json").exists()


# -- several processes ----------------------------------------------------------------------

WRITER = """
import sys
from pathlib import Path
from ktptui import actions
from ktptui.store import Store
store = Store(Path(sys.argv[1]), compact_after=int(sys.argv[4]))
for i in range(int(sys.argv[2]), int(sys.argv[3])):
    serial = 1 + i % 9999
    job = actions.add(store, f"3515051503{i // 9999 + 10:02d}{serial:04d}", operator="p")
    actions.receive_blanks(store, 1, operator="p", note=str(i))
    print(job.id, flush=True)
"""


def test_a_change_committed_by_another_process_is_seen_after_refresh(
        store: Store, data_dir: Path) -> None:
    assert store.jobs() == []
    out = run_py(WRITER, str(data_dir), "0", "1", "1000")
    assert out.returncode == 0, out.stderr
    job_id = out.stdout.split()[0]
    assert store.job(job_id) is None  # not yet looked
    changes = store.refresh()
    assert changes.jobs == {job_id} and "ledger" in changes.other and not changes.reloaded
    assert store.job(job_id) is not None and store.ledger_totals().balance == 1
    assert not store.refresh()  # nothing new


def test_changes_picked_up_by_a_transaction_are_still_reported_to_a_ui(
        store: Store, data_dir: Path, make_nik: Callable[[int], str]) -> None:
    out = run_py(WRITER, str(data_dir), "0", "1", "1000")
    theirs = out.stdout.split()[0]
    ours = add(store, make_nik, 50)  # the transaction catches up with theirs first
    store.refresh()  # as a core function would: it reports nothing new
    taken = store.take_changes()
    assert theirs in taken.jobs and ours.id not in taken.jobs
    assert not store.take_changes()


def test_another_processes_compaction_is_picked_up_by_refresh_and_before_writing(
        store: Store, data_dir: Path, make_nik: Callable[[int], str]) -> None:
    mine = add(store, make_nik, 500)
    out = run_py(WRITER, str(data_dir), "0", "7", "3")  # compacts twice on its way
    assert out.returncode == 0, out.stderr
    theirs = set(out.stdout.split())
    assert store.refresh().reloaded
    assert {j.id for j in store.jobs()} == theirs | {mine.id}
    # A transaction first catches up, so it never writes on top of a stale view.
    actions.hold(store, mine.id, operator="op")
    assert Store(data_dir).job(mine.id).state is State.HELD  # type: ignore[union-attr]
    assert len(Store(data_dir).jobs()) == 8


def test_concurrent_writers_lose_no_update(data_dir: Path) -> None:
    Store(data_dir)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(data_dir), str(a), str(a + 40),
                               "15"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env)
             for a in (0, 1000, 2000)]
    ids: set[str] = set()
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        ids |= set(out.split())
    assert len(ids) == 120
    store = Store(data_dir)
    assert {j.id for j in store.jobs()} == ids
    assert store.counts()["queued"] == 120
    assert store.ledger_totals().received == 120 and store.reconcile().ok
    assert len(store.ledger_entries()) == 120


SAME_NIKS = """
import sys
from pathlib import Path
from ktptui import actions
from ktptui.store import Store
store = Store(Path(sys.argv[1]))
for i in range(1, 16):
    try:
        print(actions.add(store, f"351505150390{i:04d}", operator=sys.argv[2]).id, flush=True)
    except actions.ActionRefused:
        pass
"""


def test_processes_adding_the_same_niks_at_once_get_one_active_job_each(data_dir: Path) -> None:
    Store(data_dir)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-c", SAME_NIKS, str(data_dir), f"p{n}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for n in range(3)]
    added: list[str] = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        added += out.split()
    store = Store(data_dir)
    assert sorted(added) == sorted(j.id for j in store.jobs())
    assert sorted(j.nik for j in store.jobs()) == [f"351505150390{i:04d}" for i in range(1, 16)]


def test_the_store_lock_is_held_for_one_transaction_only(store: Store,
                                                         make_nik: Callable[[int], str]) -> None:
    def can_lock(kind: int) -> bool:
        fd = os.open(store.dir / "store.lock", os.O_RDWR)
        try:
            fcntl.flock(fd, kind | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
        finally:
            os.close(fd)

    assert can_lock(fcntl.LOCK_EX)
    with store.transaction() as tx:
        assert not can_lock(fcntl.LOCK_EX) and not can_lock(fcntl.LOCK_SH)
        tx.put_job(new_job(make_nik(1), operator="op"))
    assert can_lock(fcntl.LOCK_EX)
    store.refresh()
    store.jobs()
    assert can_lock(fcntl.LOCK_EX)  # reading holds nothing between calls


# -- the bench cannot rot --------------------------------------------------------------------

def test_store_bench_runs_at_a_tiny_size(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("store_bench", REPO / "bench" / "store_bench.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "store_bench", bench)  # dataclasses look it up
    spec.loader.exec_module(bench)
    rows = bench.run([(40, 10, 6, 3)], tmp_path)
    assert [r.store for r in rows] == ["ours, transition", "ours, action", "tinydb JSONStorage"]
    assert [r.ops for r in rows] == [6, 6, 3]
    assert all(0 < r.median_ms <= r.p95_ms <= r.max_ms for r in rows)
    assert "compaction" in rows[0].note
    assert "ours, transition" in bench.table(rows)


def test_tinydb_still_hands_back_the_tables_it_was_given() -> None:
    # The store changes the hot tables in place (a commit costs its records,
    # not a copy of the table): that needs MemoryStorage.read() to return the
    # very dict written. A TinyDB that copies, or keys tables differently,
    # fails here rather than silently losing commits.
    from ktptui.store.tinydb_adapter import HotTables

    hot = HotTables()
    jobs: dict[str, Any] = {"a": {"state": "queued"}}
    hot.load({"jobs": jobs})
    assert hot.table("jobs") is jobs
    hot.table("jobs")["b"] = {"state": "held"}
    assert hot.table("jobs") == {"a": {"state": "queued"}, "b": {"state": "held"}}


def test_only_the_adapter_imports_tinydb() -> None:
    pkg = REPO / "ktptui"
    users = {p.relative_to(pkg).as_posix() for p in pkg.rglob("*.py")
             if any(line.lstrip().startswith(("import tinydb", "from tinydb"))
                    for line in p.read_text(encoding="utf-8").splitlines())}
    assert users == {"store/tinydb_adapter.py"}
