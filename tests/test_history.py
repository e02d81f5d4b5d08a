"""The archive index (ktptui/store/history.py): history is found through it,
read only for what is asked, and rebuilt from the segments when it is behind,
missing or damaged."""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from officekit import count_decodes

import ktptui.store.history as history
from ktptui.model import Job, State, new_job, now_utc, to_text, transition
from ktptui.office import retention
from ktptui.store import JobNotFound, Store, encode_line, ledger

OLD = datetime.now(UTC) - timedelta(days=40)


def finished(nik: str, at: datetime) -> Job:
    job = new_job(nik, operator="op", at=at)
    for to in (State.AUTHORIZED, State.PRINTING, State.PRINTED, State.DONE):
        job = transition(job, to, operator="op", at=at, authorization_id="a")
    return job


def archived_store(data_dir: Path, make_nik: Callable[[int], str], n: int = 60) -> tuple[
        Store, list[Job]]:
    """``n`` jobs printed over ``n`` hours 40 days ago, with their ledger
    entries and events, all archived."""
    store = Store(data_dir)
    jobs = [finished(make_nik(i), OLD + timedelta(hours=i)) for i in range(n)]
    with store.transaction() as tx:
        tx.add_ledger(ledger.make_entry(ledger.Kind.RECEIVED, n, operator="op", at=OLD))
        for job in jobs:
            tx.put_job(job)
            tx.add_ledger(ledger.make_entry(ledger.Kind.PRINTED, -1, operator="op",
                                            job_id=job.id, at=from_job(job)))
    store.compact()
    assert store.jobs() == [] and len(store.archived_jobs()) == n
    return store, jobs


def from_job(job: Job) -> datetime:
    return datetime.fromisoformat(job.updated_at)


def test_showing_an_archived_job_reads_that_record_only(
        data_dir: Path, make_nik: Callable[[int], str], monkeypatch: pytest.MonkeyPatch) -> None:
    store, jobs = archived_store(data_dir, make_nik)
    store.history.close()
    again = Store(data_dir)
    decodes = count_decodes(monkeypatch)
    assert again.find_job(jobs[30].id[:10]) == jobs[30]
    assert decodes[0] == 1
    assert [e.job_id for e in again.events(job_id=jobs[7].id)] == [jobs[7].id]
    assert decodes[0] == 2


def test_events_and_ledger_by_time_read_only_their_range(
        data_dir: Path, make_nik: Callable[[int], str], monkeypatch: pytest.MonkeyPatch) -> None:
    store, jobs = archived_store(data_dir, make_nik)
    since = to_text(OLD + timedelta(hours=50))
    until = to_text(OLD + timedelta(hours=55))
    everything = store.ledger_entries()
    decodes = count_decodes(monkeypatch)
    ranged = store.ledger_entries(since=since, until=until)
    assert ranged == [e for e in everything if since <= e.at < until] and len(ranged) == 5
    assert decodes[0] == 5
    # Events are stamped when they happen: five more jobs, archived later.
    later = to_text(now_utc())
    more = [finished(make_nik(100 + i), OLD) for i in range(5)]
    for job in more:
        with store.transaction() as tx:
            tx.put_job(job)
    store.compact()
    decodes[0] = 0
    events = store.events(since=later)
    assert {e.job_id for e in events} == {j.id for j in more} and len(events) == 5
    assert decodes[0] == 5


def test_reconcile_uses_the_index_totals_and_finds_a_double_print(
        data_dir: Path, make_nik: Callable[[int], str]) -> None:
    store, jobs = archived_store(data_dir, make_nik)
    with store.transaction() as tx:  # hot: one more print of an archived job
        tx.add_ledger(ledger.make_entry(ledger.Kind.RECEIVED, 2, operator="op"))
        tx.add_ledger(ledger.make_entry(ledger.Kind.PRINTED, -1, operator="op",
                                        job_id=jobs[3].id))
    rec = store.reconcile()
    assert rec == ledger.reconcile(store.ledger_entries(), store.ledger_totals())
    assert rec.double_printed_jobs == (jobs[3].id,) and not rec.ok
    assert rec.totals.printed == 61 and rec.totals.balance == 1


