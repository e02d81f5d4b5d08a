"""Small durable-file helpers: private modes, fsync, atomic replace, and the
rules for files in the data folder (never follow a symlink, the folder must be
the station user's own)."""

from __future__ import annotations

import contextlib
import errno
import os
import pwd
import stat
from pathlib import Path

from .errors import Kind, KtpError, english

#: Every file ktptui opens in its data folder: a planted symlink is refused
#: (ELOOP) rather than followed into another user's files.
NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC


class StoreError(KtpError):
    """A store problem, in one line naming the file and what to do."""

    error_kind = Kind.STORE


class UnsafeFile(StoreError):
    """A file or folder of the store that ktptui refuses to use (a symlink,
    another user's folder, a folder others may write to)."""


class DiskFull(KtpError, OSError):
    """The disk is full: nothing was changed. Still an ``OSError`` (ENOSPC),
    not a ``StoreError``: callers tell the two apart."""

    error_kind = Kind.STORE


def user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def symlink_refused(path: Path | str) -> UnsafeFile:
    return UnsafeFile.said("store.symlink", path=str(path))


def open_nofollow(path: Path | str, flags: int, mode: int = 0o600, *,
                  dir_fd: int | None = None) -> int:
    """``os.open`` that never follows a symlink: a link is an ``UnsafeFile``."""
    try:
        return os.open(path, flags | NOFOLLOW, mode, dir_fd=dir_fd)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise symlink_refused(path) from None
        raise


def read_file(path: Path) -> bytes:
    """The whole file, without following a symlink."""
    fd = open_nofollow(path, os.O_RDONLY)
    try:
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read()
    finally:
        os.close(fd)


def ensure_private_dir(path: Path) -> None:
    """Create ``path`` (and parents) with mode 0700; tighten it if it exists."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        with contextlib.suppress(PermissionError):
            path.chmod(0o700)


def _make_dirs(path: Path) -> None:
    """``mkdir -p`` (mode 0700), fsyncing each new folder's parent so the new
    entry survives a power cut."""
    missing: list[Path] = []
    p = path
    while not p.exists() and not p.is_symlink():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        try:
            os.mkdir(d, 0o700)
        except FileExistsError:
            continue  # another process made it meanwhile
        fsync_dir(d.parent)


def ensure_store_dir(path: Path, *, top: bool) -> None:
    """Create or check a folder of the store (``top``: the data folder itself).

    It must be a folder of the station user (the effective uid) that no one else
    may write to, else ``UnsafeFile``: another user could plant links or files
    in it. Read/execute bits for others are taken away. The data folder itself
    may be a symlink (an admin pointing it at another disk); its subfolders may
    not.
    """
    _make_dirs(path)
    try:
        st = os.stat(path) if top else os.lstat(path)
    except OSError as e:
        raise UnsafeFile.said("store.cannot_use", path=str(path), why=e.strerror) from None
    if stat.S_ISLNK(st.st_mode):
        raise symlink_refused(path)
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafeFile.said("store.not_folder", path=str(path))
    me = os.geteuid()
    if st.st_uid != me:
        raise UnsafeFile.said("store.owner", path=str(path), owner=user_name(st.st_uid),
                              me=user_name(me))
    if st.st_mode & 0o022:
        raise UnsafeFile.said("store.open_mode", path=str(path),
                              mode=f"{stat.S_IMODE(st.st_mode):04o}")
    if st.st_mode & 0o077:
        os.chmod(path, 0o700)


def check_folder_files(path: Path) -> None:
    """Refuse a symlink among a store folder's entries and tighten loose file
    modes to 0600 (e.g. files copied in from a backup with mode 0644)."""
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.is_symlink():
                raise symlink_refused(entry.path)
            if entry.is_file(follow_symlinks=False):
                st = entry.stat(follow_symlinks=False)
                if st.st_mode & 0o077:
                    os.chmod(entry.path, 0o600)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
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
    return english("store.disk_full", path=str(path))


def disk_full(path: Path) -> DiskFull:
    """``DiskFull`` (an ``OSError`` ENOSPC) saying so in the operator's words."""
    e = DiskFull(errno.ENOSPC, disk_full_message(path))
    e.say("store.disk_full", path=str(path))
    return e


def write_atomic(path: Path, data: bytes, *, tmp: Path | None = None,
                 sync_dir: bool = True) -> None:
    """Write a whole file so a crash leaves either the old file or the new one.

    Temp file in the same folder (``tmp``, default ``.NAME.PID.tmp``), fsync,
    rename over, fsync the folder (unless the caller does that itself). The
    temp file is opened without following a symlink, and both names are taken
    relative to one open folder, so the rename stays inside it.
    """
    tmp = tmp or path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if tmp.parent != path.parent:
        raise ValueError(f"temp file {tmp} must be in the folder of {path}")
    dfd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fd = open_nofollow(tmp.name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, dir_fd=dfd)
        except UnsafeFile:
            raise symlink_refused(tmp) from None
        try:
            try:
                write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp.name, path.name, src_dir_fd=dfd, dst_dir_fd=dfd)
        except OSError as e:
            with contextlib.suppress(OSError):
                os.unlink(tmp.name, dir_fd=dfd)
            if e.errno == errno.ENOSPC:
                raise disk_full(path) from None
            raise
        if sync_dir:
            os.fsync(dfd)
    finally:
        os.close(dfd)
