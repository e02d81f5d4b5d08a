"""Small durable-file helpers: private modes, fsync, atomic replace."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path


class DiskFull(OSError):
    """The disk is full: nothing was changed."""


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) with mode 0700; tighten it if it exists."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        with contextlib.suppress(PermissionError):
            path.chmod(0o700)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def disk_full_message(path: Path) -> str:
    return f"disk full writing {path}: free some space on that disk; nothing was changed"


def write_atomic(path: Path, data: bytes, *, tmp: Path | None = None,
                 sync_dir: bool = True) -> None:
    """Write a whole file so a crash leaves either the old file or the new one.

    Temp file in the same folder (``tmp``, default ``.NAME.PID.tmp``), fsync,
    rename over, fsync the folder (unless the caller does that itself).
    """
    tmp = tmp or path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        if e.errno == errno.ENOSPC:
            raise DiskFull(errno.ENOSPC, disk_full_message(path)) from None
        raise
    if sync_dir:
        fsync_dir(path.parent)
