"""The real ``ktptui`` in a pseudo-terminal that goes away (its master side
closed), as a dropped SSH or console session does.

When the pty is the TUI's controlling terminal the kernel sends SIGHUP; when
it is not (started under ``setsid`` or a session manager) nothing is sent and
the terminal only answers EOF to reads and EIO to writes. Either way the card
in the printer is finished and recorded, the printer is released and the
process exits. Waits are bounded loops on conditions."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from configkit import write_config

from ktptui import actions
from ktptui.central.sim import CentralSimulator
from ktptui.demo import demo_nik
from ktptui.locks import EngineLock
from ktptui.model import State
from ktptui.store import Store

# Makes the pty the child's controlling terminal (it is a session leader with
# none: start_new_session), then runs ktptui; argv[1:] are ktptui's arguments.
TAKE_CTTY = """
import fcntl, os, sys, termios
fcntl.ioctl(0, termios.TIOCSCTTY, 0)
os.execv(sys.executable, [sys.executable, "-m", "ktptui", *sys.argv[1:]])
"""


def wait_for(cond: Callable[[], bool], seconds: float, drain: int | None = None) -> bool:
    """Poll ``cond`` for at most ``seconds``, reading the pty master meanwhile."""
    deadline = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > deadline:
            return False
        if drain is not None:
            with contextlib.suppress(OSError):
                os.set_blocking(drain, False)
                os.read(drain, 65536)  # keep the terminal drained
        time.sleep(0.05)
    return True


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.parametrize("controlling", [True, False], ids=["ctty-sighup", "no-ctty-eof"])
def test_terminal_gone_finishes_the_card_records_it_and_frees_the_printer(
        tmp_path: Path, controlling: bool) -> None:
    with CentralSimulator(port=0, token="tok", seed=1) as central:
        config, data = write_config(tmp_path, central.base_url)
        store = Store(data)
        actions.receive_blanks(store, 5, operator="t")
        job = actions.add(store, demo_nik(44, 81), operator="t")
        master, slave = os.openpty()
        args = ["--config", str(config)]
        argv = ([sys.executable, "-c", TAKE_CTTY, *args] if controlling
                else [sys.executable, "-m", "ktptui", *args])
        env = {**os.environ, "TERM": "xterm-256color"}
        child = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                 start_new_session=True, close_fds=True)
        os.close(slave)

        def state() -> State | None:
            store.refresh()
            found = store.job(job.id)
            return found.state if found else None

        try:
            assert wait_for(lambda: state() is State.PRINTING, 30, drain=master), \
                f"never printed: {state()}"
        finally:
            os.close(master)  # the terminal goes away
        exited = wait_for(lambda: child.poll() is not None, 20)
        if not exited:
            spent = cpu_seconds(child.pid)
            time.sleep(1.0)
            spinning = cpu_seconds(child.pid) - spent
            child.kill()
            child.wait()
            raise AssertionError(f"ktptui did not exit after its terminal went away "
                                 f"(state {state()}, {spinning:.2f} s CPU in the last 1 s)")
        assert child.returncode == 0
        assert state() in (State.PRINTED, State.DONE)
        assert store.ledger_totals().printed == 1
        lock = EngineLock(data)
        assert lock.try_acquire(role="test")  # the printer is free for the next session
        lock.release()
