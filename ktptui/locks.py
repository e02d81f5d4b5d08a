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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

from .identity import operator_name


def open_private(path: Path, flags: int = os.O_RDWR | os.O_CREAT) -> int:
    """Open (creating 0600) a file that only the station user may read."""
    fd = os.open(path, flags | os.O_CLOEXEC, 0o600)
    return fd


class FileLock:
    """An exclusive (or shared) flock held for one ``with`` block."""

    def __init__(self, path: Path, *, shared: bool = False) -> None:
        self.path = path
        self.shared = shared
        self._fd: int | None = None

    def __enter__(self) -> FileLock:
        fd = open_private(self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self

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
        since = self.since
        with contextlib.suppress(ValueError):
            since = datetime.fromisoformat(self.since).astimezone().strftime("%Y-%m-%d %H:%M")
        return f"{self.role} of user {self.user}, pid {self.pid} on {self.host}, since {since}"


class EngineBusy(Exception):
    """Another process already drives the printer."""

    def __init__(self, holder: Holder | None, path: Path) -> None:
        who = holder.describe() if holder else "an unknown process"
        super().__init__(
            f"another ktptui is driving the printer ({who}); "
            f"stop it first, or work on the queue only (lock: {path})"
        )
        self.holder = holder


class EngineLock:
    """At most one process drives the printer: held for the engine's lifetime."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "engine.lock"
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

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
            "since": datetime.now().astimezone().isoformat(timespec="seconds"),
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
