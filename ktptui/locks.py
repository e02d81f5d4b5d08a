"""File locks: the short store-transaction lock and the long engine lock.

Both use ``flock`` on a lock file, so a lock dies with its process (a SIGKILL
or a power cut never leaves a stale lock behind) and two opens in one process
still exclude each other (tests rely on that).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

from . import model
from .errors import Kind, KtpError
from .fsutil import StoreError, open_nofollow, user_name
from .i18n import Said, say
from .identity import operator_name

#: How long a store transaction waits for another process's lock before it
#: gives up and names the holder. A transaction holds it for milliseconds; a
#: holder for seconds is hung (or stopped with Ctrl-Z).
LOCK_WAIT_S = 5.0


def open_private(path: Path, flags: int = os.O_RDWR | os.O_CREAT) -> int:
    """Open (creating 0600) a file that only the station user may read; a
    symlink is refused, never followed."""
    return open_nofollow(path, flags)


class StoreBusy(StoreError):
    """Another process held the store's lock for longer than ``LOCK_WAIT_S``."""


def lock_holders(fd: int) -> list[int]:
    """The pids holding a lock on the file open as ``fd`` (from /proc/locks)."""
    # Matched by inode only: on overlay and other stacked file systems the
    # device /proc/locks shows is not the one stat() gives.
    ino = str(os.fstat(fd).st_ino)
    pids: list[int] = []
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as f:
            for line in f:
                parts = line.split()
                # "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; a waiter
                # has "->" after the number and is not a holder.
                if len(parts) >= 6 and parts[1] != "->" and parts[5].rsplit(":", 1)[-1] == ino:
                    with contextlib.suppress(ValueError):
                        if int(parts[4]) > 0 and int(parts[4]) not in pids:
                            pids.append(int(parts[4]))
    except OSError:
        pass
    return pids


def _ktptui_process(pid: int) -> Said | None:
    """ "ktptui of user ani, since 2026-11-28 09:14" when ``pid`` is a ktptui."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        uid = os.stat(f"/proc/{pid}").st_uid
        # Field 22 of /proc/PID/stat: start time in clock ticks after boot
        # (fields counted after the ")" that ends the command name).
        ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
        btime = next(int(ln.split()[1]) for ln in Path("/proc/stat").read_text().splitlines()
                     if ln.startswith("btime "))
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    if b"ktptui" not in cmd:
        return None
    started = btime + ticks / os.sysconf("SC_CLK_TCK")
    since = datetime.fromtimestamp(started).astimezone().strftime("%Y-%m-%d %H:%M")
    return say("lock.ktptui", user=user_name(uid), since=since)


def describe_holders(fd: int, data_dir: Path) -> Said:
    """Who holds the lock on ``fd``: pids, and user and since for a ktptui."""
    pids = lock_holders(fd)
    if not pids:
        return say("lock.another")
    engine = EngineLock(data_dir).holder_info()
    out: list[Said] = []
    for pid in pids[:5]:
        if engine is not None and engine.pid == pid:
            out.append(engine.said())
        elif (process := _ktptui_process(pid)) is not None:
            out.append(say("lock.process_pid", process=process, pid=pid))
        else:
            out.append(say("lock.pid", pid=pid))
    return Said(f"lock.list.{len(out)}", dict(zip("abcde", out, strict=False)))


class FileLock:
    """An exclusive (or shared) flock held for one ``with`` block; waits at most
    ``wait_s`` (default ``LOCK_WAIT_S``) for another holder, then ``StoreBusy``."""

    def __init__(self, path: Path, *, shared: bool = False,
                 wait_s: float | None = None) -> None:
        self.path = path
        self.shared = shared
        self.wait_s = wait_s
        self._fd: int | None = None

    def __enter__(self) -> FileLock:
        fd = open_private(self.path)
        try:
            self._wait(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self

    def _wait(self, fd: int) -> None:
        mode = (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        try:
            fcntl.flock(fd, mode)
            return
        except BlockingIOError:
            pass
        wait_s = LOCK_WAIT_S if self.wait_s is None else self.wait_s
        deadline = time.monotonic() + wait_s
        pause = 0.001
        while True:
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
            try:
                fcntl.flock(fd, mode)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    break
        who = describe_holders(fd, self.path.parent)
        raise StoreBusy.said("store.busy", path=str(self.path), wait=f"{wait_s:g}", who=who)

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the flock
            self._fd = None


@dataclass(frozen=True)
class Holder:
    user: str
    pid: int
    host: str
    since: str
    role: str

    def describe(self) -> str:
        return str(self.said())

    def said(self) -> Said:
        """Who holds it, in the operator's language when shown."""
        since = self.since
        with contextlib.suppress(ValueError):
            since = datetime.fromisoformat(self.since).astimezone().strftime("%Y-%m-%d %H:%M")
        return say("lock.holder", role=self.role, user=self.user, pid=self.pid, host=self.host,
                   since=since)


class EngineBusy(KtpError):
    """Another process already drives the printer."""

    error_kind = Kind.REFUSED

    def __init__(self, holder: Holder | None, path: Path) -> None:
        who = holder.said() if holder else say("lock.unknown")
        values = {"who": who, "path": str(path)}
        super().__init__(str(say("refused.engine_busy", **values)))
        self.say("refused.engine_busy", **values)
        self.holder = holder


class EngineLock:
    """At most one process drives the printer: held for the engine's lifetime."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "engine.lock"
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def holder_info(self) -> Holder | None:
        """What the engine lock file says about its holder, without locking it
        (it may be stale: compare its pid with a real lock holder's)."""
        try:
            fd = open_private(self.path, os.O_RDONLY)
        except (OSError, StoreError):
            return None
        try:
            return self._read_holder(fd)
        finally:
            os.close(fd)

    def holder(self) -> Holder | None:
        """Who holds the lock now (None when nobody does)."""
        if self._fd is not None:
            return self._read_holder(self._fd)
        fd = open_private(self.path)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return self._read_holder(fd) or Holder("?", 0, "?", "?", "engine")
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    def try_acquire(self, role: str = "engine") -> bool:
        if self._fd is not None:
            return True
        fd = open_private(self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        info = {
            "user": operator_name(),
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": model.now_utc().astimezone().isoformat(timespec="seconds"),
            "role": role,
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        self._fd = fd
        return True

    def acquire(self, role: str = "engine") -> None:
        if not self.try_acquire(role):
            raise EngineBusy(self.holder(), self.path)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    @staticmethod
    def _read_holder(fd: int) -> Holder | None:
        try:
            raw = json.loads(os.pread(fd, 4096, 0) or b"null")
            return Holder(**raw) if isinstance(raw, dict) else None
        except (ValueError, TypeError):
            return None
