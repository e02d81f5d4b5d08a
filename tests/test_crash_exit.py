"""A crash is never "success": any unexpected exception ends ``ktptui`` with
exit 70, ONE line on stderr, and the traceback in a log file (the TUI's
``data_dir/tui.log``; ``$XDG_STATE_HOME/ktptui/ktptui.log`` for every other
command and the demo). NIKs appear masked in both. Waits are bounded loops
on conditions."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from configkit import write_config

from ktptui import actions
from ktptui.central.sim import CentralSimulator
from ktptui.cli import main as cli
from ktptui.crash import EXIT_CRASH
from ktptui.demo import demo_nik
from ktptui.locks import EngineLock
from ktptui.model import State
from ktptui.store import Store

NIK = "3515010101800001"
MASKED = "351501******0001"

# The real command line, after a patch that makes something raise.
CHILD = """
import sys
from ktptui.model import State
from ktptui.tui.app import KtpApp
from ktptui.tui.screens.main import MainScreen

def boom(*args, **kwargs):
    raise RuntimeError("boom for 3515010101800001")

where, argv = sys.argv[1], sys.argv[2:]
if where == "screen":  # the main screen fails as it loads the queue
    MainScreen.load_jobs = boom
elif where == "panic":  # Textual's other way out (e.g. its input thread died)
    def panic(self, *args, **kwargs):
        self.app.panic("Textual's input thread stopped for 3515010101800001")
    MainScreen.load_jobs = panic
elif where == "printing":  # the App fails once a card is in the printer
    shown = KtpApp.on_engine_status_changed
    def fail_while_printing(self, message):
        shown(self, message)
        if message.status.current_job:
            boom()
    KtpApp.on_engine_status_changed = fail_while_printing
from ktptui.cli.main import main
sys.exit(main(argv))
"""

ANSI = re.compile(rb"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-B]|[=>])")


@contextlib.contextmanager
def in_a_terminal(args: list[str], env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[bytes],
                                                                        bytearray]]:
    """CHILD in a pseudo-terminal (stdin, stdout and stderr, as a person runs it)."""
    master, slave = os.openpty()
    child = subprocess.Popen([sys.executable, "-c", CHILD, *args], stdin=slave, stdout=slave,
                             stderr=slave, env={**os.environ, "TERM": "xterm-256color", **env},
                             start_new_session=True)
    os.close(slave)
    os.set_blocking(master, False)
    seen = bytearray()
    child.read = lambda: _read(master, seen)  # type: ignore[attr-defined]
    try:
        yield child, seen
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(master)


def _read(master: int, seen: bytearray) -> None:
    with contextlib.suppress(BlockingIOError, OSError):
        seen.extend(os.read(master, 65536))


def wait_exit(child: subprocess.Popen[bytes], seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    while child.poll() is None:
        assert time.monotonic() < deadline, "ktptui did not exit after the error"
        child.read()  # type: ignore[attr-defined]
        time.sleep(0.05)
    for _ in range(20):  # what is left in the terminal
        child.read()  # type: ignore[attr-defined]
    return child.returncode


def after_the_screen(seen: bytearray) -> list[str]:
    """The lines printed once the App left the terminal's alternate screen."""
    tail = bytes(seen).rsplit(b"\x1b[?1049l", 1)[-1]
    text = ANSI.sub(b"", tail).decode("utf-8", "replace").replace("\r", "")
    return [line for line in text.split("\n") if line.strip()]


def test_a_screen_that_raises_exits_70_with_one_line_and_the_traceback_in_tui_log(
        tmp_path: Path) -> None:
    nothing_listens = "http://127.0.0.1:9"
    config, data = write_config(tmp_path, nothing_listens, seconds_per_card=1.0)
    with in_a_terminal(["screen", "--config", str(config)],
                       {"XDG_STATE_HOME": str(tmp_path / "state")}) as (child, seen):
        code = wait_exit(child)
    log = data / "tui.log"
    assert code == EXIT_CRASH, bytes(seen)[-800:]
    assert after_the_screen(seen) == [
        f"ktptui: stopped by an unexpected error (RuntimeError: boom for {MASKED}); "
        f"details in {log}"]
    assert b"Traceback" not in seen and NIK.encode() not in seen
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "load_jobs" in text
    assert f"RuntimeError: boom for {MASKED}" in text and NIK not in text


def test_a_textual_panic_is_not_success_either(tmp_path: Path) -> None:
    config, data = write_config(tmp_path, "http://127.0.0.1:9", seconds_per_card=1.0)
    with in_a_terminal(["panic", "--config", str(config)],
                       {"XDG_STATE_HOME": str(tmp_path / "state")}) as (child, seen):
        code = wait_exit(child)
    log = data / "tui.log"
    assert code == EXIT_CRASH, bytes(seen)[-800:]
    assert after_the_screen(seen) == [
        f"ktptui: stopped by an unexpected error (Textual stopped); details in {log}"]
    text = log.read_text()
    assert "Textual's input thread stopped for" in text and NIK not in text


