"""The engine lock (one printer driver, the holder named) and the file lock."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ktptui.locks import EngineBusy, EngineLock, FileLock, Holder

REPO = Path(__file__).resolve().parent.parent
HOLD = """
import sys
from pathlib import Path
from ktptui.locks import EngineLock
lock = EngineLock(Path(sys.argv[1]))
lock.acquire(role=sys.argv[2])
print("locked", flush=True)
sys.stdin.read()  # hold until the test closes stdin (or kills us)
"""


@pytest.fixture
def holder_proc(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the engine lock, as user ``ani`` over SSH."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "USER": "ani", "SUDO_USER": "",
           "LOGNAME": "ani"}
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path), "engine"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    assert ready and proc.stdout.readline() == "locked\n", proc.stderr
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.communicate(timeout=30)


def test_a_second_engine_is_refused_with_the_holders_user_pid_and_since(
        tmp_path: Path, holder_proc: subprocess.Popen[str]) -> None:
    lock = EngineLock(tmp_path)
    assert not lock.try_acquire()
    with pytest.raises(EngineBusy) as info:
        lock.acquire()
    msg = str(info.value)
    assert f"user ani, pid {holder_proc.pid} on " in msg
    assert re.search(r", since \d{4}-\d\d-\d\d \d\d:\d\d\)", msg), msg
    assert msg.startswith("another ktptui is driving the printer (engine of user ani")
    assert str(tmp_path / "engine.lock") in msg
    holder = info.value.holder
    assert holder is not None and (holder.user, holder.pid) == ("ani", holder_proc.pid)
    assert lock.holder() == holder
    assert not lock.held


def test_the_lock_dies_with_its_holder_even_on_sigkill(
        tmp_path: Path, holder_proc: subprocess.Popen[str]) -> None:
    lock = EngineLock(tmp_path)
    assert not lock.try_acquire()
    os.kill(holder_proc.pid, signal.SIGKILL)
    holder_proc.wait(timeout=30)
    assert lock.holder() is None  # the stale file content is not a holder
    lock.acquire()
    assert lock.held
    me = lock.holder()
    assert me is not None and me.pid == os.getpid()
    lock.release()
    assert lock.holder() is None


def test_two_locks_in_one_process_exclude_each_other(tmp_path: Path) -> None:
    first, second = EngineLock(tmp_path), EngineLock(tmp_path)
    first.acquire(role="resume")
    assert first.try_acquire()  # already ours: still held, no error
    with pytest.raises(EngineBusy, match=r"\(resume of user .*, pid \d+ on "):
        second.acquire()
    first.release()
    first.release()  # twice is harmless
    second.acquire()
    assert second.held and not first.held
    second.release()


def test_holder_with_an_unreadable_lock_file(tmp_path: Path) -> None:
    path = tmp_path / "engine.lock"
    path.write_bytes(b"not json")
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        holder = EngineLock(tmp_path).holder()
        assert holder is not None and holder.user == "?"
        with pytest.raises(EngineBusy):
            EngineLock(tmp_path).acquire()
    finally:
        os.close(fd)


def test_holder_describe_without_a_parsable_time() -> None:
    h = Holder("ani", 42, "st1", "garbage", "engine")
    assert h.describe() == "engine of user ani, pid 42 on st1, since garbage"
    assert "unknown process" in str(EngineBusy(None, Path("/x/engine.lock")))


def test_file_lock_exclusive_and_shared(tmp_path: Path) -> None:
    path = tmp_path / "store.lock"

    def try_flock(kind: int) -> bool:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, kind | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
        finally:
            os.close(fd)

    with FileLock(path):
        assert not try_flock(fcntl.LOCK_SH) and not try_flock(fcntl.LOCK_EX)
    with FileLock(path, shared=True):
        assert try_flock(fcntl.LOCK_SH) and not try_flock(fcntl.LOCK_EX)
    assert try_flock(fcntl.LOCK_EX)
    with pytest.raises(ValueError), FileLock(path):
        raise ValueError  # released on the way out of an exception too
    assert try_flock(fcntl.LOCK_EX)