def test_a_damaged_record_is_named_and_skipped_not_fatal(
        data_dir: Path, make_nik: Callable[[int], str], caplog: pytest.LogCaptureFixture) -> None:
    store, jobs = archived_store(data_dir, make_nik)
    seg = next((data_dir / "archive").glob("jobs-*.jsonl"))
    data = bytearray(seg.read_bytes())
    line = encode_line(jobs[0].to_dict())
    at = data.index(line)
    data[at + 20] ^= 1  # one bit flips in the first job, in place
    seg.write_bytes(bytes(data))
    assert store.find_job(jobs[1].id).id == jobs[1].id
    listed = {j.id for j in store.archived_jobs()}
    assert listed == {j.id for j in jobs[1:]}
    with pytest.raises(JobNotFound):
        store.find_job(jobs[0].id)
    assert f"{seg}: the record at byte {at} is damaged (checksum mismatch)" in caplog.text


@pytest.mark.parametrize("harm", ["missing", "garbage", "behind"])
def test_a_missing_damaged_or_behind_index_is_rebuilt_with_a_notice(
        data_dir: Path, make_nik: Callable[[int], str], caplog: pytest.LogCaptureFixture,
        harm: str) -> None:
    store, jobs = archived_store(data_dir, make_nik)
    index = data_dir / "archive" / history.INDEX_NAME
    store.history.close()
    if harm == "missing":
        index.unlink()
    elif harm == "garbage":
        for p in index.parent.glob(index.name + "-*"):
            p.unlink()
        index.write_bytes(b"not a database at all" * 100)
    else:  # a crash after appending a segment, before indexing it
        store = Store(data_dir)
        more = [finished(make_nik(100 + i), OLD + timedelta(hours=i)) for i in range(5)]

        def crash(*a: object) -> None:
            raise KeyboardInterrupt

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(history.Archive, "_index_appended", crash)
            for job in more:
                with store.transaction() as tx:
                    tx.put_job(job)
            with pytest.raises(KeyboardInterrupt):
                store.compact()
        jobs += more
        store.history.close()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        again = Store(data_dir)
        assert again.find_job(jobs[-1].id) == jobs[-1]
        assert {j.id for j in again.archived_jobs()} | {j.id for j in again.jobs()} == {
            j.id for j in jobs}
        assert len(again.events(job_id=jobs[-1].id)) == 1
    notices = [r.getMessage() for r in caplog.records]
    if harm != "behind":
        assert len(notices) == 1 and "index" in notices[0] and "\n" not in notices[0]
    assert stat.S_IMODE(os.stat(index).st_mode) == 0o600


def test_retention_keeps_the_index_pointing_at_the_rewritten_records(
        data_dir: Path, make_nik: Callable[[int], str]) -> None:
    store, jobs = archived_store(data_dir, make_nik, n=10)
    assert retention.purge(store, days=30) == 10
    found = store.find_job(jobs[4].id)
    assert found.nik == retention.mask_nik(jobs[4].nik) and found.id == jobs[4].id
    assert [j.nik for j in Store(data_dir).archived_jobs()] == [
        retention.mask_nik(j.nik) for j in jobs]


def test_a_symlinked_index_is_refused_not_followed(
        data_dir: Path, make_nik: Callable[[int], str], tmp_path: Path) -> None:
    store, jobs = archived_store(data_dir, make_nik, n=2)
    store.history.close()
    index = data_dir / "archive" / history.INDEX_NAME
    for p in index.parent.glob(index.name + "*"):
        p.unlink()
    target = tmp_path / "elsewhere.sqlite3"
    index.symlink_to(target)
    from ktptui.store import StoreError

    with pytest.raises(StoreError):
        Store(data_dir).find_job(jobs[0].id)
    assert not target.exists()


def test_the_history_bench_builds_a_station_the_store_opens(tmp_path: Path) -> None:
    import subprocess
    import sys

    repo = Path(__file__).resolve().parent.parent
    data = tmp_path / "station"
    out = subprocess.run(
        [sys.executable, str(repo / "bench" / "history_bench.py"), "--build", str(data),
         "--days", "100", "--per-day", "20", "--queued", "3"],
        capture_output=True, text=True, timeout=120, check=True)
    info = json.loads(out.stdout)
    # A day: 18 cards printed (5 events each), 1 rejected and 1 cancelled (2 each).
    assert (info["archived_jobs"], info["queued"], info["events"]) == (2000, 3, 100 * 94)
    store = Store(data)
    suket_job = store.find_job(info["suket_job"])  # the bench issues it a Suket
    assert (suket_job.state, suket_job.error_code) == (State.REJECTED, "not_recorded")
    assert "*" not in suket_job.nik
    oldest = store.find_job(info["oldest_job"])
    assert oldest.nik.endswith("*" * 12)  # older than 90 days: reduced, as retention would
    assert store.counts() | {"done": 0} == {s.value: 0 for s in State} | {
        "queued": 3, "rejected": 100, "cancelled": 100}
    assert store.counts()["done"] == 1800
    rec = store.reconcile()
    assert rec.ok and rec.totals.balance == store.ledger_totals().balance == 2000 - 1800
    assert retention.purge(store, days=90) == 0