def test_the_demo_crash_goes_to_the_state_log(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with in_a_terminal(["screen", "--demo"], {"XDG_STATE_HOME": str(state)}) as (child, seen):
        code = wait_exit(child)
    log = state / "ktptui" / "ktptui.log"  # the demo's own folder is gone
    assert code == EXIT_CRASH, bytes(seen)[-800:]
    assert after_the_screen(seen) == [
        f"ktptui: stopped by an unexpected error (RuntimeError: boom for {MASKED}); "
        f"details in {log}"]
    assert "ktptui --demo: unexpected error" in log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_a_crash_while_printing_finishes_the_card_and_frees_the_printer(
        tmp_path: Path) -> None:
    with CentralSimulator(port=0, token="tok", seed=1) as central:
        config, data = write_config(tmp_path, central.base_url, seconds_per_card=1.0)
        store = Store(data)
        actions.receive_blanks(store, 5, operator="t")
        job = actions.add(store, demo_nik(44, 81), operator="t")
        with in_a_terminal(["printing", "--config", str(config)],
                           {"XDG_STATE_HOME": str(tmp_path / "state")}) as (child, seen):
            code = wait_exit(child)
        assert code == EXIT_CRASH, bytes(seen)[-800:]
        assert len(after_the_screen(seen)) == 1
        store.refresh()
        found = store.job(job.id)
        assert found is not None and found.state in (State.PRINTED, State.DONE)
        assert store.ledger_totals().printed == 1
        lock = EngineLock(data)
        assert lock.try_acquire(role="test")
        lock.release()


# -- the other commands, in-process ----------------------------------------------------------

@pytest.fixture(autouse=True)
def keep_logging() -> Iterator[None]:
    """``--resume`` in-process points the ktptui logger at stderr: put it back
    (other tests read its records through the root logger)."""
    logger = logging.getLogger("ktptui")
    saved = logger.handlers[:], logger.propagate, logger.level
    yield
    logger.handlers[:], logger.propagate, logger.level = saved[0], saved[1], saved[2]


@pytest.fixture
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "ktptui" / "ktptui.log"


def boom(*args: object, **kwargs: object) -> int:
    raise RuntimeError(f"boom for {NIK}\nand a second line")


def test_a_command_that_raises_exits_70_with_one_line(
        tmp_path: Path, state_home: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    config, _data = write_config(tmp_path, "http://127.0.0.1:9", seconds_per_card=1.0)
    monkeypatch.setitem(cli.COMMANDS, "status", boom)
    code = cli.main(["status", "--config", str(config)])
    out = capsys.readouterr()
    assert code == EXIT_CRASH
    assert out.err.splitlines() == [
        f"ktptui: stopped by an unexpected error (RuntimeError: boom for {MASKED}); "
        f"details in {state_home}"]
    assert out.out == ""
    text = state_home.read_text()
    assert "ktptui status: unexpected error" in text and "Traceback" in text
    assert "and a second line" in text and NIK not in text
    assert stat.S_IMODE(state_home.stat().st_mode) == 0o600


def test_an_unwritable_log_is_said_in_the_same_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    config, _data = write_config(tmp_path, "http://127.0.0.1:9", seconds_per_card=1.0)
    blocker = tmp_path / "state"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    monkeypatch.setitem(cli.COMMANDS, "jobs", boom)
    assert cli.main(["jobs", "--config", str(config)]) == EXIT_CRASH
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("ktptui: stopped by an unexpected error (RuntimeError: boom for ")
    assert "could not be written" in line


def test_resume_that_raises_exits_70_with_one_journal_line_and_frees_the_printer(
        tmp_path: Path, state_home: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from ktptui.station import engine

    with CentralSimulator(port=0, token="tok", seed=1) as central:
        config, data = write_config(tmp_path, central.base_url, seconds_per_card=1.0)
        monkeypatch.setattr(engine.Engine, "run", boom)
        code = cli.main(["--resume", "--config", str(config)])
    err = capsys.readouterr().err.splitlines()
    assert code == EXIT_CRASH
    crash_lines = [line for line in err if "unexpected error" in line]
    assert crash_lines == [f"<2>ktptui: stopped by an unexpected error (RuntimeError: boom for "
                           f"{MASKED}); details in {state_home}"]
    assert "Traceback" not in "\n".join(err)
    assert "ktptui --resume: unexpected error" in state_home.read_text()
    lock = EngineLock(data)
    assert lock.try_acquire(role="test")
    lock.release()


def test_a_closed_pipe_is_not_a_crash(tmp_path: Path) -> None:
    """``ktptui jobs | head -0``: the reader is gone before the first line;
    no crash line, no traceback, not 0."""
    config, data = write_config(tmp_path, "http://127.0.0.1:9", seconds_per_card=1.0)
    actions.add(Store(data), demo_nik(1, 1), operator="t")
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run([sys.executable, "-m", "ktptui", "jobs", "--config", str(config)],
                              stdout=write, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                              env={**os.environ, "XDG_STATE_HOME": str(tmp_path)}, timeout=60)
    finally:
        os.close(write)
    assert proc.returncode == 1
    assert proc.stderr == b""
