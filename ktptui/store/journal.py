"""The durable job store: TinyDB in memory, a write-ahead journal on disk.

Why not TinyDB's own ``JSONStorage``: its Storage interface hands over the
whole database on every write, so each change re-serialises and rewrites every
job (88 ms at 10k jobs, 547 ms at 50k), and a power cut mid-write leaves a
broken file. So TinyDB holds the *hot* set in memory (``MemoryStorage``,
through ``tinydb_adapter``), and durability comes from our own files:

``snapshot.json``
    The hot tables at generation G (active jobs, recently finished ones, the
    outbox, recent ledger entries and events), plus carried totals of what was
    archived. Replaced atomically (temp file, fsync, rename, fsync folder).
    Its first key is a CRC-32 of the rest (``{"crc32":"…",`` then the body),
    so it stays plain JSON; a damaged one is rebuilt from the last good copy.
``journal-G.jsonl``
    One line per committed transaction since snapshot G: ``<crc32> <json>``.
    A transaction is appended and fsync'ed before the call returns. A torn last
    line (crash mid-append) fails its CRC and was never acknowledged, so it is
    dropped; a bad line *followed by good ones* is real damage and the store
    refuses to open rather than guess. Archive lines carry the same CRC.
``archive/<table>-YYYY-MM.jsonl`` (+ ``archive/index.sqlite3``)
    Finished jobs, ledger entries and events, moved out of the hot set when the
    journal is compacted (every ``compact_after`` transactions). This keeps one
    transition's cost independent of history: it touches only the hot set.
    The archive and its index are ``history.Archive``'s; this module only
    hands records over to it and asks it for history.
``snapshot.prev.json`` + ``journal-(G-1).jsonl``
    The last good copy: loading it replays every later journal, so copying it
    over a damaged ``snapshot.json`` loses nothing, and the store does just that
    by itself (the damaged file is kept as ``snapshot.json.damaged``).

Every file is opened without following symlinks, and the folder must be the
station user's own and closed to others (see ``fsutil.ensure_store_dir``).
A folder that once held a store and is gone is an error, not a new empty store
(see ``paths.known_stores_file``).

Processes share the store through ``store.lock`` (flock): exclusive for one
transaction, shared while reading. Before each transaction or ``refresh()`` a
process reads only the journal lines it has not seen yet, or reloads the
snapshot when another process compacted. Threads in one process share one
``Store`` through a mutex.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import threading
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from .. import model, paths
from ..fsutil import (
    DiskFull,
    StoreError,
    UnsafeFile,
    check_folder_files,
    ensure_store_dir,
    fsync_dir,
    read_file,
    write_all,
    write_atomic,
)
from ..i18n import Said, said_fields, say
from ..locks import FileLock, open_private
from ..model import ACTIVE_STATES, FINAL_STATES, Job, State, to_text
from . import chain, ledger
from .documents import Documents
from .history import Archive
from .records import (
    MALFORMED,
    TABLES,
    Event,
    EventKind,
    JobNotFound,
    MetaKey,
    OutboxItem,
    StoreCorrupt,
    StoreFull,
    check_doc,
    encode_line,
    line_of,
    malformed,
    read_lines,
    why,
)
from .tinydb_adapter import HotTables

log = logging.getLogger("ktptui.store")

FORMAT = 1
#: Finished jobs stay in the hot set this long, so "today's cards" stay quick.
KEEP_FINISHED_HOT = timedelta(hours=24)


@dataclass
class Changes:
    """What a refresh or transaction changed, by table, for incremental UIs."""

    jobs: set[str] = field(default_factory=set)
    other: set[str] = field(default_factory=set)  # names of other tables touched
    reloaded: bool = False

    def __bool__(self) -> bool:
        return bool(self.jobs or self.other or self.reloaded)

    def merge(self, other: Changes) -> None:
        self.jobs |= other.jobs
        self.other |= other.other
        self.reloaded |= other.reloaded


Op = list[Any]  # ["put", table, key, doc] | ["del", table, key]


SNAP_HEAD = b'{"crc32":"'


def encode_snapshot(obj: dict[str, Any]) -> bytes:
    """JSON whose first key is the CRC-32 of everything after it."""
    rest = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()[1:]
    return SNAP_HEAD + b'%08x",' % zlib.crc32(rest) + rest


def decode_snapshot(data: bytes) -> tuple[Any, bool]:
    """The snapshot object and whether it carried a checksum (older stores'
    do not); ValueError when the checksum does not match."""
    if not data.startswith(SNAP_HEAD):
        return json.loads(data), False
    n = len(SNAP_HEAD)
    if data[n + 8:n + 10] != b'",' or int(data[n:n + 8], 16) != zlib.crc32(data[n + 10:]):
        raise ValueError("checksum mismatch: the file was changed or damaged on disk")
    return json.loads(data), True


class Store:
    def __init__(self, data_dir: Path, *, compact_after: int = 2000) -> None:
        self.dir = data_dir
        self.compact_after = compact_after
        _refuse_vanished(data_dir)
        ensure_store_dir(data_dir, top=True)
        ensure_store_dir(data_dir / "archive", top=False)
        self.documents = Documents(data_dir / "documents")
        for folder in (data_dir, data_dir / "archive", self.documents.dir):
            check_folder_files(folder)
        self._mutex = threading.RLock()
        self._hot = HotTables()
        self.history = Archive(data_dir / "archive")
        self._gen = 1
        self._jgen = 1
        self._offset = 0
        self._records = 0
        self._snap_id: tuple[int, int] | None = None
        self._carry_ledger = ledger.Totals()
        self._carry_counts: Counter[str] = Counter()
        #: Each chained table's last seq and hash (see ``chain``), carried in
        #: the snapshot and moved on by every chained record applied.
        self._heads: dict[str, chain.Head] = {t: chain.Head() for t in chain.CHAINED}
        self._snap_heads = dict(self._heads)
        self._ledger_cache: ledger.Totals | None = None
        # Job objects by id, so polling 10k queued jobs does not rebuild them.
        self._job_cache: dict[str, Job] = {}
        # Other processes' commits picked up by any sync (a refresh, or the
        # catch-up before a transaction), until a UI takes them.
        self._unseen = Changes()
        #: Why the snapshot on disk must be written again: it is damaged (and
        #: was rebuilt from the last good copy) or has no checksum yet.
        self._rewrite: str | None = None
        with self._mutex, FileLock(self._lock_path, shared=True):
            self._load()
        if self._rewrite is not None:
            with self._mutex, FileLock(self._lock_path):
                self._sync(writer=True)
        _remember(data_dir)

    # -- paths ---------------------------------------------------------------
    @property
    def _lock_path(self) -> Path:
        return self.dir / "store.lock"

    @property
    def snapshot_path(self) -> Path:
        return self.dir / "snapshot.json"

    @property
    def previous_path(self) -> Path:
        return self.dir / "snapshot.prev.json"

    def journal_path(self, gen: int | None = None) -> Path:
        return self.dir / f"journal-{self._jgen if gen is None else gen}.jsonl"

    def _table(self, name: str) -> dict[str, Any]:
        """The live records of a hot table (read only: changes go through _apply)."""
        return self._hot.table(name)

    # -- loading and syncing -------------------------------------------------
    def _stat_snapshot(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.snapshot_path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def _read_snapshot(self, path: Path, *, trusted: bool = False) -> tuple[
            int, dict[str, dict[str, Any]], ledger.Totals, Counter[str], dict[str, Job], bool]:
        """A snapshot's generation, tables, carried totals and counts, its jobs
        built, and whether it had a checksum; ValueError (and the like) when
        it is damaged or malformed. ``trusted``: we just wrote it from records
        already checked, so they are not checked (nor built) again."""
        raw, checked = decode_snapshot(read_file(path))
        if not isinstance(raw, dict):
            raise TypeError(f"not a snapshot but a JSON {type(raw).__name__}")
        if raw.get("format") != FORMAT:
            raise ValueError(f"unknown format {raw.get('format')!r}")
        gen = int(raw["generation"])
        if gen < 1:
            raise ValueError(f"generation {gen}")
        tables: dict[str, dict[str, Any]] = {t: {} for t in TABLES}
        tables.update({t: dict(v) for t, v in raw["tables"].items() if t in TABLES})
        jobs: dict[str, Job] = {}
        for name, docs in () if trusted else tables.items():
            for key, doc in docs.items():
                try:
                    job = check_doc(name, key, doc)
                except MALFORMED as e:
                    raise ValueError(f"malformed {name} record {key!r}: {why(e)}") from None
                if job is not None:
                    jobs[key] = job
        carry = ledger.Totals.from_dict(raw["ledger_carry"])
        counts: Counter[str] = Counter(raw.get("archived_counts", {}))
        if not all(isinstance(k, str) and type(v) is int for k, v in counts.items()):
            raise ValueError("archived_counts is not a table of numbers")
        # The chains' heads go aside for ``_load`` (a snapshot from before
        # the chains has none: they start at the genesis).
        heads = raw.get("chain_heads", {})
        if not isinstance(heads, dict):
            raise ValueError("chain_heads is not a table")
        self._snap_heads = {t: chain.Head.from_list(heads[t]) if t in heads else chain.Head()
                            for t in chain.CHAINED}
        return gen, tables, carry, counts, jobs, checked

    def _load(self, *, writer: bool = False, trusted: bool = False) -> None:
        """Read the snapshot and replay every journal after it. A damaged
        snapshot is rebuilt from the last good copy and the journals since."""
        snap_id = self._stat_snapshot()
        tables: dict[str, dict[str, Any]] = {t: {} for t in TABLES}
        gen = 1
        carry = ledger.Totals()
        counts: Counter[str] = Counter()
        jobs: dict[str, Job] = {}
        self._rewrite = None
        self._snap_heads = {t: chain.Head() for t in chain.CHAINED}
        if snap_id is None and os.path.lexists(self.previous_path):
            # Only a crash-free compaction leaves a previous copy, and always
            # with a snapshot: one gone missing must not read as a new store.
            gen, tables, carry, counts, jobs = self._read_previous(
                FileNotFoundError("it is missing"))
            self._rewrite = "it is damaged (missing)"
        elif snap_id is not None:
            try:
                gen, tables, carry, counts, jobs, checked = self._read_snapshot(
                    self.snapshot_path, trusted=trusted)
                if not checked:
                    self._rewrite = "it has no checksum yet"
            except (UnsafeFile, PermissionError):
                raise
            except (OSError, *MALFORMED) as e:
                gen, tables, carry, counts, jobs = self._read_previous(e)
                self._rewrite = f"it is damaged ({why(e)})"
        self._hot.load(tables)
        self._gen = self._jgen = gen
        self._carry_ledger = carry
        self._carry_counts = counts
        self._heads = dict(self._snap_heads)
        self._snap_id = snap_id
        self._offset = 0
        self._records = 0
        self._ledger_cache = None
        if trusted:
            # Our own compaction: the jobs it kept are the ones we had built.
            kept = tables["jobs"]
            self._job_cache = {k: v for k, v in self._job_cache.items() if k in kept}
        else:
            self._job_cache.clear()
            self._job_cache.update(jobs)
        self._replay_journals(writer=writer)

    def _read_previous(self, damage: BaseException) -> tuple[
            int, dict[str, dict[str, Any]], ledger.Totals, Counter[str], dict[str, Job]]:
        """The last good copy, for a damaged snapshot; or a one-line refusal."""
        snap, prev = self.snapshot_path, self.previous_path
        what = say("store.snapshot_unreadable", snap=str(snap), why=why(damage))
        try:
            gen, tables, carry, counts, jobs, _ = self._read_snapshot(prev)
        except FileNotFoundError:
            raise StoreCorrupt.said("store.snapshot_no_copy", what=what) from None
        except (OSError, StoreError, *MALFORMED) as e:
            raise StoreCorrupt.said("store.snapshot_copy_bad", what=what, prev=str(prev),
                                    why=why(e)) from None
        # The journals from the copy's generation on must all be there, or
        # the rebuilt store would silently miss their transactions.
        if not self.journal_path(gen).exists() and any(
                self._journal_gens(above=gen)):
            raise StoreCorrupt.said("store.snapshot_copy_behind", what=what, prev=str(prev),
                                    journal=self.journal_path(gen).name)
        log.warning("store snapshot %s is damaged (%s): using the last good copy %s "
                    "and the journals since", snap, why(damage), prev)
        return gen, tables, carry, counts, jobs

    def _journal_gens(self, *, above: int = 0) -> list[int]:
        gens: list[int] = []
        for p in self.dir.glob("journal-*.jsonl"):
            with contextlib.suppress(ValueError):
                g = int(p.stem.split("-")[1])
                if g > above:
                    gens.append(g)
        return gens

    def _repair(self) -> None:
        """Under the exclusive lock: write the snapshot again, with a checksum,
        keeping a damaged one aside as evidence."""
        reason, self._rewrite = self._rewrite, None
        if reason is None:
            return
        damaged = reason.startswith("it is damaged")
        if damaged:
            # A copy, not a rename: until the new snapshot replaces it, a crash
            # must find a snapshot.json (damaged: rebuilt again), never none.
            with contextlib.suppress(FileNotFoundError):
                write_atomic(self.snapshot_path.with_name(self.snapshot_path.name + ".damaged"),
                             read_file(self.snapshot_path))
        self._compact(keep_previous=damaged)
        log.warning("store snapshot %s written again: %s", self.snapshot_path, reason)

    def _replay_journals(self, *, writer: bool) -> Changes:
        changes = Changes()
        while True:
            path = self.journal_path()
            starts: list[int] = []
            records, end, torn = read_lines(path, self._offset, starts)
            for rec, start in zip(records, starts, strict=True):
                try:
                    _check_record(rec)
                except MALFORMED as e:
                    raise malformed(path, line_of(path, start), e) from None
                changes.merge(self._apply(rec["ops"]))
            self._records += len(records)
            self._offset = end
            if torn and writer:
                # A crashed writer's unacknowledged tail: cut it before appending.
                fd = open_private(path, os.O_WRONLY)
                try:
                    os.ftruncate(fd, end)
                    os.fsync(fd)
                finally:
                    os.close(fd)
            if not self.journal_path(self._jgen + 1).exists():
                return changes
            self._jgen += 1
            self._offset = 0

    def _sync(self, *, writer: bool) -> Changes:
        if self._stat_snapshot() != self._snap_id:
            self._load(writer=writer)  # another process compacted: start from its snapshot
            changes = Changes(reloaded=True)
        else:
            changes = self._replay_journals(writer=writer)
        if writer and self._rewrite is not None:
            self._repair()
            changes.reloaded = True
        self._unseen.merge(changes)
        return changes

    def refresh(self) -> Changes:
        """Pick up what other processes committed since we last looked."""
        with self._mutex, FileLock(self._lock_path, shared=True):
            return self._sync(writer=False)

    def take_changes(self) -> Changes:
        """For a UI: refresh, then everything other processes changed since the
        last call, including what our own transactions and core functions'
        refreshes picked up on the way (they would otherwise hide it)."""
        with self._mutex:
            self.refresh()
            taken, self._unseen = self._unseen, Changes()
            return taken

    # -- writing ---------------------------------------------------------------
    def _apply(self, ops: list[Op]) -> Changes:
        changes = Changes()
        by_table: dict[str, list[Op]] = {}
        for op in ops:
            by_table.setdefault(op[1], []).append(op)
        # The tables are changed in place, so a commit costs its ops, not a
        # copy of the table (see tinydb_adapter).
        for name, table_ops in by_table.items():
            docs = self._table(name)
            for op in table_ops:
                if op[0] == "put":
                    docs[op[2]] = op[3]
                else:
                    docs.pop(op[2], None)
            if name == "ledger":
                self._ledger_cache = None
            if name in self._heads:
                for op in table_ops:
                    doc = op[3] if op[0] == "put" else {}
                    seq = doc.get("seq")
                    if type(seq) is int and seq > self._heads[name].seq:
                        self._heads[name] = chain.Head(seq, str(doc.get("hash")))
            if name == "jobs":
                changes.jobs.update(op[2] for op in table_ops)
                for op in table_ops:
                    self._job_cache.pop(op[2], None)
            else:
                changes.other.add(name)
        return changes

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Serialised, durable change: everything in the block commits together
        (appended and fsync'ed before the block exits) or not at all."""
        with self._mutex, FileLock(self._lock_path):
            self._sync(writer=True)
            tx = Transaction(self)
            yield tx
            if tx.ops:
                self._commit(tx.ops)
                if self._records >= self.compact_after:
                    try:
                        self._compact()
                    except StoreError as e:
                        # The change is committed; compaction is tried again
                        # at the next commit. Say so rather than fail the call.
                        log.error("store compaction postponed: %s", e)

    def _commit(self, ops: list[Op]) -> None:
        # Chained here, under the exclusive lock and after catching up, so
        # every process extends the same head.
        heads = dict(self._heads)
        for op in ops:
            if op[0] == "put" and op[1] in heads:
                heads[op[1]], op[3] = chain.stamp(heads[op[1]], op[3])
        path = self.journal_path()
        line = encode_line({"at": to_text(model.now_utc()), "ops": ops})
        new_file = not path.exists()
        fd = open_private(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            try:
                write_all(fd, line)
                os.fsync(fd)
            except OSError as e:
                os.ftruncate(fd, self._offset)  # leave no partial record behind
                if e.errno == errno.ENOSPC:
                    raise StoreFull.said("store.disk_full", path=str(path)) from None
                raise StoreError.said("store.cannot_write", path=str(path),
                                      why=e.strerror or str(e)) from None
        finally:
            os.close(fd)
        if new_file:
            fsync_dir(self.dir)
        self._offset += len(line)
        self._records += 1
        self._apply(ops)

    def compact(self) -> None:
        """Move finished records to the archive and start a new journal."""
        with self._mutex, FileLock(self._lock_path):
            self._sync(writer=True)
            self._compact()

    def _compact(self, *, keep_previous: bool = False) -> None:
        """``keep_previous``: the snapshot on disk is damaged, so the last good
        copy stays the previous one."""
        cutoff = to_text(model.now_utc() - KEEP_FINISHED_HOT)
        jobs = self._raw("jobs")
        archive: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        keep_jobs: dict[str, Any] = {}
        counts = Counter(self._carry_counts)
        for key, doc in jobs.items():
            if doc["state"] in {s.value for s in FINAL_STATES} and doc["updated_at"] < cutoff:
                archive.setdefault(f"jobs-{doc['updated_at'][:7]}", []).append((key, doc))
                counts[doc["state"]] += 1
            else:
                keep_jobs[key] = doc
        for name in ("ledger", "events"):
            for key, doc in self._raw(name).items():
                archive.setdefault(f"{name}-{doc['at'][:7]}", []).append((key, doc))
        carry = self.ledger_totals()
        # Archive first: a crash after this leaves records both archived and
        # hot, which readers de-duplicate by id; never records in neither.
        self.history.append({stem: [doc for _, doc in docs] for stem, docs in archive.items()})
        if archive:
            fsync_dir(self.dir / "archive")
        gen = self._jgen + 1
        tables = {t: self._raw(t) for t in TABLES}
        tables.update(jobs=keep_jobs, ledger={}, events={})
        snapshot = {
            "format": FORMAT,
            "generation": gen,
            "written_at": to_text(model.now_utc()),
            "tables": tables,
            "ledger_carry": asdict(carry),
            "archived_counts": dict(counts),
            "chain_heads": {t: h.to_list() for t, h in self._heads.items()},
        }
        body = encode_snapshot(snapshot)
        # Under the exclusive lock no one else writes a snapshot: a temp file
        # here is left from a crash mid-write.
        for stale in self.dir.glob(f".{self.snapshot_path.name}.*.tmp"):
            stale.unlink(missing_ok=True)  # unlink never follows a link
        if self.snapshot_path.exists() and not keep_previous:
            self.previous_path.unlink(missing_ok=True)
            os.link(self.snapshot_path, self.previous_path)
        try:
            write_atomic(self.snapshot_path, body)
        except DiskFull:
            raise StoreFull.said("store.disk_full", path=str(self.snapshot_path)) from None
        # Keep the journals from the generation that is now the previous copy
        # on (it was rebuilt from an older one after damage: keep those too).
        for g in self._journal_gens():
            if g < self._gen:
                self.journal_path(g).unlink()
        self._load(trusted=True)

    def import_history(self, jobs: list[dict[str, Any]], entries: list[dict[str, Any]],
                       trail: list[dict[str, Any]]) -> None:
        """Append finished jobs, ledger entries and events straight to the
        archive in bulk, as compaction would have put them there, and carry
        their counts and ledger totals (a station's history brought in; the
        history bench builds years of it this way). Jobs must be finished and
        not in the hot set. Not atomic across the archive and the snapshot:
        meant for a store that nothing else uses meanwhile."""
        final = {s.value for s in FINAL_STATES}
        with self._mutex, FileLock(self._lock_path):
            self._sync(writer=True)
            hot = self._table("jobs")
            batches: dict[str, list[dict[str, Any]]] = {}
            counts = Counter(self._carry_counts)
            carry = self._carry_ledger
            for doc in jobs:
                if doc["state"] not in final or doc["id"] in hot:
                    raise ValueError(f"job {doc['id']} is not finished or is still in the hot set")
                batches.setdefault(f"jobs-{doc['updated_at'][:7]}", []).append(doc)
                counts[doc["state"]] += 1
            for doc in entries:
                carry = carry.add(ledger.Entry.from_dict(doc))
                batches.setdefault(f"ledger-{doc['at'][:7]}", []).append(doc)
            for doc in trail:
                batches.setdefault(f"events-{doc['at'][:7]}", []).append(doc)
            self.history.append(batches)
            fsync_dir(self.dir / "archive")
            self._carry_counts = counts
            self._carry_ledger = carry
            self._ledger_cache = None
            self._compact()  # a snapshot that carries them

    def rewrite_archived_jobs(
        self, change: Callable[[dict[str, Any]], dict[str, Any] | None], *,
        older_than: str | None = None,
    ) -> int:
        """Replace archived *job* records for data retention; returns how many changed.

        ``change`` gets each archived job record and returns a replacement, or
        None to keep it. Each changed ``archive/jobs-*.jsonl`` is rewritten
        atomically under the store lock, taken per file: a year of archive
        must not hold every other process past the lock's bounded wait. Only
        the jobs archive can be rewritten: the ledger and events archives (the
        audit trail) are append-only.

        With ``older_than`` (retention), ``change`` is offered only jobs last
        changed before it, and only those not offered at an earlier cutoff:
        the rest is not read, and the lock is held only to swap a rewritten
        segment in (see ``Archive.rewrite_older``).
        """
        changed = 0
        for path in self.history.segments("jobs"):
            if older_than is not None:
                changed += self.history.rewrite_older(path, change, older_than, self._exclusive)
                continue
            with self._exclusive():
                changed += self.history.rewrite(path, change)
        return changed

    def amend_archived_job(self, job_id: str,
                           change: Callable[[dict[str, Any]], dict[str, Any] | None]
                           ) -> Job | None:
        """Change one archived job record in place, under the store lock
        (a hand-over recorded after the job was archived); ``change`` gets
        the record and returns its replacement, or None to keep it. Returns
        the changed job, or None (not archived, or kept)."""
        with self._exclusive():
            doc = self.history.amend_job(job_id, change)
        return None if doc is None else Job.from_dict(doc)

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        with self._mutex, FileLock(self._lock_path):
            self._sync(writer=True)
            yield

    # -- reading ---------------------------------------------------------------
    def _raw(self, name: str) -> dict[str, Any]:
        return dict(self._table(name))

    def _cached(self, job_id: str, doc: Any) -> Job:
        job = self._job_cache.get(job_id)
        if job is None:
            job = self._job_cache[job_id] = Job.from_dict(dict(doc))
        return job

    def job(self, job_id: str) -> Job | None:
        with self._mutex:
            doc = self._table("jobs").get(job_id)
            return self._cached(job_id, doc) if doc is not None else None

    def jobs(self, states: Iterable[State] | None = None) -> list[Job]:
        """Jobs in the hot set (every active job and recently finished ones)."""
        with self._mutex:
            table = self._table("jobs")
            if states is None:
                return [self._cached(k, d) for k, d in table.items()]
            wanted = {s.value for s in states}
            return [self._cached(k, d) for k, d in table.items() if d["state"] in wanted]

    def count(self, states: Iterable[State]) -> int:
        wanted = {s.value for s in states}
        with self._mutex:
            return sum(1 for d in self._table("jobs").values()
                       if d["state"] in wanted)

    def active_jobs(self) -> list[Job]:
        return self.jobs(ACTIVE_STATES)

    def archived_jobs(self) -> list[Job]:
        """Finished jobs moved out of the hot set (de-duplicated, hot wins)."""
        return list(self.iter_archived_jobs())

    def iter_archived_jobs(self) -> Iterator[Job]:
        """``archived_jobs`` one at a time, oldest month first: memory holds
        one month's index entries, not the history."""
        with self._mutex:
            hot = set(self._table("jobs"))
        return (Job.from_dict(d) for d in self.history.records("jobs") if d["id"] not in hot)

    def find_job(self, ref: str) -> Job:
        """A job by id or id prefix: unique among the hot jobs, else among the
        archived ones (an operator almost always means a current job). The
        archive is searched through its index: one record read, not history."""
        ref = ref.strip().lower()
        if len(ref) < 4:
            raise JobNotFound.said("refused.short_ref", ref=repr(ref))
        with self._mutex:
            hits = [k for k in self._table("jobs") if k.startswith(ref)]
        if not hits:
            found = self.history.jobs_from(ref, limit=2)
            if len(found) == 1:
                return Job.from_dict(found[0])
            hits = [d["id"] for d in found]
        if not hits:
            raise JobNotFound.said("refused.no_job", ref=repr(ref))
        if len(hits) > 1:
            raise JobNotFound.said("refused.ambiguous_job", n=len(hits), ref=repr(ref))
        job = self.job(hits[0])
        if job is None:  # it went (archived) between the index and the read
            raise JobNotFound.said("refused.job_moved", job=hits[0][:8])
        return job

    def active_job_for_nik(self, nik: str) -> Job | None:
        with self._mutex:
            for doc in self._table("jobs").values():
                if doc["nik"] == nik and State(doc["state"]) in ACTIVE_STATES:
                    return Job.from_dict(dict(doc))
        return None

    def counts(self) -> dict[str, int]:
        """Jobs per state, archived ones included."""
        with self._mutex:
            c = Counter(self._carry_counts)
            for doc in self._table("jobs").values():
                c[doc["state"]] += 1
        return {s.value: c.get(s.value, 0) for s in State}

    def outbox(self) -> list[OutboxItem]:
        with self._mutex:
            items = [OutboxItem(**d) for d in self._table("outbox").values()]
        return sorted(items, key=lambda i: (i.queued_at, i.key))

    def ledger_entries(self, *, include_archive: bool = True, since: str | None = None,
                       until: str | None = None) -> list[ledger.Entry]:
        """Ledger entries in time order, those at ``since`` or later and before
        ``until`` (UTC texts as stored) when given: a range reads only its own
        entries from the archive."""
        with self._mutex:
            hot = {k: dict(v) for k, v in self._table("ledger").items()
                   if (since is None or v["at"] >= since) and (until is None or v["at"] < until)}
        docs: dict[str, dict[str, Any]] = {}
        if include_archive:
            docs.update((d["id"], d) for d in self.history.ledger_entries(since, until))
        docs.update(hot)
        return sorted((ledger.Entry.from_dict(d) for d in docs.values()), key=lambda e: e.at)

    def ledger_totals(self) -> ledger.Totals:
        with self._mutex:
            if self._ledger_cache is None:
                hot = self.ledger_entries(include_archive=False)
                self._ledger_cache = ledger.totals(hot, self._carry_ledger)
            return self._ledger_cache

    def reconcile(self) -> ledger.Reconciliation:
        """Prove the carried balance against the entries: the archived ones
        through the index's running totals, the hot ones one by one."""
        with self._mutex:
            hot = [ledger.Entry.from_dict(dict(d)) for d in self._table("ledger").values()]
            carried = self.ledger_totals()
        archived = self.history.ledger_ids(e.id for e in hot)
        hot = sorted((e for e in hot if e.id not in archived), key=lambda e: e.at)
        printed_hot = [e.job_id for e in hot if e.kind is ledger.Kind.PRINTED and e.job_id]
        base, twice, before = self.history.ledger_summary(printed_hot)
        times = Counter({job: n for job, n in twice}) | Counter(before)
        times.update(printed_hot)
        doubles = tuple(job for job, n in sorted(times.items()) for _ in range(n - 1))
        return ledger.Reconciliation(ledger.totals(hot, base), carried, doubles)

    def events(self, *, include_archive: bool = True, since: str | None = None,
               job_id: str | None = None, until: str | None = None,
               kind: str | None = None, job_ids: Iterable[str] | None = None,
               last: bool = False) -> list[Event]:
        """Events in time order, at ``since`` or later, before ``until``, of
        ``job_id`` (or any of ``job_ids``) and of ``kind`` when given: the
        archive is read only for the events asked for. ``last`` (with a
        ``kind`` other than ``job`` and ``until``, nothing else): only the
        last one, through one index row."""
        ids = None if job_ids is None else set(job_ids)
        with self._mutex:
            docs = {k: dict(v) for k, v in self._table("events").items()
                    if (since is None or v["at"] >= since)
                    and (until is None or v["at"] < until)
                    and (job_id is None or v["job_id"] == job_id)
                    and (ids is None or v["job_id"] in ids)
                    and (kind is None or v["kind"] == kind)}
        if last:
            if kind in (None, "job") or until is None or since or job_id or ids is not None:
                raise ValueError("last: the last event of a kind (not job) before a time")
            latest = self.history.last_event(kind, until) if include_archive else None
            for doc in docs.values():  # of equal times, the later recorded, as below
                if latest is None or doc["at"] >= latest["at"]:
                    latest = doc
            return [] if latest is None else [Event(**latest)]
        if include_archive and ids != set():
            # Transitions (kind "job") are not indexed by kind: found by job, filtered here.
            found = self.history.events(since, job_id, until,
                                        None if kind == "job" else kind, ids)
            docs = {d["id"]: d for d in found if kind is None or d["kind"] == kind} | docs
        return sorted((Event(**d) for d in docs.values()), key=lambda e: e.at)

    def jobs_alive(self, since: str, until: str) -> list[Job]:
        """Every hot job, and the archived ones last changed at ``since`` or
        later and created before ``until`` (so every job that existed in
        ``[since, until)``): hot wins."""
        hot = self.jobs()
        ids = {j.id for j in hot}
        return hot + [Job.from_dict(d) for d in self.history.jobs_alive(since, until)
                      if d["id"] not in ids]

    def ledger_used(self, since: str, until: str) -> int:
        """Blanks used (printed + spoiled) from UTC hour ``since`` to before
        ``until`` (``YYYY-MM-DDTHH``): the archive's per-hour counts and the
        hot entries (those not archived yet)."""
        used = ledger.Kind.PRINTED, ledger.Kind.SPOILED
        with self._mutex:
            hot = [d for d in self._table("ledger").values()
                   if d["kind"] in used and since <= d["at"][:13] < until]
        archived = self.history.ledger_ids(d["id"] for d in hot)
        n = sum(self.history.ledger_used(since, until).values())
        return n + sum(1 for d in hot if d["id"] not in archived)

    def ledger_change(self, since: str) -> int:
        """The net change of the blank balance from ``since`` (a stored UTC
        text) on: the archive's index sums its entries, the hot entries not
        archived yet are added (a past day's closing stock is the balance
        less this, without reading the entries since)."""
        with self._mutex:
            hot = [d for d in self._table("ledger").values() if d["at"] >= since]
        archived = self.history.ledger_ids(d["id"] for d in hot)
        return self.history.ledger_change(since) + sum(
            int(d["delta"]) for d in hot if d["id"] not in archived)

    def ledger_of_kind(self, kind: ledger.Kind) -> list[ledger.Entry]:
        """Every ledger entry of one kind (e.g. the shipments), archived and
        hot, in time order: the archive is read through its index."""
        with self._mutex:
            hot = {k: dict(v) for k, v in self._table("ledger").items() if v["kind"] == kind}
        docs = {d["id"]: d for d in self.history.ledger_of_kind(kind.value)} | hot
        return sorted((ledger.Entry.from_dict(d) for d in docs.values()), key=lambda e: e.at)

    def first_ledger_at(self) -> str | None:
        """When the ledger's first entry was made (the station's first day)."""
        with self._mutex:
            hot = [str(v["at"]) for v in self._table("ledger").values()]
        times = [*hot, *filter(None, [self.history.first_ledger_at()])]
        return min(times, default=None)

    def chain_heads(self) -> dict[str, chain.Head]:
        """Each chain's head as this process last saw the store."""
        with self._mutex:
            return dict(self._heads)

    def chain_records(self, table: str) -> list[dict[str, Any]]:
        """Every record of a chained table, read from the archive files
        themselves (not the index, which could be rebuilt to match an edit)
        and the hot set, one per id: for ``verify``. A damaged archive line
        raises ``StoreCorrupt`` naming it; a torn tail was never acknowledged."""
        self.refresh()
        docs: dict[str, dict[str, Any]] = {}
        for path in self.history.segments(table):
            records, _, _ = read_lines(path, 0)
            for d in records:
                if not isinstance(d, dict):
                    raise StoreCorrupt.said("store.not_a_record", path=str(path))
                docs.setdefault(str(d.get("id")), d)
        with self._mutex:
            for key, d in self._table(table).items():
                docs.setdefault(key, dict(d))
        return list(docs.values())

    def meta(self, key: str, default: Any = None) -> Any:
        with self._mutex:
            doc = self._table("meta").get(key)
        return doc["value"] if doc is not None else default


class Transaction:
    """Changes collected inside ``Store.transaction()``; reads see them."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.ops: list[Op] = []
        self._jobs: dict[str, Job] = {}
        self._ledger: list[ledger.Entry] = []

    def job(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id) or self.store.job(job_id)

    def put_job(self, job: Job, *, event_detail: str | Said = "") -> None:
        before = self.job(job.id)
        self._jobs[job.id] = job
        self.ops.append(["put", "jobs", job.id, job.to_dict()])
        if before is None or before.state is not job.state:
            last = job.history[-1]
            frm = before.state.value if before else "-"
            moved = [f"event.state.{job.state.value}", {}]
            was: Any = [f"event.state.{frm}", {}] if before else "-"
            note: Any = ([last.note_key, last.note_values or {}] if last.note_key
                         else last.note)
            detail = (say("event.moved_note", frm=was, to=moved, note=note) if last.note
                      else say("event.moved", frm=was, to=moved))
            self.add_event(EventKind.JOB, last.operator, event_detail or detail, job_id=job.id)

    def add_ledger(self, entry: ledger.Entry) -> None:
        current = ledger.totals(self._ledger, self.store.ledger_totals())
        ledger.check_balance(current, entry)
        self._ledger.append(entry)
        self.ops.append(["put", "ledger", entry.id, entry.to_dict()])

    def put_outbox(self, item: OutboxItem) -> None:
        self.ops.append(["put", "outbox", item.key, asdict(item)])

    def remove_outbox(self, key: str) -> None:
        self.ops.append(["del", "outbox", key])

    def add_event(self, kind: EventKind, operator: str, detail: str | Said = "",
                  job_id: str | None = None) -> None:
        e = Event(str(uuid.uuid4()), to_text(model.now_utc()), kind, operator, job_id=job_id,
                  **said_fields(detail, "detail"))
        self.ops.append(["put", "events", e.id, e.to_dict()])

    def set_meta(self, key: MetaKey, value: Any) -> None:
        self.ops.append(["put", "meta", key, {"value": value}])


def _check_record(rec: Any) -> None:
    """Raise unless ``rec`` is a well-formed journal record."""
    ops = rec["ops"]
    if not isinstance(ops, list):
        raise TypeError("ops is not a list")
    for op in ops:
        if not isinstance(op, list) or op[0] not in ("put", "del") or op[1] not in TABLES:
            raise ValueError(f"not an operation: {str(op)[:60]}")
        if op[0] == "put":
            if len(op) != 4:
                raise ValueError(f"not an operation: {str(op)[:60]}")
            check_doc(op[1], op[2], op[3])
        elif len(op) != 3 or not isinstance(op[2], str):
            raise ValueError(f"not an operation: {str(op)[:60]}")


def _known_stores() -> list[str]:
    try:
        return paths.known_stores_file().read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as e:
        log.warning("cannot read %s: %s", paths.known_stores_file(), e)
        return []


def _refuse_vanished(data_dir: Path) -> None:
    """A data folder that held a store and is gone is an unmounted disk or a
    mistake: a new empty store there would hide every job on it."""
    if os.path.exists(data_dir):
        return
    known = paths.known_stores_file()
    if os.path.abspath(data_dir) in _known_stores():
        raise StoreError.said("store.gone", path=str(data_dir), known=str(known))


def _remember(data_dir: Path) -> None:
    """Note (outside the data folder) that this folder holds a store."""
    where = os.path.abspath(data_dir)
    if "\n" in where:
        return
    known = _known_stores()
    if where in known:
        return
    state = paths.state_dir()
    try:
        state.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(paths.known_stores_file(), "".join(
            f"{line}\n" for line in [*known, where]).encode())
    except (OSError, StoreError) as e:
        log.warning("cannot note the store %s in %s: %s", where, state, e)


def forget_store(data_dir: Path) -> None:
    """Drop a folder deleted on purpose (the demo's) from the remembered stores."""
    where = os.path.abspath(data_dir)
    known = _known_stores()
    if where not in known:
        return
    try:
        write_atomic(paths.known_stores_file(), "".join(
            f"{line}\n" for line in known if line != where).encode())
    except (OSError, StoreError) as e:
        log.warning("cannot forget the store %s in %s: %s", where, paths.state_dir(), e)


def open_store(data_dir: Path) -> Store:
    """Open the store, turning low-level failures into one-line errors."""
    try:
        return Store(data_dir)
    except PermissionError as e:
        raise StoreError.said("store.open_denied", path=str(data_dir),
                              why=e.strerror or str(e)) from None
    except OSError as e:
        if e.errno == errno.ENOSPC or isinstance(e, DiskFull):
            raise StoreFull.said("store.disk_full", path=str(data_dir)) from None
        raise StoreError.said("store.cannot_open", path=str(data_dir), why=str(e)) from None

