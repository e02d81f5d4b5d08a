"""The archive: finished jobs, ledger entries and events, read for history.

Records leave the hot set when the journal is compacted and are appended to
monthly segments ``archive/<table>-YYYY-MM.jsonl``, one ``<crc32> <json>``
line each. The segments are the truth: the ledger and events segments (the
audit trail) only ever grow; a jobs segment is rewritten whole only for data
retention.

``archive/index.sqlite3`` finds records in them without reading them: for
each record its segment, byte position and length, with the columns history
is asked by (a job's id and span of life, an event's time, job and, unless it
is a job's transition, kind; a ledger entry's time), running ledger totals
by kind and blanks used per hour. It is derived data: it is written in the step
that appends the segments, and before every read the segments' sizes and
inodes are compared with what it has seen, so one left behind by a crash,
missing, damaged or of another version is caught up or rebuilt from the
segments (with a one-line notice), never trusted blindly and never fatal.
See docs/history.md.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, TypeVar

from ..fsutil import (
    DiskFull,
    StoreError,
    fsync_dir,
    write_all,
    write_atomic,
)
from ..locks import open_private
from . import ledger
from .records import MALFORMED, StoreFull, check_doc, decode_line, encode_line, read_lines, why

log = logging.getLogger("ktptui.store")
T = TypeVar("T")

#: How much of an archive file's end is checked for a torn tail before appending.
TAIL_CHECK = 256 * 1024
INDEX_NAME = "index.sqlite3"
#: Bumped when the schema changes: an index of another version is rebuilt.
INDEX_VERSION = 5

SCHEMA = (
    "CREATE TABLE segments(name TEXT PRIMARY KEY, ino INTEGER NOT NULL,"
    " indexed_to INTEGER NOT NULL)",
    # Records are keyed by place: ``seg`` is the segment's month as YYYYMM
    # (the table says which kind), ``pos`` its byte position. Events need no
    # id column: they are found by time or job, and de-duplicated on reading.
    # ``nik``, ``name`` and ``phone`` (issue 13: ``find``) are personal data:
    # the index is private like the store, and a purge rewrites them too.
    "CREATE TABLE jobs(seg INTEGER NOT NULL, pos INTEGER NOT NULL, len INTEGER NOT NULL,"
    " id TEXT NOT NULL, state TEXT, updated_at TEXT, created_at TEXT,"
    " nik TEXT, name TEXT, phone TEXT, printed_at TEXT, collected_at TEXT,"
    " PRIMARY KEY(seg, pos)) WITHOUT ROWID",
    "CREATE INDEX jobs_nik ON jobs(nik)",
    "CREATE INDEX jobs_phone ON jobs(phone) WHERE phone IS NOT NULL",
    # A name fragment matches anywhere (``LIKE '%x%'``): scanned, but only
    # over the names still held (retention removes them), from this
    # covering index, never over the whole history.
    "CREATE INDEX jobs_name ON jobs(name, seg, pos, len) WHERE name IS NOT NULL",
    # Cards printed and not collected (``ktptui uncollected``, the report's ages).
    "CREATE INDEX jobs_uncollected ON jobs(printed_at)"
    " WHERE printed_at IS NOT NULL AND collected_at IS NULL",
    "CREATE UNIQUE INDEX jobs_id ON jobs(id)",
    # A day's report asks for the jobs alive in it (changed after its start,
    # created before its end): answered from this index alone.
    "CREATE INDEX jobs_span ON jobs(updated_at, created_at)",
    # ``kind`` is kept only for events that are not a job's transitions (those
    # are most events and are found by job): the monitors' link and power
    # observations, Sukets, sessions.
    "CREATE TABLE events(seg INTEGER NOT NULL, pos INTEGER NOT NULL, len INTEGER NOT NULL,"
    " at TEXT, job_id TEXT, kind TEXT, PRIMARY KEY(seg, pos)) WITHOUT ROWID",
    "CREATE INDEX events_at ON events(at)",
    "CREATE INDEX events_job ON events(job_id) WHERE job_id IS NOT NULL",
    "CREATE INDEX events_kind ON events(kind, at) WHERE kind IS NOT NULL",
    "CREATE TABLE ledger(seg INTEGER NOT NULL, pos INTEGER NOT NULL, len INTEGER NOT NULL,"
    " id TEXT NOT NULL, at TEXT, kind TEXT, delta INTEGER, job_id TEXT,"
    " PRIMARY KEY(seg, pos)) WITHOUT ROWID",
    "CREATE UNIQUE INDEX ledger_id ON ledger(id)",
    "CREATE INDEX ledger_at ON ledger(at)",
    # The few entries that are not printed cards (shipments, count
    # differences, approvals): found without walking years of printed ones.
    # A query names ``kind <> 'printed'`` too, so SQLite may use it.
    "CREATE INDEX ledger_rare ON ledger(kind, at) WHERE kind <> 'printed'",
    # Blanks used (printed + spoiled) per UTC hour, kept by the triggers: the
    # forecast adds a week of hours, not a week of entries.
    "CREATE TABLE ledger_used(hour TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID",
    # Kept by triggers, so a reconciliation costs the kinds, not the entries.
    "CREATE TABLE ledger_kinds(kind TEXT PRIMARY KEY, n INTEGER NOT NULL,"
    " delta INTEGER NOT NULL)",
    "CREATE TABLE printed(job_id TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE INDEX printed_twice ON printed(n) WHERE n > 1",
    # Retention's mark: in this segment (as it was: inode, size) every job
    # last changed before ``cutoff`` has been offered to retention already.
    "CREATE TABLE purged(seg TEXT PRIMARY KEY, cutoff TEXT NOT NULL, ino INTEGER NOT NULL,"
    " size INTEGER NOT NULL)",
    """CREATE TRIGGER ledger_in AFTER INSERT ON ledger BEGIN
      INSERT INTO ledger_kinds VALUES (new.kind, 1, new.delta)
        ON CONFLICT(kind) DO UPDATE SET n = n + 1, delta = delta + new.delta;
      INSERT INTO printed SELECT new.job_id, 1
        WHERE new.kind = 'printed' AND new.job_id IS NOT NULL
        ON CONFLICT(job_id) DO UPDATE SET n = n + 1;
      INSERT INTO ledger_used SELECT substr(new.at, 1, 13), 1
        WHERE new.kind IN ('printed', 'spoiled')
        ON CONFLICT(hour) DO UPDATE SET n = n + 1;
    END""",
    """CREATE TRIGGER ledger_out AFTER DELETE ON ledger BEGIN
      UPDATE ledger_kinds SET n = n - 1, delta = delta - old.delta WHERE kind = old.kind;
      UPDATE printed SET n = n - 1 WHERE old.kind = 'printed' AND job_id = old.job_id;
      UPDATE ledger_used SET n = n - 1
        WHERE old.kind IN ('printed', 'spoiled') AND hour = substr(old.at, 1, 13);
    END""",
)

#: Per table: the insert (a job archived twice: the later place wins; a ledger
#: entry: the first, so the running totals count it once).
INSERT = {
    "jobs": "INSERT OR REPLACE INTO jobs VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
    "events": "INSERT OR IGNORE INTO events VALUES (?,?,?,?,?,?)",
    "ledger": "INSERT OR IGNORE INTO ledger VALUES (?,?,?,?,?,?,?,?)",
}


def _row(table: str, seg: int, pos: int, n: int, doc: dict[str, Any]) -> tuple[Any, ...]:
    if table == "jobs":
        return (seg, pos, n, doc["id"], doc["state"], doc["updated_at"], doc["created_at"],
                doc.get("nik"), (doc.get("name") or "").casefold() or None, doc.get("phone"),
                doc.get("printed_at"), doc.get("collected_at"))
    if table == "events":
        kind = doc.get("kind")
        return (seg, pos, n, doc["at"], doc.get("job_id"), None if kind == "job" else kind)
    return (seg, pos, n, doc["id"], doc["at"], doc["kind"], doc["delta"], doc.get("job_id"))


def _seg(stem: str) -> int:
    """``jobs-2026-11`` -> 202611."""
    return int(stem[-7:-3]) * 100 + int(stem[-2:])


def _stem(table: str, seg: int) -> str:
    return f"{table}-{seg // 100:04d}-{seg % 100:02d}"


def tail_start(path: Path) -> int:
    """A line start near the end of ``path``: only the last batch appended can
    be torn, so compaction need not re-read a month of archive to find it."""
    fd = open_private(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        if size <= TAIL_CHECK:
            return 0
        nl = os.pread(fd, TAIL_CHECK, size - TAIL_CHECK).find(b"\n")
    finally:
        os.close(fd)
    return 0 if nl < 0 else size - TAIL_CHECK + nl + 1


def _table_of(stem: str) -> str:
    return stem.rsplit("-", 2)[0]


class Archive:
    """The monthly segments in one folder, and their index."""

    def __init__(self, folder: Path) -> None:
        self.dir = folder
        self._db: sqlite3.Connection | None = None
        # One connection per Archive, shared by the store's threads.
        self._lock = threading.RLock()
        self._noticed = False

    @property
    def index_path(self) -> Path:
        return self.dir / INDEX_NAME

    def segments(self, table: str) -> list[Path]:
        return sorted(self.dir.glob(f"{table}-*.jsonl"))

    # -- writing ---------------------------------------------------------------
    def append(self, batches: dict[str, list[dict[str, Any]]]) -> None:
        """Append each batch to its segment (``{"jobs-2026-11": [doc, ...]}``),
        fsync them, then index them in one index transaction. A torn tail left
        by a crash is cut first. The caller holds the store's exclusive lock."""
        written: list[tuple[str, int, int, list[tuple[int, int, dict[str, Any]]]]] = []
        for stem, docs in batches.items():
            if not docs:
                continue
            path = self.dir / f"{stem}.jsonl"
            _, end, torn = read_lines(path, tail_start(path)) if path.exists() else ([], 0, 0)
            lines = [encode_line(d) for d in docs]
            fd = open_private(path, os.O_WRONLY | os.O_CREAT)
            try:
                if torn:
                    os.ftruncate(fd, end)
                os.lseek(fd, end, os.SEEK_SET)
                try:
                    write_all(fd, b"".join(lines))
                    os.fsync(fd)
                except OSError as e:
                    os.ftruncate(fd, end)
                    if e.errno == errno.ENOSPC:
                        raise StoreFull.said("store.disk_full", path=str(path)) from None
                    raise
                ino = os.fstat(fd).st_ino
            finally:
                os.close(fd)
            placed: list[tuple[int, int, dict[str, Any]]] = []
            pos = end
            for line, doc in zip(lines, docs, strict=True):
                placed.append((pos, len(line), doc))
                pos += len(line)
            written.append((stem, ino, end, placed))
        if written:
            try:
                self._guarded(lambda db: self._index_appended(db, written))
            except StoreError as e:
                # The segments are written: the index catches up at the next read.
                log.warning("archive index not updated: %s", e)

    def _index_appended(self, db: sqlite3.Connection,
                        written: list[tuple[str, int, int, list[tuple[int, int,
                                                                    dict[str, Any]]]]]) -> None:
        with db:
            for stem, ino, start, placed in written:
                table = _table_of(stem)
                db.executemany(INSERT[table], (
                    _row(table, _seg(stem), pos, n, doc) for pos, n, doc in placed))
                row = db.execute("SELECT ino, indexed_to FROM segments WHERE name = ?",
                                 (stem,)).fetchone()
                # Only an index that had seen the segment up to where this
                # batch starts may say it has seen all of it; otherwise the
                # next read catches up the part in between.
                if (row is None and start == 0) or (row is not None and tuple(row) == (ino, start)):
                    end = placed[-1][0] + placed[-1][1]
                    db.execute("INSERT OR REPLACE INTO segments VALUES (?,?,?)", (stem, ino, end))

    def rewrite(self, path: Path,
                change: Callable[[dict[str, Any]], dict[str, Any] | None]) -> int:
        """Apply ``change`` to each record of one segment; rewrite it atomically
        when any changed. Returns how many changed. The caller holds the lock."""
        docs, _, _ = read_lines(path, 0)
        out: list[dict[str, Any]] = []
        n = 0
        for doc in docs:
            new = change(json.loads(json.dumps(doc)))  # a private copy
            n += new is not None and new != doc
            out.append(doc if new is None else new)
        if n:
            try:
                write_atomic(path, b"".join(encode_line(d) for d in out))
            except DiskFull:
                raise StoreFull.said("store.disk_full", path=str(path)) from None
            self._guarded(lambda db: self._index_segment(db, path, 0, reset=True))
        return n

    def rewrite_older(self, path: Path, change: Callable[[dict[str, Any]], dict[str, Any] | None],
                      older_than: str, exclusive: Callable[[], AbstractContextManager[None]]
                      ) -> int:
        """Retention's rewrite of one jobs segment, in small steps: only jobs
        last changed before ``older_than`` that were not offered at an earlier
        cutoff are read (through the index); a segment with nothing due is
        not read at all. The new segment is built outside the store lock and
        swapped in under it (``exclusive``), if the segment did not change
        meanwhile; otherwise it is done again under the lock."""
        stem = path.stem
        if stem[-7:] > older_than[:7]:
            return 0  # a month that starts after the cutoff
        todo = self._guarded(lambda db: self._due_places(db, path, older_than))
        if todo is None:
            return 0
        ino, size, places = todo
        new_docs: dict[int, dict[str, Any]] = {}
        for (pos, _), doc in zip(places, self._read_at("jobs", stem, places), strict=True):
            if doc is None:
                continue
            new = change(json.loads(json.dumps(doc)))  # a private copy
            if new is not None and new != doc:
                new_docs[pos] = new
        if not new_docs:
            self._guarded(lambda db: self._mark(db, stem, older_than, ino, size))
            return 0
        tmp, moved = self._build_rewrite(path, ino, size, new_docs)
        with exclusive():
            try:
                st = os.stat(path, follow_symlinks=False)
                if (st.st_ino, st.st_size) != (ino, size):
                    # Changed meanwhile (a compaction appended to it): do it
                    # whole, under the lock, as before.
                    os.unlink(tmp)
                    return self.rewrite(path, lambda d: change(d)
                                        if d["updated_at"] < older_than else None)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
                raise
            fsync_dir(self.dir)
            new_ino = os.stat(path, follow_symlinks=False).st_ino
            self._guarded(lambda db: self._moved(db, stem, moved, new_ino, older_than,
                                                 new_docs))
        return len(new_docs)

    def _due_places(self, db: sqlite3.Connection, path: Path, older_than: str
                    ) -> tuple[int, int, list[tuple[int, int]]] | None:
        self._catch_up(db, ("jobs",))
        stem = path.stem
        try:
            st = os.stat(path, follow_symlinks=False)
        except FileNotFoundError:
            return None
        mark = db.execute("SELECT cutoff, ino, size FROM purged WHERE seg = ?",
                          (stem,)).fetchone()
        if mark is not None and mark[1] == st.st_ino and mark[2] <= st.st_size:
            cutoff, _, seen = mark
            if seen == st.st_size and (cutoff >= older_than or cutoff[:7] > stem[-7:]):
                # Nothing new since the last time, and every job in it was
                # already offered (or the month is all before that cutoff).
                return None
            rows = db.execute(
                "SELECT pos, len FROM jobs WHERE seg = ? AND updated_at < ? AND "
                "(updated_at >= ? OR pos >= ?) ORDER BY pos",
                (_seg(stem), older_than, cutoff, seen)).fetchall()
        else:
            rows = db.execute("SELECT pos, len FROM jobs WHERE seg = ? AND updated_at < ? "
                              "ORDER BY pos", (_seg(stem), older_than)).fetchall()
        return st.st_ino, st.st_size, [(p, n) for p, n in rows if p + n <= st.st_size]

    def _mark(self, db: sqlite3.Connection, stem: str, cutoff: str, ino: int,
              size: int) -> None:
        with db:
            old = db.execute("SELECT cutoff, ino, size FROM purged WHERE seg = ?",
                             (stem,)).fetchone()
            if old is not None and old[1] == ino and old[2] == size:
                cutoff = max(cutoff, old[0])
            db.execute("INSERT OR REPLACE INTO purged VALUES (?,?,?,?)",
                       (stem, cutoff, ino, size))

    def _read_at(self, table: str, stem: str, places: list[tuple[int, int]]
                 ) -> Iterator[dict[str, Any] | None]:
        """The record at each place (None where it is damaged), in order."""
        path = self.dir / f"{stem}.jsonl"
        fd = open_private(path, os.O_RDONLY)
        try:
            for pos, n in places:
                doc = decode_line(os.pread(fd, n, pos))
                if doc is None:
                    _damaged(path, pos, "checksum mismatch")
                    yield None
                    continue
                try:
                    check_doc(table, doc.get("id"), doc)
                except MALFORMED as e:
                    _damaged(path, pos, why(e))
                    yield None
                    continue
                yield doc
        finally:
            os.close(fd)

    def _build_rewrite(self, path: Path, ino: int, size: int,
                       new_docs: dict[int, dict[str, Any]]
                       ) -> tuple[Path, list[tuple[int, int, int]]]:
        """A copy of ``path``'s first ``size`` bytes with the records at
        ``new_docs``' places replaced, fsync'ed beside it; and for every line
        its old place and new place and length."""
        tmp = path.with_name(f".{path.name}.{os.getpid()}.rewrite.tmp")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        src = open_private(path, os.O_RDONLY)
        try:
            if os.fstat(src).st_ino != ino:
                raise StoreError.said("store.changed", path=str(path))
            data = os.pread(src, size, 0)
        finally:
            os.close(src)
        out: list[bytes] = []
        moved: list[tuple[int, int, int]] = []
        pos = new_pos = 0
        while pos < len(data):
            nl = data.find(b"\n", pos)
            end = len(data) if nl < 0 else nl + 1
            line = data[pos:end]
            if pos in new_docs:
                line = encode_line(new_docs[pos])
            out.append(line)
            moved.append((pos, new_pos, len(line)))
            new_pos += len(line)
            pos = end
        fd = open_private(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        try:
            try:
                write_all(fd, b"".join(out))
                os.fsync(fd)
            except OSError as e:
                os.close(fd)
                fd = -1
                os.unlink(tmp)
                if e.errno == errno.ENOSPC:
                    raise StoreFull.said("store.disk_full", path=str(path)) from None
                raise
        finally:
            if fd >= 0:
                os.close(fd)
        return tmp, moved

    def _moved(self, db: sqlite3.Connection, stem: str, moved: list[tuple[int, int, int]],
               ino: int, cutoff: str, changed: dict[int, dict[str, Any]]) -> None:
        """The index follows a rewritten segment: same records, new places;
        the ``changed`` ones (by old place) indexed anew, so a purged name or
        phone leaves the index too."""
        seg = _seg(stem)
        rows = {r[1]: r for r in db.execute("SELECT * FROM jobs WHERE seg = ?", (seg,))}
        end = moved[-1][1] + moved[-1][2] if moved else 0
        with db:
            db.execute("DELETE FROM jobs WHERE seg = ?", (seg,))
            db.executemany(INSERT["jobs"], [
                _row("jobs", seg, new, n, changed[old]) if old in changed
                else (seg, new, n, *rows[old][3:])
                for old, new, n in moved if old in rows])
            db.execute("INSERT OR REPLACE INTO segments VALUES (?,?,?)", (stem, ino, end))
            db.execute("INSERT OR REPLACE INTO purged VALUES (?,?,?,?)", (stem, cutoff, ino, end))

    # -- the index -------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        path = self.index_path
        new = not path.exists()
        os.close(open_private(path, os.O_RDWR | os.O_CREAT))  # 0600, never a symlink
        db = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # Deleted rows are zeroed: the index holds personal data (``find``).
            db.execute("PRAGMA secure_delete=ON")
            # Derived data: a power cut may lose its last transactions (caught
            # up from the segments), not corrupt it.
            db.execute("PRAGMA synchronous=NORMAL")
            if db.execute("PRAGMA user_version").fetchone()[0] != INDEX_VERSION:
                self._create(db, new)
        except BaseException:
            db.close()
            raise
        self._db = db
        return db

    def _create(self, db: sqlite3.Connection, new: bool) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            # Checked again under sqlite's write lock: another process may
            # have built it meanwhile.
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version != INDEX_VERSION:
                if not new and version != 0:
                    log.warning("archive index %s is of another version: rebuilding it "
                                "from the archive", self.index_path)
                    self._noticed = True
                for kind, name in db.execute(
                        "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger')"
                        " AND name NOT LIKE 'sqlite_%'").fetchall():
                    db.execute(f'DROP {kind} IF EXISTS "{name}"')
                for statement in SCHEMA:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={INDEX_VERSION}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _drop_index(self, e: BaseException) -> None:
        """A damaged index is removed, to be rebuilt from the segments."""
        log.warning("archive index %s is unusable (%s): rebuilding it from the archive",
                    self.index_path, why(e))
        self._noticed = True  # one notice is enough
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.index_path}{suffix}")

    def _guarded(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` on the index; a damaged one is rebuilt once and
        ``work`` run again."""
        with self._lock:
            try:
                return work(self._connect())
            except sqlite3.DatabaseError as e:
                self._drop_index(e)
            try:
                return work(self._connect())
            except sqlite3.Error as e:  # e.g. the disk is full: a line, not a traceback
                raise StoreError.said("store.index", path=str(self.index_path),
                                      why=str(e)) from None

    def _catch_up(self, db: sqlite3.Connection, tables: Iterable[str]) -> None:
        """Index what the segments hold and the index has not seen: after a
        crash between appending and indexing, a restore, or a new index."""
        seen = {name: (ino, end) for name, ino, end in
                db.execute("SELECT name, ino, indexed_to FROM segments")}
        for table in tables:
            present: set[str] = set()
            for path in self.segments(table):
                stem = path.stem
                present.add(stem)
                try:
                    st = os.stat(path, follow_symlinks=False)
                except FileNotFoundError:
                    continue
                known = seen.get(stem)
                if known == (st.st_ino, st.st_size):
                    continue
                if not seen and not self._noticed:
                    self._noticed = True
                    log.warning("building the archive index %s from the archive (once; "
                                "it may take a while)", self.index_path)
                if known is None or known[0] != st.st_ino or known[1] > st.st_size:
                    self._index_segment(db, path, 0, reset=True)
                else:
                    self._index_segment(db, path, known[1], reset=False)
            for stem in [s for s in seen if _table_of(s) == table and s not in present]:
                with db:
                    db.execute(f"DELETE FROM {table} WHERE seg = ?", (_seg(stem),))
                    db.execute("DELETE FROM segments WHERE name = ?", (stem,))

    def _index_segment(self, db: sqlite3.Connection, path: Path, start: int, *,
                       reset: bool) -> None:
        stem = path.stem
        table = _table_of(stem)
        rows: list[tuple[Any, ...]] = []
        end = start
        try:
            fd = open_private(path, os.O_RDONLY)
        except FileNotFoundError:
            return
        try:
            ino = os.fstat(fd).st_ino
            with os.fdopen(os.dup(fd), "rb") as f:
                f.seek(start)
                pos = start
                for line in f:
                    doc = decode_line(line)
                    if doc is not None:
                        try:
                            check_doc(table, doc.get("id"), doc)
                            rows.append(_row(table, _seg(stem), pos, len(line), doc))
                        except MALFORMED as e:
                            _damaged(path, pos, why(e))
                        end = pos + len(line)
                    elif line.endswith(b"\n"):
                        # Not counted as seen: if it is the last line, it is a
                        # torn tail the next append cuts.
                        _damaged(path, pos, "checksum mismatch")
                    pos += len(line)
        finally:
            os.close(fd)
        with db:
            if reset:
                db.execute(f"DELETE FROM {table} WHERE seg = ?", (_seg(stem),))
            db.executemany(INSERT[table], rows)
            db.execute("INSERT OR REPLACE INTO segments VALUES (?,?,?)", (stem, ino, end))

    def _located(self, table: str, where: str, args: tuple[Any, ...],
                 order: str | None = None) -> list[tuple[int, int, int]]:
        """Places matching ``where``, in file order unless ``order`` is given.
        Sorted here, not by SQL: an ORDER BY on the key would lead SQLite to
        walk the whole table in key order instead of using the time index."""
        def query(db: sqlite3.Connection) -> list[tuple[int, int, int]]:
            self._catch_up(db, (table,))
            rows = db.execute(f"SELECT seg, pos, len FROM {table} WHERE {where}"
                              + (f" ORDER BY {order}" if order else ""), args).fetchall()
            return rows if order else sorted(rows)
        return self._guarded(query)

    def _read(self, table: str, located: Iterable[tuple[int, int, int]]
              ) -> Iterator[dict[str, Any]]:
        """The records at these places, each checked; a damaged one is named
        (file and byte) and skipped."""
        fds: dict[int, int] = {}
        try:
            for seg, pos, n in located:
                path = self.dir / f"{_stem(table, seg)}.jsonl"
                fd = fds.get(seg)
                if fd is None:
                    try:
                        fd = fds[seg] = open_private(path, os.O_RDONLY)
                    except FileNotFoundError:
                        _damaged(path, pos, "the file is missing")
                        continue
                doc = decode_line(os.pread(fd, n, pos))
                if doc is None:
                    _damaged(path, pos, "checksum mismatch")
                    continue
                try:
                    check_doc(table, doc.get("id"), doc)
                except MALFORMED as e:
                    _damaged(path, pos, why(e))
                    continue
                yield doc
        finally:
            for fd in fds.values():
                os.close(fd)

    # -- reading ---------------------------------------------------------------
    def jobs_from(self, prefix: str, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` archived job records whose id starts with ``prefix``."""
        hi = prefix + "\U0010ffff"
        located = self._located("jobs", "id >= ? AND id < ?", (prefix, hi),
                                order=f"id LIMIT {int(limit)}")
        return list(self._read("jobs", located))

    def uncollected(self, printed_before: str | None = None) -> list[dict[str, Any]]:
        """Archived jobs whose card was printed (at or before
        ``printed_before``) and not collected (records from before printing
        times were kept have no ``printed_at`` and are not listed)."""
        where = "printed_at IS NOT NULL AND collected_at IS NULL"
        args: tuple[Any, ...] = ()
        if printed_before is not None:
            where += " AND printed_at <= ?"
            args = (printed_before,)
        return list(self._read("jobs", self._located("jobs", where, args)))

    def uncollected_printed(self) -> list[tuple[str, str]]:
        """(id, printed_at) of every archived card not collected, from the
        index alone (no record is read: a report's figures)."""
        def query(db: sqlite3.Connection) -> list[tuple[str, str]]:
            self._catch_up(db, ("jobs",))
            return [(r[0], r[1]) for r in db.execute(
                "SELECT id, printed_at FROM jobs"
                " WHERE printed_at IS NOT NULL AND collected_at IS NULL")]
        return self._guarded(query)

    def amend_job(self, job_id: str, change: Callable[[dict[str, Any]], dict[str, Any] | None]
                  ) -> dict[str, Any] | None:
        """Replace one archived job record where it lies (e.g. a card handed
        over after its job was archived): its segment is rewritten (``rewrite``)
        with ``change(record)``; None from ``change`` keeps it. Returns the new
        record, or None. The caller holds the store's exclusive lock."""
        def place(db: sqlite3.Connection) -> Any:
            self._catch_up(db, ("jobs",))
            return db.execute("SELECT seg FROM jobs WHERE id = ?", (job_id,)).fetchone()
        row = self._guarded(place)
        if row is None:
            return None
        new: list[dict[str, Any]] = []

        def one(doc: dict[str, Any]) -> dict[str, Any] | None:
            if doc.get("id") != job_id:
                return None  # every copy of it changes: a crash may have left two
            got = change(doc)
            if got is not None:
                new.append(got)
            return got
        self.rewrite(self.dir / f"{_stem('jobs', row[0])}.jsonl", one)
        return new[-1] if new else None

    def scrub(self) -> None:
        """After a purge: no free page of the index, nor its write-ahead log,
        still holds a removed NIK, name or phone (the index keeps them for
        ``find``). Best effort: a reader busy in it leaves it for next time."""
        with self._lock:
            try:
                db = self._connect()
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                db.execute("VACUUM")
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as e:
                log.warning("archive index %s not scrubbed: %s", self.index_path, e)

    def find_jobs(self, *, prefix: str = "", nik: str = "", phone: str = "", name: str = "",
                  limit: int = 200) -> list[dict[str, Any]]:
        """Archived job records (up to ``limit``, newest first) whose id starts
        with ``prefix``, or whose NIK is ``nik``, phone is ``phone`` or name
        holds ``name`` (case-insensitive): each through its own index."""
        queries: list[tuple[str, tuple[Any, ...]]] = []
        if prefix:
            queries.append(("id >= ? AND id < ?", (prefix, prefix + "\U0010ffff")))
        if nik:
            queries.append(("nik = ?", (nik,)))
        if phone:
            queries.append(("phone = ?", (phone,)))
        places: set[tuple[int, int, int]] = set()
        for where, args in queries:
            places.update(self._located("jobs", where, args, order=f"seg DESC LIMIT {int(limit)}"))
        if name:
            # No ORDER BY: with one, SQLite walks the table in key order; without,
            # it scans the covering ``jobs_name`` (the names still held) alone.
            escaped = (name.casefold().replace("\\", "\\\\").replace("%", "\\%")
                       .replace("_", "\\_"))
            places.update(self._located(
                "jobs", f"name IS NOT NULL AND name LIKE ? ESCAPE '\\' LIMIT {int(limit) * 5}",
                (f"%{escaped}%",)))
        newest = sorted(places, key=lambda p: (p[0], p[1]), reverse=True)[:limit]
        docs = list(self._read("jobs", sorted(newest)))
        docs.sort(key=lambda d: d.get("updated_at", ""), reverse=True)
        return docs[:limit]

    def events(self, since: str | None = None, job_id: str | None = None,
               until: str | None = None, kind: str | None = None,
               job_ids: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
        """Events at ``since`` or later, before ``until``, of ``job_id`` (or
        of any of ``job_ids``), of ``kind`` (not ``job``: that kind is not
        indexed; filter those by job)."""
        where, args = _range("at", since, until)
        if job_id is not None:
            where += " AND job_id = ?"
            args += (job_id,)
        if kind is not None:
            # With a job, the job index finds fewer rows than the kind index:
            # ``+`` keeps SQLite from choosing the latter.
            by_job = job_id is not None or job_ids is not None
            where += f" AND {'+' if by_job else ''}kind = ?"
            args += (kind,)
        if job_ids is None:
            return self._read("events", self._located("events", where, args))
        wanted = sorted(set(job_ids))
        located: list[tuple[int, int, int]] = []
        for i in range(0, len(wanted), 500):
            chunk = wanted[i:i + 500]
            located += self._located("events", where + " AND job_id IN "
                                     f"({','.join('?' * len(chunk))})", args + tuple(chunk))
        return self._read("events", sorted(set(located)))

    def last_event(self, kind: str, before: str) -> dict[str, Any] | None:
        """The last event of ``kind`` (not ``job``) before ``before``: one
        index row, one record (the last appended among equal times)."""
        located = self._located("events", "kind = ? AND at < ?", (kind, before),
                                order="at DESC, seg DESC, pos DESC LIMIT 1")
        return next(self._read("events", located), None)

    def jobs_alive(self, since: str, until: str) -> Iterator[dict[str, Any]]:
        """Archived jobs last changed at ``since`` or later and created before
        ``until``: every job that existed in ``[since, until)`` (the jobs
        index alone finds them)."""
        return self._read("jobs", self._located(
            "jobs", "updated_at >= ? AND created_at < ?", (since, until)))

    def ledger_used(self, since: str, until: str) -> dict[str, int]:
        """Blanks used (printed + spoiled) per UTC hour (``YYYY-MM-DDTHH``) in
        ``[since, until)``, hours given in that form: from the running
        per-hour counts, not the entries."""
        def query(db: sqlite3.Connection) -> dict[str, int]:
            self._catch_up(db, ("ledger",))
            return dict(db.execute("SELECT hour, n FROM ledger_used WHERE hour >= ? AND "
                                   "hour < ? AND n > 0", (since, until)).fetchall())
        return self._guarded(query)

    def ledger_change(self, since: str) -> int:
        """The net change of the archived blanks from ``since`` on (the sum of
        the deltas at ``since`` or later), from the index alone."""
        def query(db: sqlite3.Connection) -> int:
            self._catch_up(db, ("ledger",))
            (total,) = db.execute("SELECT coalesce(sum(delta), 0) FROM ledger WHERE at >= ?",
                                  (since,)).fetchone()
            return int(total)
        return self._guarded(query)

    def ledger_entries(self, since: str | None = None, until: str | None = None
               ) -> Iterator[dict[str, Any]]:
        where, args = _range("at", since, until)
        return self._read("ledger", self._located("ledger", where, args))

    def ledger_of_kind(self, kind: str) -> Iterator[dict[str, Any]]:
        """Archived ledger entries of one kind (e.g. every shipment), through
        the index: not the printed entries around them."""
        return self._read("ledger", self._located("ledger", "kind <> 'printed' AND kind = ?",
                                                  (kind,)))

    def first_ledger_at(self) -> str | None:
        """The time of the oldest archived ledger entry (the station's start)."""
        def query(db: sqlite3.Connection) -> str | None:
            self._catch_up(db, ("ledger",))
            (at,) = db.execute("SELECT min(at) FROM ledger").fetchone()
            return None if at is None else str(at)
        return self._guarded(query)

    def ledger_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of these ledger entries are archived (a crash between
        archiving and the new snapshot leaves some both archived and hot)."""
        wanted = list(ids)

        def query(db: sqlite3.Connection) -> set[str]:
            self._catch_up(db, ("ledger",))
            found: set[str] = set()
            for i in range(0, len(wanted), 500):
                chunk = wanted[i:i + 500]
                found.update(r[0] for r in db.execute(
                    f"SELECT id FROM ledger WHERE id IN ({','.join('?' * len(chunk))})", chunk))
            return found
        return self._guarded(query)

    def ledger_summary(self, job_ids: Iterable[str]
                       ) -> tuple[ledger.Totals, list[tuple[str, int]], dict[str, int]]:
        """The archived ledger's totals, the jobs it has printed more than
        once (with how often), and how often it printed each of ``job_ids``."""
        wanted = list(job_ids)

        def query(db: sqlite3.Connection
                  ) -> tuple[ledger.Totals, list[tuple[str, int]], dict[str, int]]:
            self._catch_up(db, ("ledger",))
            kinds = {k: (n, d) for k, n, d in db.execute("SELECT kind, n, delta FROM ledger_kinds")}
            totals = ledger.Totals(
                received=kinds.get("received", (0, 0))[1],
                printed=kinds.get("printed", (0, 0))[0],
                spoiled=kinds.get("spoiled", (0, 0))[0],
                adjusted=kinds.get("adjusted", (0, 0))[1] + kinds.get("counted", (0, 0))[1])
            # Sorted here: an ORDER BY would make SQLite walk every printed job.
            twice = sorted(db.execute("SELECT job_id, n FROM printed WHERE n > 1"))
            printed: dict[str, int] = {}
            for i in range(0, len(wanted), 500):
                chunk = wanted[i:i + 500]
                printed.update(db.execute(
                    f"SELECT job_id, n FROM printed WHERE job_id IN "
                    f"({','.join('?' * len(chunk))})", chunk).fetchall())
            return totals, twice, printed
        return self._guarded(query)

    def records(self, table: str, segment: str | None = None) -> Iterator[dict[str, Any]]:
        """Every archived record of ``table`` (of one ``segment``, e.g.
        ``jobs-2026-11``, when given), segment by segment, one record per id
        (the place the index has for it); damaged ones are named and skipped."""
        for path in self.segments(table):
            stem = path.stem
            if segment is not None and stem != segment:
                continue
            yield from self._read(table, self._located(table, "seg = ?", (_seg(stem),),
                                                       order="pos"))

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def _range(column: str, since: str | None, until: str | None) -> tuple[str, tuple[Any, ...]]:
    where = "1"
    args: tuple[Any, ...] = ()
    if since is not None:
        where += f" AND {column} >= ?"
        args += (since,)
    if until is not None:
        where += f" AND {column} < ?"
        args += (until,)
    return where, args


def _damaged(path: Path, pos: int, reason: str) -> None:
    log.warning("%s: the record at byte %d is damaged (%s); it is skipped", path, pos, reason)