def test_a_purge_with_nothing_due_reads_nothing_and_rewrites_nothing(
        data_dir: Path, make_nik: Callable[[int], str], monkeypatch: pytest.MonkeyPatch) -> None:
    store, jobs = archived_store(data_dir, make_nik, n=30)
    now = OLD + timedelta(days=30, hours=10, minutes=1)  # jobs 0-10 are due
    assert retention.purge(store, now=now, days=30) == 11
    seg = next((data_dir / "archive").glob("jobs-*.jsonl"))
    before = os.stat(seg)
    decodes = count_decodes(monkeypatch)
    assert retention.purge(store, now=now, days=30) == 0
    assert decodes[0] == 0
    assert os.stat(seg).st_ino == before.st_ino
    # A day later: only the jobs that came due since are read.
    assert retention.purge(store, now=now + timedelta(hours=5), days=30) == 5
    assert decodes[0] == 5
    masked = [j.nik == retention.mask_nik(j.nik) for j in
              sorted(Store(data_dir).archived_jobs(), key=lambda j: j.updated_at)]
    assert masked == [True] * 16 + [False] * 14


def test_retention_builds_the_new_segment_outside_the_store_lock(
        data_dir: Path, make_nik: Callable[[int], str]) -> None:
    import fcntl

    store, jobs = archived_store(data_dir, make_nik, n=5)
    free: list[bool] = []

    def change(doc: dict[str, object]) -> dict[str, object]:
        fd = os.open(data_dir / "store.lock", os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError if held
            free.append(True)
        finally:
            os.close(fd)
        return {**doc, "note": "reduced"}

    cutoff = to_text(datetime.now(UTC))
    assert store.rewrite_archived_jobs(change, older_than=cutoff) == 5
    assert free == [True] * 5
    assert {j.note for j in Store(data_dir).archived_jobs()} == {"reduced"}


def test_a_segment_that_grows_during_retention_is_done_again_under_the_lock(
        data_dir: Path, make_nik: Callable[[int], str]) -> None:
    store, jobs = archived_store(data_dir, make_nik, n=5)
    late = finished(make_nik(99), OLD + timedelta(hours=20))
    grown: list[str] = []

    def change(doc: dict[str, object]) -> dict[str, object]:
        if not grown:  # another process archives one more job of that month
            other = Store(data_dir)
            with other.transaction() as tx:
                tx.put_job(late)
            other.compact()
            grown.append(late.id)
        return {**doc, "note": "reduced"}

    cutoff = to_text(datetime.now(UTC))
    assert store.rewrite_archived_jobs(change, older_than=cutoff) == 6
    again = Store(data_dir)
    assert {j.id: j.note for j in again.archived_jobs()} == {
        j.id: "reduced" for j in [*jobs, late]}
    assert again.find_job(late.id).note == "reduced"


def test_archived_jobs_stream_a_month_at_a_time(
        data_dir: Path, make_nik: Callable[[int], str], monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(data_dir)
    months = [OLD - timedelta(days=70), OLD - timedelta(days=35), OLD]
    jobs = [finished(make_nik(i), months[i % 3]) for i in range(30)]
    with store.transaction() as tx:
        for job in jobs:
            tx.put_job(job)
    store.compact()
    assert len(list((data_dir / "archive").glob("jobs-*.jsonl"))) == 3
    decodes = count_decodes(monkeypatch)
    stream = store.iter_archived_jobs()
    first = next(stream)
    assert first.updated_at[:7] == to_text(months[0])[:7]
    assert decodes[0] == 1  # the first record: nothing else read yet
    rest = list(stream)
    assert {j.id for j in [first, *rest]} == {j.id for j in jobs}
    assert [j.updated_at[:7] for j in [first, *rest]] == sorted(
        j.updated_at[:7] for j in jobs)  # oldest month first


def test_an_index_that_cannot_be_written_is_one_line_and_never_fails_a_compaction(
        data_dir: Path, make_nik: Callable[[int], str], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    import sqlite3

    from ktptui.store import StoreError

    store = Store(data_dir)
    job = finished(make_nik(1), OLD)
    with store.transaction() as tx:
        tx.put_job(job)

    def full(self: object) -> object:
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as mp:
        mp.setattr(history.Archive, "_connect", full)
        store.compact()  # archived all the same
        assert store.jobs() == [] and "archive index not updated" in caplog.text
        with pytest.raises(StoreError) as info:
            store.find_job(job.id)
        assert "\n" not in str(info.value) and "disk is full" in str(info.value)
    assert store.find_job(job.id) == job  # caught up once the index can be written


def test_day_scoped_queries_match_a_full_read_and_survive_a_rebuild(
        data_dir: Path, make_nik: Callable[[int], str], caplog: pytest.LogCaptureFixture) -> None:
    """The index's answers for a day's report and the forecast equal what a
    read of everything says, and are the same from an index rebuilt from the
    segments (an index of the previous version is rebuilt, with a notice)."""
    store, jobs = archived_store(data_dir, make_nik, n=48)
    with store.transaction() as tx:
        for detail in ("down: x", "up", "down: y"):
            tx.add_event("link", "ktp", detail)
        tx.add_event("suket", "budi", "issued", job_id=jobs[5].id)
    store.compact()
    since, until = to_text(OLD + timedelta(hours=10)), to_text(OLD + timedelta(hours=20))
    every_event = store.events()
    e_since, e_until = every_event[10].at, every_event[-3].at

    def answers(s: Store) -> tuple[object, ...]:
        used = s.ledger_used(since[:13], until[:13])
        return (
            sorted(j.id for j in s.jobs_alive(since, until)),
            s.events(since=e_since, until=e_until),
            s.events(kind="suket", job_ids=[jobs[5].id, jobs[6].id]),
            s.events(kind="link", until=to_text(now_utc() + timedelta(hours=1)), last=True),
            s.events(kind="link", until=since, last=True),
            used,
        )

    got = answers(store)
    assert got[0] == sorted(j.id for j in jobs if since <= j.updated_at
                            and j.created_at < until)
    assert got[1] == [e for e in every_event if e_since <= e.at < e_until] != []
    assert [e.detail for e in got[2]] == ["issued"]  # type: ignore[attr-defined]
    assert [e.detail for e in got[3]] == ["down: y"]  # type: ignore[attr-defined]
    assert got[4] == []
    assert got[5] == sum(1 for e in store.ledger_entries(since=since, until=until)
                         if e.kind is ledger.Kind.PRINTED) == 10
    store.history.close()
    import sqlite3

    db = sqlite3.connect(data_dir / "archive" / history.INDEX_NAME)
    db.execute(f"PRAGMA user_version={history.INDEX_VERSION - 1}")
    db.close()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert answers(Store(data_dir)) == got
    assert "of another version: rebuilding" in caplog.text


def test_no_query_of_a_report_or_the_forecast_walks_a_whole_table(
        data_dir: Path, make_nik: Callable[[int], str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Every SELECT the daily report, the requisition and `blanks show` make
    on the index is a search through an index (SQLite's own plan), except on
    the small bookkeeping tables (a row per segment or per ledger kind)."""
    import sqlite3

    from ktptui.cli.main import _blanks_summary
    from ktptui.office import reports

    store, jobs = archived_store(data_dir, make_nik, n=10)
    statements: list[str] = []
    real = history.Archive._connect

    def traced(self: history.Archive) -> sqlite3.Connection:
        db = real(self)
        db.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(history.Archive, "_connect", traced)
    store.history.close()
    day = datetime.fromisoformat(jobs[0].updated_at).date()
    reports.daily(store, day, now=datetime.now(UTC))
    reports.requisition(store)
    _blanks_summary(store)
    db = sqlite3.connect(data_dir / "archive" / history.INDEX_NAME)
    small = {"segments", "ledger_kinds", "sqlite_master"}
    walks = []
    for sql in {s for s in statements if s.lstrip().upper().startswith("SELECT")}:
        for row in db.execute("EXPLAIN QUERY PLAN " + sql):
            words = row[3].split()
            if words[0] == "SCAN" and words[1] not in small:
                walks.append((sql, row[3]))
    assert any("FROM printed" in s for s in statements)
    assert walks == []
